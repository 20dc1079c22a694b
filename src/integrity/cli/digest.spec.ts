import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { computeCodeDigest } from '../code-digest.js';
import { runningCode } from '../running-code.js';
import { main, USAGE } from './digest.js';

let root: string;

beforeAll(() => {
  root = mkdtempSync(join(tmpdir(), 'fairdraw-digest-cli-'));
  mkdirSync(join(root, 'dist/src'), { recursive: true });
  writeFileSync(join(root, 'dist/src/main.js'), 'console.log(1);\n');
  writeFileSync(join(root, 'dist/.build-stamp'), 'now\n');
  writeFileSync(join(root, 'package.json'), '{"type":"module"}\n');
  writeFileSync(join(root, 'package-lock.json'), '{}\n');
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

async function run(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('integrity:digest', () => {
  it('prints the digest of a build on its first line', async () => {
    const expected = await computeCodeDigest(root, 'build');
    const { status, stdout } = await run('--root', root);
    expect(status).toBe(0);
    expect(stdout.split('\n')[0]).toBe(expected.digest);
    expect(stdout).toContain('SHA-256 of the build');
    expect(stdout).toContain('3 files');
  });

  it('prints the manifest, whose SHA-256 is the digest', async () => {
    const { status, stdout } = await run('--root', root, '--manifest');
    expect(status).toBe(0);
    expect(stdout.split('\n').filter(Boolean)).toEqual([
      expect.stringMatching(/^[0-9a-f]{64} {2}dist\/src\/main\.js$/),
      expect.stringMatching(/^[0-9a-f]{64} {2}package-lock\.json$/),
      expect.stringMatching(/^[0-9a-f]{64} {2}package\.json$/),
    ]);
    const digest = createHash('sha256').update(stdout).digest('hex');
    expect((await run('--root', root)).stdout.startsWith(digest)).toBe(true);
  });

  it('prints JSON, and checks an expected digest', async () => {
    const { digest } = await computeCodeDigest(root, 'build');
    const json = JSON.parse((await run('--root', root, '--json')).stdout);
    expect(json).toMatchObject({ name: 'fairdraw', kind: 'build', root, digest, files: 3 });
    expect((await run('--root', root, '--expect', digest.toUpperCase())).status).toBe(0);
    const other = await run('--root', root, '--expect', 'ab'.repeat(32));
    expect(other.status).toBe(1);
    expect(other.stderr).toContain(`MISMATCH: expected ${'ab'.repeat(32)}, the code gives ${digest}`);
  });

  it('hashes the sources it runs from, and says they are not a build', async () => {
    const here = runningCode();
    const { status, stdout } = await run('--json');
    expect(status).toBe(0);
    expect(JSON.parse(stdout)).toMatchObject({ kind: 'source', root: here.root });
    expect((await run()).stdout).toContain('SOURCES (not a build)');
  });

  it.each([
    [['--kind', 'binary'], /--kind must be build or source/],
    [['--expect', 'xyz'], /64 hex digits/],
    [['--manifest', '--json'], /exclude each other/],
    [['--bogus'], /Unknown option/],
    [['extra'], /unexpected argument extra/],
  ])('refuses %j with the usage and status 2', async (argv, message) => {
    const { status, stderr } = await run(...argv);
    expect(status).toBe(2);
    expect(stderr).toMatch(message);
    expect(stderr).toContain(USAGE);
  });

  it('fails with status 2 when the code cannot be read', async () => {
    const { status, stderr } = await run('--root', join(root, 'nowhere'));
    expect(status).toBe(2);
    expect(stderr).toMatch(/dist cannot be read/);
  });

  it('shows the help', async () => {
    const { status, stdout } = await run('--help');
    expect(status).toBe(0);
    expect(stdout).toBe(USAGE);
  });
});
