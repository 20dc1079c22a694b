import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CodeDigestError,
  computeCodeDigest,
  digestOfManifest,
  EXCLUDED_PATHS,
  manifestDifferences,
} from './code-digest.js';
import { runningCode } from './running-code.js';

const sha256 = (data: string | Buffer) => createHash('sha256').update(data).digest('hex');

let root: string;

function write(path: string, content: string | Buffer): void {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
}

/** A small build: nested folders, names that sort differently by code point and by locale, a map. */
function fakeBuild(): void {
  write('package.json', '{"name":"fairdraw","type":"module"}\n');
  write('package-lock.json', '{"lockfileVersion":3}\n');
  write('dist/src/main.js', 'console.log("main");\n');
  write('dist/src/main.js.map', '{"version":3,"sources":["../../src/main.ts"]}');
  write('dist/src/Z-upper.js', 'export {};\n');
  write('dist/src/a b/with space.js', 'export const x = 1;\n');
  write('dist/src/ledger/ünïcode.js', Buffer.from([0, 1, 2, 255]));
  write('dist/.build-stamp', new Date().toISOString() + '\n');
  write('src/main.ts', 'console.log("main");\n');
}

beforeEach(() => {
  root = mkdtempSync(join(tmpdir(), 'fairdraw-digest-'));
  fakeBuild();
});
afterEach(() => rmSync(root, { recursive: true, force: true }));

describe('computeCodeDigest', () => {
  it('lists every file of dist/ and the lockfile, sorted bytewise, in sha256sum format', async () => {
    const result = await computeCodeDigest(root, 'build');
    const paths = [
      'dist/src/Z-upper.js',
      'dist/src/a b/with space.js',
      'dist/src/ledger/ünïcode.js',
      'dist/src/main.js',
      'dist/src/main.js.map',
      'package-lock.json',
      'package.json',
    ];
    expect(result.manifest.trimEnd().split('\n')).toEqual(
      paths.map((path) => `${sha256(readFileSync(join(root, path)))}  ${path}`),
    );
    expect(result.files).toBe(7);
    expect(result.kind).toBe('build');
    expect(result.digest).toBe(sha256(result.manifest));
    expect(digestOfManifest(result.manifest)).toBe(result.digest);
  });

  it('gives the digest that the documented coreutils pipeline gives, with no Fairdraw code', async () => {
    const result = await computeCodeDigest(root, 'build');
    const pipeline =
      '{ find dist -type f ! -path dist/.build-stamp; echo package.json; echo package-lock.json; } ' +
      "| LC_ALL=C sort | xargs -d '\\n' sha256sum";
    const manifest = execFileSync('bash', ['-c', pipeline], { cwd: root, encoding: 'utf8' });
    expect(manifest).toBe(result.manifest);
    const digest = execFileSync('bash', ['-c', `${pipeline} | sha256sum`], { cwd: root, encoding: 'utf8' });
    expect(digest).toBe(`${result.digest}  -\n`);
  });

  it('ignores the build stamp, and nothing else', async () => {
    expect(EXCLUDED_PATHS).toEqual(['dist/.build-stamp']);
    const before = await computeCodeDigest(root, 'build');
    write('dist/.build-stamp', '2031-01-01T00:00:00.000Z\n');
    expect((await computeCodeDigest(root, 'build')).digest).toBe(before.digest);
    write('dist/src/main.js.map', '{"version":3,"sources":["../../src/other.ts"]}');
    expect((await computeCodeDigest(root, 'build')).digest).not.toBe(before.digest);
  });

  it.each([
    ['a changed byte', () => write('dist/src/main.js', 'console.log("main!");\n')],
    ['an added file', () => write('dist/src/extra.js', '')],
    ['a renamed file', () => renameSync(join(root, 'dist/src/Z-upper.js'), join(root, 'dist/src/Y.js'))],
    ['another lockfile', () => write('package-lock.json', '{"lockfileVersion":2}\n')],
    ['another module type', () => write('package.json', '{"name":"fairdraw","type":"commonjs"}\n')],
  ])('changes with %s, and names the file', async (_, change) => {
    const before = await computeCodeDigest(root, 'build');
    change();
    const after = await computeCodeDigest(root, 'build');
    expect(after.digest).not.toBe(before.digest);
    expect(manifestDifferences(before.manifest, after.manifest).length).toBeGreaterThan(0);
  });

  it('names what differs between two manifests', async () => {
    const before = await computeCodeDigest(root, 'build');
    write('dist/src/main.js', 'changed');
    write('dist/src/new.js', 'new');
    rmSync(join(root, 'dist/src/Z-upper.js'));
    const after = await computeCodeDigest(root, 'build');
    expect(manifestDifferences(before.manifest, after.manifest)).toEqual([
      { path: 'dist/src/Z-upper.js', change: 'removed' },
      { path: 'dist/src/main.js', change: 'changed' },
      { path: 'dist/src/new.js', change: 'added' },
    ]);
  });

  it('hashes src/ instead for the source kind, and says so', async () => {
    const result = await computeCodeDigest(root, 'source');
    expect(result.kind).toBe('source');
    expect(result.manifest).toBe(
      `${sha256('{"lockfileVersion":3}\n')}  package-lock.json\n` +
        `${sha256('{"name":"fairdraw","type":"module"}\n')}  package.json\n` +
        `${sha256('console.log("main");\n')}  src/main.ts\n`,
    );
  });

  it.each([
    ['no dist/', () => rmSync(join(root, 'dist'), { recursive: true }), /dist cannot be read/],
    ['an empty dist/', () => rmSync(join(root, 'dist/src'), { recursive: true }), /holds no files/],
    ['no lockfile', () => rmSync(join(root, 'package-lock.json')), /package-lock\.json cannot be read/],
    ['no package.json', () => rmSync(join(root, 'package.json')), /package\.json cannot be read/],
    [
      'a symbolic link',
      () => symlinkSync('/etc/hostname', join(root, 'dist/src/link.js')),
      /not a regular file/,
    ],
    ['a backslash in a name', () => write('dist/src/odd\\name.js', ''), /refused/],
  ])('refuses to give a digest with %s', async (_, damage, message) => {
    damage();
    const attempt = computeCodeDigest(root, 'build');
    await expect(attempt).rejects.toThrow(CodeDigestError);
    await expect(attempt).rejects.toThrow(message);
  });
});

describe('runningCode', () => {
  it('hashes dist/ of the root when running the build', () => {
    expect(runningCode(pathToFileURL('/app/dist/src/integrity/running-code.js').href)).toEqual({
      root: '/app',
      kind: 'build',
    });
  });

  it('labels TypeScript sources as source, never as the build', () => {
    expect(runningCode(pathToFileURL('/work/repo/src/integrity/running-code.ts').href)).toEqual({
      root: '/work/repo',
      kind: 'source',
    });
    expect(runningCode().kind).toBe('source');
  });

  it('refuses a location it does not recognise', () => {
    expect(() => runningCode(pathToFileURL('/somewhere/lib/integrity/running-code.js').href)).toThrow(
      CodeDigestError,
    );
    expect(() => runningCode(pathToFileURL('/app/build/src/integrity/running-code.js').href)).toThrow(
      /not inside dist/,
    );
  });
});
