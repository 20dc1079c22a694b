// Loads the RFC 9162 proof vectors of shared/vectors/rfc9162 (transparency-dev/merkle testdata):
// one JSON file per case, hashes in base64, wantErr telling whether verification must fail.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fromBase64Strict } from '../encoding.js';
import { RFC9162_VECTORS_DIR } from './paths.js';

export interface InclusionVector {
  file: string;
  leafIdx: number;
  treeSize: number;
  root: Buffer;
  leafHash: Buffer;
  proof: Buffer[];
  desc: string;
  wantErr: boolean;
  /** A size or index in the file exceeds 2^53-1, so JSON.parse could not read it exactly. */
  beyondSafeIntegers: boolean;
}

export interface ConsistencyVector {
  file: string;
  size1: number;
  size2: number;
  root1: Buffer;
  root2: Buffer;
  proof: Buffer[];
  desc: string;
  wantErr: boolean;
  beyondSafeIntegers: boolean;
}

function vectorDir(kind: 'inclusion' | 'consistency'): string {
  const dir = join(RFC9162_VECTORS_DIR, kind);
  if (!existsSync(dir) || !statSync(dir).isDirectory()) {
    throw new Error(
      `RFC 9162 test vectors are missing: no folder ${dir} (shared/ must sit beside the repository)`,
    );
  }
  return dir;
}

/** Every .json file under the folder, found by walking it ourselves. */
function walkJsonFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...walkJsonFiles(path));
    else if (entry.name.endsWith('.json')) found.push(path);
  }
  return found.sort();
}

/** The same count by a second, independent listing, to catch a walker that silently skips files. */
export function countVectorFiles(kind: 'inclusion' | 'consistency'): number {
  const dir = vectorDir(kind);
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((name) => name.endsWith('.json'))
    .length;
}

function decodeHashes(value: unknown): Buffer[] {
  if (value === null) return [];
  if (!Array.isArray(value)) throw new Error('proof must be an array or null');
  return value.map((h: string) => fromBase64Strict(h));
}

function readVector(
  path: string,
  numberFields: string[],
): { raw: Record<string, unknown>; beyondSafeIntegers: boolean } {
  const text = readFileSync(path, 'utf8');
  const beyondSafeIntegers = numberFields.some((field) => {
    const match = new RegExp(`"${field}"\\s*:\\s*(\\d+)`).exec(text);
    if (!match) throw new Error(`${path}: no numeric ${field}`);
    return BigInt(match[1]) > BigInt(Number.MAX_SAFE_INTEGER);
  });
  return { raw: JSON.parse(text) as Record<string, unknown>, beyondSafeIntegers };
}

export function loadInclusionVectors(): InclusionVector[] {
  const dir = vectorDir('inclusion');
  return walkJsonFiles(dir).map((path) => {
    const { raw, beyondSafeIntegers } = readVector(path, ['leafIdx', 'treeSize']);
    return {
      file: relative(RFC9162_VECTORS_DIR, path),
      leafIdx: raw.leafIdx as number,
      treeSize: raw.treeSize as number,
      root: fromBase64Strict(raw.root as string),
      leafHash: fromBase64Strict(raw.leafHash as string),
      proof: decodeHashes(raw.proof),
      desc: raw.desc as string,
      wantErr: raw.wantErr as boolean,
      beyondSafeIntegers,
    };
  });
}

export function loadConsistencyVectors(): ConsistencyVector[] {
  const dir = vectorDir('consistency');
  return walkJsonFiles(dir).map((path) => {
    const { raw, beyondSafeIntegers } = readVector(path, ['size1', 'size2']);
    return {
      file: relative(RFC9162_VECTORS_DIR, path),
      size1: raw.size1 as number,
      size2: raw.size2 as number,
      root1: fromBase64Strict(raw.root1 as string),
      root2: fromBase64Strict(raw.root2 as string),
      proof: decodeHashes(raw.proof),
      desc: raw.desc as string,
      wantErr: raw.wantErr as boolean,
      beyondSafeIntegers,
    };
  });
}
