// Verification of inclusion and consistency proofs, following the algorithms of RFC 9162 sections
// 2.1.3.2 and 2.1.4.2 step by step, with the up-front argument and length checks of
// transparency-dev/merkle proof/verify.go so that a bad proof is rejected with a precise reason.
// Every function throws ProofError on failure and returns normally on success.

import { bitLength, isPowerOfTwo, isSafeCount, onesCount, shiftRight, trailingZeros, xor } from './bits.js';
import { toHex } from './encoding.js';
import { ProofError } from './proof-error.js';
import { HASH_SIZE, nodeHash } from './rfc9162.js';

function checkHashLength(hash: Uint8Array, what: string): void {
  if (hash.length !== HASH_SIZE) {
    throw new ProofError('BAD_HASH_LENGTH', `${what} is ${hash.length} bytes, want ${HASH_SIZE}`);
  }
}

function checkRootMatch(computed: Uint8Array, expected: Uint8Array, what: string): void {
  if (!Buffer.from(computed).equals(expected)) {
    throw new ProofError(
      'ROOT_MISMATCH',
      `${what}: computed ${toHex(computed)} does not match expected ${toHex(expected)}`,
    );
  }
}

/**
 * The number of hashes in the inclusion proof of leaf `index` in a tree of `size` leaves, split where
 * the paths to `index` and to the last leaf diverge: `inner` below that point, `border` above it.
 */
function decomposeInclusionProof(index: number, size: number): { inner: number; border: number } {
  const inner = bitLength(xor(index, size - 1));
  return { inner, border: onesCount(shiftRight(index, inner)) };
}

const odd = (x: number) => x % 2 === 1;
const half = (x: number) => shiftRight(x, 1);

/**
 * The root that an inclusion proof leads to, computed as RFC 9162 section 2.1.3.2 describes.
 * Throws when the arguments or the proof's shape are wrong.
 */
export function rootFromInclusionProof(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
): Buffer {
  if (!isSafeCount(leafIndex) || !isSafeCount(treeSize)) {
    throw new ProofError(
      'INVALID_ARGUMENT',
      'leaf index and tree size must be integers between 0 and 2^53-1',
    );
  }
  if (leafIndex >= treeSize) {
    throw new ProofError(
      'INDEX_OUT_OF_RANGE',
      `leaf index ${leafIndex} out of range for tree size ${treeSize}`,
    );
  }
  checkHashLength(leafHash, 'leaf hash');
  proof.forEach((p, i) => checkHashLength(p, `proof hash ${i}`));
  const { inner, border } = decomposeInclusionProof(leafIndex, treeSize);
  if (proof.length !== inner + border) {
    throw new ProofError('WRONG_PROOF_LENGTH', `proof has ${proof.length} hashes, want ${inner + border}`);
  }

  let fn = leafIndex;
  let sn = treeSize - 1;
  let r: Buffer = Buffer.from(leafHash);
  for (const p of proof) {
    if (sn === 0) throw new ProofError('WRONG_PROOF_LENGTH', 'proof is longer than the path to the root');
    if (odd(fn) || fn === sn) {
      r = nodeHash(p, r);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn = half(fn);
    sn = half(sn);
  }
  if (sn !== 0) throw new ProofError('WRONG_PROOF_LENGTH', 'proof is shorter than the path to the root');
  return r;
}

/** Checks that `leafHash` is leaf `leafIndex` of the tree of `treeSize` leaves with root `root`. */
export function verifyInclusion(
  leafIndex: number,
  treeSize: number,
  leafHash: Uint8Array,
  proof: readonly Uint8Array[],
  root: Uint8Array,
): void {
  checkHashLength(root, 'root hash');
  const computed = rootFromInclusionProof(leafIndex, treeSize, leafHash, proof);
  checkRootMatch(computed, root, `root of tree size ${treeSize}`);
}

/**
 * Checks that the tree of size2 leaves with root2 extends the tree of size1 leaves with root1, as RFC
 * 9162 section 2.1.4.2 describes. Needs 0 < size1 <= size2 (a proof from the empty tree is
 * meaningless); equal sizes need an empty proof and equal roots.
 */
export function verifyConsistency(
  size1: number,
  size2: number,
  proof: readonly Uint8Array[],
  root1: Uint8Array,
  root2: Uint8Array,
): void {
  if (!isSafeCount(size1) || !isSafeCount(size2)) {
    throw new ProofError('INVALID_ARGUMENT', 'tree sizes must be integers between 0 and 2^53-1');
  }
  if (size1 > size2) throw new ProofError('SIZE_ORDER', `tree size ${size1} > ${size2}`);
  if (size1 === 0)
    throw new ProofError('EMPTY_TREE', 'a consistency proof from the empty tree is meaningless');
  if (size1 === size2) {
    if (proof.length !== 0) {
      throw new ProofError('WRONG_PROOF_LENGTH', `sizes are equal but the proof has ${proof.length} hashes`);
    }
    checkRootMatch(root2, root1, `root of tree size ${size2}`);
    return;
  }
  if (proof.length === 0) throw new ProofError('WRONG_PROOF_LENGTH', 'empty proof for different tree sizes');
  checkHashLength(root1, 'root1');
  checkHashLength(root2, 'root2');
  proof.forEach((p, i) => checkHashLength(p, `proof hash ${i}`));

  // Expected length: the inclusion proof of leaf size1-1 in the tree of size2, less the levels inside
  // the largest perfect subtree ending at size1, plus that subtree's root unless it is the old root.
  const { inner, border } = decomposeInclusionProof(size1 - 1, size2);
  const seeded = !isPowerOfTwo(size1);
  const want = (seeded ? 1 : 0) + inner - trailingZeros(size1) + border;
  if (proof.length !== want) {
    throw new ProofError('WRONG_PROOF_LENGTH', `proof has ${proof.length} hashes, want ${want}`);
  }

  // Step 2: if size1 is an exact power of 2, prepend root1 to the path.
  const path = seeded ? proof : [root1, ...proof];
  // Steps 3-4.
  let fn = size1 - 1;
  let sn = size2 - 1;
  while (odd(fn)) {
    fn = half(fn);
    sn = half(sn);
  }
  // Step 5.
  let fr: Buffer = Buffer.from(path[0]);
  let sr: Buffer = Buffer.from(path[0]);
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0) throw new ProofError('WRONG_PROOF_LENGTH', 'proof is longer than the path to the root');
    if (odd(fn) || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      if (!odd(fn)) {
        while (!odd(fn) && fn !== 0) {
          fn = half(fn);
          sn = half(sn);
        }
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn = half(fn);
    sn = half(sn);
  }
  // Step 7.
  if (sn !== 0) throw new ProofError('WRONG_PROOF_LENGTH', 'proof is shorter than the path to the root');
  checkRootMatch(fr, root1, `root of tree size ${size1}`);
  checkRootMatch(sr, root2, `root of tree size ${size2}`);
}
