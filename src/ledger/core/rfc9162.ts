// RFC 9162 (Certificate Transparency 2.0) section 2.1.1 Merkle tree hashing with SHA-256:
// domain-separated leaf and interior node hashes, so a leaf can never be passed off as a node.

import { hash } from 'node:crypto';

export const HASH_SIZE = 32;

const LEAF_PREFIX = Buffer.from([0x00]);
const NODE_PREFIX = Buffer.from([0x01]);

/** SHA-256(0x00 || data): the hash of one leaf. */
export function leafHash(data: Uint8Array): Buffer {
  return hash('sha256', Buffer.concat([LEAF_PREFIX, data]), 'buffer');
}

/**
 * leafHash(UTF-8(text)) without first copying the text into a Buffer: U+0000 is the single UTF-8
 * byte 0x00, so the prefixed string encodes to exactly 0x00 || UTF-8(text). Used on the hot path of
 * the journal verifier.
 */
export function leafHashOfUtf8(text: string): Buffer {
  return hash('sha256', '\u0000' + text, 'buffer');
}

// Interior nodes are hashed once per leaf on average; reusing one input buffer avoids an allocation.
const nodeInput = Buffer.alloc(1 + 2 * HASH_SIZE, 0x01);

/** SHA-256(0x01 || left || right): the hash of an interior node. */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  if (left.length !== HASH_SIZE || right.length !== HASH_SIZE) {
    return hash('sha256', Buffer.concat([NODE_PREFIX, left, right]), 'buffer');
  }
  nodeInput.set(left, 1);
  nodeInput.set(right, 1 + HASH_SIZE);
  return hash('sha256', nodeInput, 'buffer');
}

/** SHA-256 of the empty string: the root of the tree with no leaves (RFC 9162 section 2.1.1). */
export function emptyRoot(): Buffer {
  return hash('sha256', '', 'buffer');
}
