// The journal's Merkle root at any earlier size, for checking the ledger root a seal journals.
//
// A seal names the tree size it read the journal at, which is a little before its own entry (entries
// are integrated asynchronously). Keeping every entry hash would cost 32 bytes per entry; instead the
// perfect subtrees of 2^KEEP_LEVEL or more entries are kept for ever (32 bytes per 512 entries), and
// the last RECENT entry hashes in a ring. The root at size T is folded from the perfect subtrees that
// cover [0, T): the large ones are stored, the small ones lie in the last 2^KEEP_LEVEL entries before
// T and are rebuilt from the ring, so any T within RECENT entries of the end can be answered.

import { emptyRoot, HASH_SIZE, nodeHash, rangeNodes } from '../../ledger/core/index.js';

const KEEP_LEVEL = 9;
const RECENT = 2 ** 16;

export class JournalRootHistory {
  /** The frontier: hashes of the perfect subtrees covering [0, size), left to right. */
  private readonly frontier: Buffer[] = [];
  private count = 0;
  /** stored[level - KEEP_LEVEL][index]: perfect subtree hashes of level >= KEEP_LEVEL. */
  private readonly stored: Buffer[][] = [];
  private readonly ring = Buffer.alloc(RECENT * HASH_SIZE);

  get size(): number {
    return this.count;
  }

  /** Appends the next entry's hash (32 bytes). */
  push(leafHash: Uint8Array): void {
    if (leafHash.length !== HASH_SIZE) throw new RangeError(`leaf hash must be ${HASH_SIZE} bytes`);
    let index = this.count;
    this.ring.set(leafHash, (index % RECENT) * HASH_SIZE);
    // As in the ledger's CompactRange: a right child merges with the frontier's last hash, upwards.
    let hash = leafHash;
    let level = 0;
    while (index % 2 === 1) {
      hash = nodeHash(this.frontier.pop()!, hash);
      index = (index - 1) / 2;
      level++;
      if (level >= KEEP_LEVEL) (this.stored[level - KEEP_LEVEL] ??= [])[index] = hash as Buffer;
    }
    this.frontier.push(
      level === 0
        ? this.ring.subarray((this.count % RECENT) * HASH_SIZE, ((this.count % RECENT) + 1) * HASH_SIZE)
        : (hash as Buffer),
    );
    this.count++;
  }

  /** The RFC 9162 root of the first `size` entries, or undefined if that size is too far back. */
  rootAt(size: number): Buffer | undefined {
    if (!Number.isSafeInteger(size) || size < 0 || size > this.size) return undefined;
    if (size === 0) return emptyRoot();
    const hashes: Buffer[] = [];
    for (const { level, index } of rangeNodes(0, size)) {
      const hash =
        level >= KEEP_LEVEL ? this.stored[level - KEEP_LEVEL]?.[index] : this.recentSubtree(level, index);
      if (hash === undefined) return undefined;
      hashes.push(hash);
    }
    let root = hashes[hashes.length - 1];
    for (let i = hashes.length - 2; i >= 0; i--) root = nodeHash(hashes[i], root);
    return root;
  }

  private recentSubtree(level: number, index: number): Buffer | undefined {
    const begin = index * 2 ** level;
    const end = begin + 2 ** level;
    if (begin < this.size - RECENT) return undefined;
    let layer: Buffer[] = [];
    for (let i = begin; i < end; i++)
      layer.push(this.ring.subarray((i % RECENT) * HASH_SIZE, ((i % RECENT) + 1) * HASH_SIZE));
    while (layer.length > 1) {
      const next: Buffer[] = [];
      for (let i = 0; i < layer.length; i += 2) next.push(nodeHash(layer[i], layer[i + 1]));
      layer = next;
    }
    return Buffer.from(layer[0]);
  }
}
