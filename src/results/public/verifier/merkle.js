// @ts-check
// RFC 9162 Merkle hashing and inclusion proofs with WebCrypto's SHA-256: leaf = SHA-256(0x00 || data),
// node = SHA-256(0x01 || left || right). Inclusion verification follows RFC 9162 section 2.1.3.2 with
// the up-front length check of the reference verifier (docs/ledger-format.md section 5). Indices go up
// to 2^53 - 1, beyond 32-bit integer operators: halving is Math.floor(x / 2), and the XOR and bit
// counts of the length check use BigInt.

import { bytesEqual, bytesToHex, concatBytes } from './bytes.js';

/** A check that did not pass; the message says why, in the words the page shows. */
export class VerificationFailure extends Error {
  /** @param {string} message */
  constructor(message) {
    super(message);
    this.name = 'VerificationFailure';
  }
}

/** @param {Uint8Array} data @returns {Promise<Uint8Array>} */
export async function sha256(data) {
  return new Uint8Array(await globalThis.crypto.subtle.digest('SHA-256', /** @type {BufferSource} */ (data)));
}

/** @param {Uint8Array} data */
export function leafHash(data) {
  return sha256(concatBytes([0], data));
}

/** @param {Uint8Array} left @param {Uint8Array} right */
export function nodeHash(left, right) {
  return sha256(concatBytes([1], left, right));
}

/** @param {bigint} x */
function bitLength(x) {
  return x === 0n ? 0 : x.toString(2).length;
}

/** @param {bigint} x */
function onesCount(x) {
  return [...x.toString(2)].filter((c) => c === '1').length;
}

/** The length of the inclusion proof of leaf `index` in a tree of `size` leaves. @param {number} index @param {number} size */
export function inclusionProofLength(index, size) {
  const inner = bitLength(BigInt(index) ^ BigInt(size - 1));
  return inner + onesCount(BigInt(index) >> BigInt(inner));
}

/** @param {unknown} x @returns {x is number} */
function isCount(x) {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}

/**
 * Checks that `leaf` (a leaf hash) is leaf `leafIndex` of the tree of `treeSize` leaves whose root is
 * `root`. Throws VerificationFailure with the reason.
 * @param {number} leafIndex
 * @param {number} treeSize
 * @param {Uint8Array} leaf
 * @param {readonly Uint8Array[]} path
 * @param {Uint8Array} root
 */
export async function verifyInclusion(leafIndex, treeSize, leaf, path, root) {
  if (!isCount(leafIndex) || !isCount(treeSize))
    throw new VerificationFailure('leaf index and tree size must be integers between 0 and 2^53-1');
  if (leafIndex >= treeSize)
    throw new VerificationFailure(`leaf index ${leafIndex} out of range for tree size ${treeSize}`);
  if ([leaf, root, ...path].some((h) => h.length !== 32))
    throw new VerificationFailure('every hash of an inclusion proof is 32 bytes');
  const want = inclusionProofLength(leafIndex, treeSize);
  if (path.length !== want) throw new VerificationFailure(`the path has ${path.length} hashes, want ${want}`);
  let fn = leafIndex;
  let sn = treeSize - 1;
  let r = leaf;
  for (const p of path) {
    if (sn === 0) throw new VerificationFailure('the path is longer than the path to the root');
    if (fn % 2 === 1 || fn === sn) {
      r = await nodeHash(p, r);
      while (fn % 2 === 0 && fn !== 0) {
        fn = Math.floor(fn / 2);
        sn = Math.floor(sn / 2);
      }
    } else {
      r = await nodeHash(r, p);
    }
    fn = Math.floor(fn / 2);
    sn = Math.floor(sn / 2);
  }
  if (sn !== 0) throw new VerificationFailure('the path is shorter than the path to the root');
  if (!bytesEqual(r, root)) {
    throw new VerificationFailure(
      `the path leads to ${bytesToHex(r)}, not to the root ${bytesToHex(root)} of tree size ${treeSize}`,
    );
  }
}
