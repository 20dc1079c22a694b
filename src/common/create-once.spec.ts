import { execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createFileOnce } from './create-once.js';

// The racing processes run the built module (as the service does).
const BUILT = resolve('dist/src/common/create-once.js');
beforeAll(() => {
  execFileSync('node', ['scripts/ensure-built.mjs'], { stdio: 'inherit' });
}, 180_000);

describe('createFileOnce', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'fairdraw-once-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates the file with its mode, then leaves it as it is', () => {
    const file = join(dir, 'keys', 'key.txt');
    expect(createFileOnce(file, 'first\n')).toBe(true);
    expect(createFileOnce(file, 'second\n')).toBe(false);
    expect(readFileSync(file, 'utf8')).toBe('first\n');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readdirSync(join(dir, 'keys'))).toEqual(['key.txt']);
  });

  it('lets processes racing on one folder agree on one whole value, never a partial one', async () => {
    // Each process writes a large value (so a non-atomic write would be seen half done) and reads
    // the file back at once; all must read the same complete value.
    const script = `
      import { readFileSync } from 'node:fs';
      import { createFileOnce } from ${JSON.stringify(BUILT)};
      const [tag, file] = process.argv.slice(1);
      createFileOnce(file, tag.repeat(20_000_000));
      process.stdout.write(readFileSync(file, 'utf8'));`;
    const run = (tag: string, file: string) =>
      new Promise<string>((resolve, reject) => {
        const child = spawn(process.execPath, ['--input-type=module', '-e', script, tag, file]);
        let out = '';
        child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        child.on('error', reject);
        // 'close', not 'exit': a process may exit before its 20 MB of stdout are read, and a reading
        // cut short would look like a second value.
        child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`exit ${code}`))));
      });
    // Several rounds: a plain exclusive create loses this race in about one round of three.
    for (let round = 0; round < 4; round++) {
      const file = join(dir, `key-${round}.txt`);
      const reads = await Promise.all(['a', 'b', 'c', 'd', 'e', 'f'].map((tag) => run(tag, file)));
      expect(new Set(reads).size).toBe(1);
      const tag = reads[0][0];
      expect('abcdef').toContain(tag);
      expect(reads[0] === tag.repeat(20_000_000)).toBe(true);
    }
  }, 60_000);
});
