// The JSON shapes in which proofs travel (API responses, audit bundles), documented in
// docs/ledger-format.md. Hashes are lowercase hex; sizes and indices are JSON numbers.

import { isSafeCount } from './bits.js';
import { isHashHex, toHex } from './encoding.js';
import { ProofError } from './proof-error.js';

export interface InclusionProofJson {
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  path: string[];
}

export interface ConsistencyProofJson {
  first: number;
  second: number;
  path: string[];
}

export interface InclusionProof {
  leafIndex: number;
  treeSize: number;
  leafHash: Buffer;
  path: Buffer[];
}

export interface ConsistencyProof {
  first: number;
  second: number;
  path: Buffer[];
}

export function inclusionProofToJson(proof: InclusionProof): InclusionProofJson {
  return {
    leafIndex: proof.leafIndex,
    treeSize: proof.treeSize,
    leafHash: toHex(proof.leafHash),
    path: proof.path.map(toHex),
  };
}

export function consistencyProofToJson(proof: ConsistencyProof): ConsistencyProofJson {
  return { first: proof.first, second: proof.second, path: proof.path.map(toHex) };
}

function malformed(message: string): ProofError {
  return new ProofError('MALFORMED_PROOF', message);
}

function checkKeys(json: unknown, keys: string[]): Record<string, unknown> {
  if (typeof json !== 'object' || json === null || Array.isArray(json))
    throw malformed('proof must be a JSON object');
  const actual = Object.keys(json).sort();
  if (actual.join() !== [...keys].sort().join()) {
    throw malformed(
      `proof must have exactly the fields ${keys.join(', ')}; got ${actual.join(', ') || 'none'}`,
    );
  }
  return json as Record<string, unknown>;
}

function readCount(value: unknown, field: string): number {
  if (!isSafeCount(value)) throw malformed(`${field} must be an integer between 0 and 2^53-1`);
  return value;
}

function readPath(value: unknown): Buffer[] {
  if (!Array.isArray(value) || !value.every(isHashHex)) {
    throw malformed('path must be an array of 64-digit lowercase hex hashes');
  }
  return value.map((h) => Buffer.from(h, 'hex'));
}

/** Reads an inclusion proof from its JSON form; the proof still has to be verified. */
export function parseInclusionProofJson(json: unknown): InclusionProof {
  const o = checkKeys(json, ['leafIndex', 'treeSize', 'leafHash', 'path']);
  if (!isHashHex(o.leafHash)) throw malformed('leafHash must be 64 lowercase hex digits');
  return {
    leafIndex: readCount(o.leafIndex, 'leafIndex'),
    treeSize: readCount(o.treeSize, 'treeSize'),
    leafHash: Buffer.from(o.leafHash, 'hex'),
    path: readPath(o.path),
  };
}

/** Reads a consistency proof from its JSON form; the proof still has to be verified. */
export function parseConsistencyProofJson(json: unknown): ConsistencyProof {
  const o = checkKeys(json, ['first', 'second', 'path']);
  return {
    first: readCount(o.first, 'first'),
    second: readCount(o.second, 'second'),
    path: readPath(o.path),
  };
}
