// An in-memory Merkle tree computed straight from the definitions of RFC 9162 section 2.1: MTH
// (2.1.1), PATH (2.1.3.1) and PROOF/SUBPROOF (2.1.4.1). Every call recomputes from the leaf hashes, so
// it costs O(n); it is the independent reference that the O(log n) frontier and proof plans are tested
// against, and a convenience for small trees (for example the ticket set of one draw).

import { isSafeCount } from './bits.js';
import { coverageOf, type NodeId } from './node-id.js';
import { emptyRoot, HASH_SIZE, leafHash, nodeHash } from './rfc9162.js';

export class MerkleTreeError extends Error {
  override readonly name = 'MerkleTreeError';
}

/** The largest power of two smaller than n (n >= 2): the split point k of RFC 9162. */
function splitPoint(n: number): number {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

export class MerkleTree {
  private readonly leaves: Buffer[] = [];

  constructor(leafHashes: Iterable<Uint8Array> = []) {
    for (const h of leafHashes) this.appendLeafHash(h);
  }

  /** A tree whose leaves are the given entries, each hashed with leafHash. */
  static fromData(entries: Iterable<Uint8Array>): MerkleTree {
    const tree = new MerkleTree();
    for (const data of entries) tree.appendLeafHash(leafHash(data));
    return tree;
  }

  get size(): number {
    return this.leaves.length;
  }

  appendLeafHash(hash: Uint8Array): void {
    if (hash.length !== HASH_SIZE) throw new MerkleTreeError(`leaf hash must be ${HASH_SIZE} bytes`);
    this.leaves.push(Buffer.from(hash));
  }

  leafHash(index: number): Buffer {
    this.checkIndex(index, this.size);
    return this.leaves[index];
  }

  /** MTH(D[0:size]). */
  root(size = this.size): Buffer {
    this.checkSize(size);
    return size === 0 ? emptyRoot() : this.mth(0, size);
  }

  /** The hash of a perfect subtree, which must lie inside the tree. */
  subtreeHash(id: NodeId): Buffer {
    const [begin, end] = coverageOf(id);
    if (end > this.size)
      throw new MerkleTreeError(`node (${id.level}, ${id.index}) lies beyond tree size ${this.size}`);
    return this.mth(begin, end);
  }

  /** PATH(index, D[0:size]): the audit path of leaf `index` in the tree of `size` leaves. */
  inclusionProof(index: number, size = this.size): Buffer[] {
    this.checkSize(size);
    this.checkIndex(index, size);
    return this.path(index, 0, size);
  }

  /** PROOF(size1, D[0:size2]) for 0 < size1 <= size2; empty when the sizes are equal. */
  consistencyProof(size1: number, size2 = this.size): Buffer[] {
    this.checkSize(size2);
    if (!isSafeCount(size1) || size1 === 0 || size1 > size2) {
      throw new MerkleTreeError(`consistency proof needs 0 < size1 <= size2, got ${size1} and ${size2}`);
    }
    return this.subproof(size1, 0, size2, true);
  }

  /** MTH(D[begin:end]) for end > begin. */
  private mth(begin: number, end: number): Buffer {
    const n = end - begin;
    if (n === 1) return this.leaves[begin];
    const k = splitPoint(n);
    return nodeHash(this.mth(begin, begin + k), this.mth(begin + k, end));
  }

  /** PATH(m, D[begin:end]), with m relative to begin. */
  private path(m: number, begin: number, end: number): Buffer[] {
    const n = end - begin;
    if (n === 1) return [];
    const k = splitPoint(n);
    return m < k
      ? [...this.path(m, begin, begin + k), this.mth(begin + k, end)]
      : [...this.path(m - k, begin + k, end), this.mth(begin, begin + k)];
  }

  /** SUBPROOF(m, D[begin:end], b), with m relative to begin. */
  private subproof(m: number, begin: number, end: number, b: boolean): Buffer[] {
    const n = end - begin;
    if (m === n) return b ? [] : [this.mth(begin, end)];
    const k = splitPoint(n);
    return m <= k
      ? [...this.subproof(m, begin, begin + k, b), this.mth(begin + k, end)]
      : [...this.subproof(m - k, begin + k, end, false), this.mth(begin, begin + k)];
  }

  private checkSize(size: number): void {
    if (!isSafeCount(size) || size > this.size) {
      throw new MerkleTreeError(`tree size ${size} is not between 0 and ${this.size}`);
    }
  }

  private checkIndex(index: number, size: number): void {
    if (!isSafeCount(index) || index >= size) {
      throw new MerkleTreeError(`leaf index ${index} is out of range for tree size ${size}`);
    }
  }
}
