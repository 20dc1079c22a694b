// The SHA-256 of the running code, as a test lab recomputes it (docs/audit.md, "Software digest").
//
// The manifest lists every file of the code, one line per file sorted by path (bytewise, as
// `LC_ALL=C sort` does), each in the format of coreutils `sha256sum`:
//
//   <sha256 of the file's bytes, 64 lowercase hex>  <path relative to the root, '/' separated>\n
//
// and the digest is the SHA-256 of the manifest's bytes. A lab needs nothing of ours to check it:
//
//   { find dist -type f ! -path dist/.build-stamp; echo package.json; echo package-lock.json; } \
//     | LC_ALL=C sort \
//     | xargs -d '\n' sha256sum | sha256sum
//
// Plain Node only (no NestJS), so the command-line tool and the service share it.

import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';

/** `build`: the compiled `dist/` that production runs. `source`: TypeScript run directly (tests). */
export type CodeKind = 'build' | 'source';

export interface CodeDigest {
  kind: CodeKind;
  /** Lowercase hex SHA-256 of `manifest`. */
  digest: string;
  /** Files listed in the manifest. */
  files: number;
  /** The hashed text: one `sha256sum` line per file, sorted by path. */
  manifest: string;
}

/** The directory of each kind of code, relative to the repository (or image) root. */
export const CODE_DIRECTORIES: Readonly<Record<CodeKind, string>> = { build: 'dist', source: 'src' };

/**
 * Files beside the code that decide how it runs: package.json (Node loads every dist/*.js as an
 * ES module because of its "type", and the version shown is read from it) and the lockfile, which
 * pins every dependency by name, version and integrity hash.
 */
export const ROOT_FILES: readonly string[] = ['package.json', 'package-lock.json'];

/**
 * Files inside the code directory that are not code. `scripts/build.mjs` writes the build time
 * into `.build-stamp`, so it differs on every build of the same sources. Source maps are kept:
 * they are build output, deterministic, and read by Node when it prints stack traces.
 */
export const EXCLUDED_PATHS: readonly string[] = ['dist/.build-stamp'];

/** Paths `sha256sum` would escape (or split): refused, so the manifest always matches coreutils. */
const UNSAFE_PATH = /[\\\n\r]/;

export class CodeDigestError extends Error {
  override readonly name = 'CodeDigestError';
}

/** Hashes the code of `kind` under `root` and the ROOT_FILES beside it. */
export async function computeCodeDigest(root: string, kind: CodeKind = 'build'): Promise<CodeDigest> {
  const directory = CODE_DIRECTORIES[kind];
  const paths = await listFiles(root, directory);
  if (paths.length === 0) throw new CodeDigestError(`${join(root, directory)} holds no files`);
  paths.push(...ROOT_FILES);
  paths.sort(byBytes);
  const lines: string[] = [];
  for (const path of paths) lines.push(`${await sha256OfFile(root, path)}  ${path}\n`);
  const manifest = lines.join('');
  return { kind, digest: sha256Hex(manifest), files: paths.length, manifest };
}

/** The digest a manifest stands for (what `sha256sum` prints for the manifest's bytes). */
export function digestOfManifest(manifest: string): string {
  return sha256Hex(manifest);
}

/** Compares two manifests file by file: what a lab reads when digests differ. */
export function manifestDifferences(
  expected: string,
  actual: string,
): Array<{ path: string; change: 'added' | 'removed' | 'changed' }> {
  const parse = (manifest: string) =>
    new Map(
      manifest
        .split('\n')
        .filter((line) => line.length > 0)
        .map((line) => [line.slice(66), line.slice(0, 64)] as const),
    );
  const before = parse(expected);
  const after = parse(actual);
  const differences: Array<{ path: string; change: 'added' | 'removed' | 'changed' }> = [];
  for (const [path, hash] of after) {
    if (!before.has(path)) differences.push({ path, change: 'added' });
    else if (before.get(path) !== hash) differences.push({ path, change: 'changed' });
  }
  for (const path of before.keys()) if (!after.has(path)) differences.push({ path, change: 'removed' });
  return differences.sort((a, b) => byBytes(a.path, b.path));
}

async function listFiles(root: string, directory: string): Promise<string[]> {
  try {
    if (!(await stat(join(root, directory))).isDirectory()) {
      throw new CodeDigestError(`${join(root, directory)} is not a directory`);
    }
  } catch (error) {
    if (error instanceof CodeDigestError) throw error;
    throw new CodeDigestError(`${join(root, directory)} cannot be read: ${(error as Error).message}`);
  }
  const found: string[] = [];
  const walk = async (relative: string): Promise<void> => {
    for (const entry of await readdir(join(root, relative), { withFileTypes: true })) {
      const path = `${relative}/${entry.name}`;
      if (UNSAFE_PATH.test(path)) throw new CodeDigestError(`${path}: a path with \\, CR or LF is refused`);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile()) {
        if (!EXCLUDED_PATHS.includes(path)) found.push(path);
      } else {
        // A symbolic link could point outside the hashed tree: the code must be plain files.
        throw new CodeDigestError(`${path} is not a regular file or directory`);
      }
    }
  };
  await walk(directory);
  return found;
}

async function sha256OfFile(root: string, path: string): Promise<string> {
  try {
    return createHash('sha256')
      .update(await readFile(join(root, path)))
      .digest('hex');
  } catch (error) {
    throw new CodeDigestError(`${path} cannot be read: ${(error as Error).message}`);
  }
}

function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Bytewise order of the UTF-8 paths, as `LC_ALL=C sort`. */
function byBytes(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}
