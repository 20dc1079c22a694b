// The Merkle tree over a sealed set's range leaves (RFC 9162 hashing from the ledger core).
//
// Every perfect subtree is kept, level by level, in one Buffer per level: building them costs the
// same n - 1 node hashes as folding a frontier would, and then every inclusion proof is O(log n)
// lookups through the ledger's inclusionPlan + rehash, with no rehashing of the set. The root is the
// fold of the perfect subtrees that cover the leaves (docs/ledger-format.md section 4).

import {
  emptyRoot,
  HASH_SIZE,
  inclusionPlan,
  nodeHash,
  rangeNodes,
  rehash,
} from '../../ledger/core/index.js';
import { rangeLeafHash } from './range-leaf.js';
import type { SealedRanges } from './sealed-ranges.js';

export class RangeTree {
  /** levels[l] holds the hashes of the perfect subtrees of 2^l leaves, concatenated. */
  private readonly levels: Buffer[];
  readonly root: Buffer;

  constructor(ranges: SealedRanges) {
    const n = ranges.rangeCount;
    const leaves = Buffer.allocUnsafe(n * HASH_SIZE);
    for (let i = 0; i < n; i++) rangeLeafHash(ranges.range(i)).copy(leaves, i * HASH_SIZE);
    this.levels = [leaves];
    for (let below = leaves; below.length >= 2 * HASH_SIZE;) {
      const pairs = Math.floor(below.length / (2 * HASH_SIZE));
      const level = Buffer.allocUnsafe(pairs * HASH_SIZE);
      for (let i = 0; i < pairs; i++) {
        const left = below.subarray(2 * i * HASH_SIZE, (2 * i + 1) * HASH_SIZE);
        const right = below.subarray((2 * i + 1) * HASH_SIZE, (2 * i + 2) * HASH_SIZE);
        nodeHash(left, right).copy(level, i * HASH_SIZE);
      }
      this.levels.push(level);
      below = level;
    }
    this.root = this.fold(rangeNodes(0, n));
  }

  get size(): number {
    return this.levels[0].length / HASH_SIZE;
  }

  leafHash(index: number): Buffer {
    return this.node(0, index);
  }

  /** The RFC 9162 audit path of leaf `index`. */
  inclusionPath(index: number): Buffer[] {
    const plan = inclusionPlan(index, this.size);
    return rehash(
      plan,
      plan.ids.map(({ level, index: i }) => this.node(level, i)),
    );
  }

  private node(level: number, index: number): Buffer {
    return this.levels[level].subarray(index * HASH_SIZE, (index + 1) * HASH_SIZE);
  }

  /** The root from the perfect subtrees covering [0, size), folded from the right. */
  private fold(ids: readonly { level: number; index: number }[]): Buffer {
    if (ids.length === 0) return emptyRoot();
    let root: Buffer = Buffer.from(this.node(ids[ids.length - 1].level, ids[ids.length - 1].index));
    for (let i = ids.length - 2; i >= 0; i--) root = nodeHash(this.node(ids[i].level, ids[i].index), root);
    return root;
  }
}
