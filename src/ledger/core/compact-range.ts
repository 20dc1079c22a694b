// The frontier of a log Merkle tree: the hashes of the perfect subtrees that cover leaves [0, size),
// after transparency-dev/merkle compact/range.go restricted to ranges that start at leaf 0.
//
// A tree of size 13 = 0b1101 is covered by perfect subtrees of 8, 4 and 1 leaves; the frontier holds
// those three hashes, left to right (highest level first). Appending a leaf merges equal-sized
// subtrees from the right, like carrying in binary addition, so it costs O(1) hashes on average and
// O(log n) at worst, and the root is O(log n) hashes away. The frontier is small (at most 53 hashes)
// and serialises to JSON, so it can live in one database row and be handed to the offline verifier
// to check an export that starts after entry 0.

import { isSafeCount, onesCount, shiftRight } from './bits.js';
import { isHashHex, toHex } from './encoding.js';
import { type NodeId, rangeNodes } from './node-id.js';
import { emptyRoot, HASH_SIZE, nodeHash } from './rfc9162.js';

/** A perfect subtree whose hash became final during an append. Store it to serve proofs later. */
export interface CompletedNode extends NodeId {
  readonly hash: Buffer;
}

/** JSON form of a frontier: the tree size and the frontier hashes in lowercase hex, left to right. */
export interface CompactRangeJson {
  size: number;
  hashes: string[];
}

export class CompactRangeError extends Error {
  override readonly name = 'CompactRangeError';
}

export class CompactRange {
  private constructor(
    private treeSize: number,
    private readonly frontier: Buffer[],
  ) {}

  /** The frontier of the empty tree. */
  static empty(): CompactRange {
    return new CompactRange(0, []);
  }

  /** Builds the frontier of the tree with these leaf hashes. */
  static fromLeafHashes(leafHashes: Iterable<Uint8Array>): CompactRange {
    const range = CompactRange.empty();
    for (const leaf of leafHashes) range.append(leaf);
    return range;
  }

  /**
   * Restores a frontier from its JSON form (for example a database row), checking that the number of
   * hashes fits the size. The hashes are trusted as given: a frontier restored from a tampered row
   * yields wrong roots, which signed checkpoints expose.
   */
  static fromJSON(json: unknown): CompactRange {
    if (typeof json !== 'object' || json === null) throw new CompactRangeError('frontier must be an object');
    const { size, hashes } = json as Partial<CompactRangeJson>;
    if (!isSafeCount(size))
      throw new CompactRangeError('frontier size must be an integer between 0 and 2^53-1');
    if (!Array.isArray(hashes) || !hashes.every(isHashHex)) {
      throw new CompactRangeError('frontier hashes must be an array of 64-digit lowercase hex strings');
    }
    if (hashes.length !== onesCount(size)) {
      throw new CompactRangeError(
        `a frontier of size ${size} has ${onesCount(size)} hashes, got ${hashes.length}`,
      );
    }
    return new CompactRange(
      size,
      hashes.map((h) => Buffer.from(h, 'hex')),
    );
  }

  /** Number of leaves in the tree. */
  get size(): number {
    return this.treeSize;
  }

  /** The frontier hashes, left to right; frontierIds() gives their node IDs. */
  get hashes(): readonly Buffer[] {
    return this.frontier;
  }

  /** Node IDs of the frontier hashes, left to right. */
  frontierIds(): NodeId[] {
    return rangeNodes(0, this.treeSize);
  }

  /**
   * Appends one leaf hash. Returns every perfect subtree completed by this leaf, from the leaf itself
   * (level 0) upwards, so the caller can store them and later serve any proof with O(log n) lookups.
   */
  append(leafHash: Uint8Array): CompletedNode[] {
    const completed: CompletedNode[] = [];
    this.merge(Buffer.from(leafHash), completed);
    return completed;
  }

  /**
   * Appends one leaf hash without reporting completed nodes, for verifiers that only need roots.
   * The buffer is kept as is (not copied): do not modify it afterwards.
   */
  push(leafHash: Buffer): void {
    this.merge(leafHash, undefined);
  }

  /** Appends leaf hashes in order; returns the completed nodes of all of them, in completion order. */
  appendAll(leafHashes: Iterable<Uint8Array>): CompletedNode[] {
    const completed: CompletedNode[] = [];
    for (const leaf of leafHashes) for (const node of this.append(leaf)) completed.push(node);
    return completed;
  }

  private merge(leaf: Buffer, completed: CompletedNode[] | undefined): void {
    if (leaf.length !== HASH_SIZE) throw new CompactRangeError(`leaf hash must be ${HASH_SIZE} bytes`);
    if (this.treeSize >= Number.MAX_SAFE_INTEGER) throw new CompactRangeError('tree size limit reached');
    let hash = leaf;
    let index = this.treeSize;
    let level = 0;
    completed?.push({ level, index, hash });
    // A node with an odd index is a right child: its left sibling is the last frontier hash, and the
    // two merge into their parent, which may in turn be a right child.
    while (index % 2 === 1) {
      hash = nodeHash(this.frontier.pop() as Buffer, hash);
      index = shiftRight(index, 1);
      level++;
      completed?.push({ level, index, hash });
    }
    this.frontier.push(hash);
    this.treeSize++;
  }

  /** The RFC 9162 root hash of the tree: the frontier hashes folded from the right. */
  root(): Buffer {
    const n = this.frontier.length;
    if (n === 0) return emptyRoot();
    let hash = this.frontier[n - 1];
    for (let i = n - 2; i >= 0; i--) hash = nodeHash(this.frontier[i], hash);
    return hash;
  }

  clone(): CompactRange {
    return new CompactRange(this.treeSize, [...this.frontier]);
  }

  equals(other: CompactRange): boolean {
    return (
      this.treeSize === other.treeSize &&
      this.frontier.length === other.frontier.length &&
      this.frontier.every((h, i) => h.equals(other.frontier[i]))
    );
  }

  toJSON(): CompactRangeJson {
    return { size: this.treeSize, hashes: this.frontier.map(toHex) };
  }
}
