import { createHash } from 'node:crypto';
import { CompactRange, MerkleTree } from '../../ledger/core/index.js';
import { JournalRootHistory } from './journal-root-history.js';

describe('JournalRootHistory', () => {
  it('gives the root at every earlier size within its window', () => {
    const leaves = Array.from({ length: 1500 }, (_, i) => createHash('sha256').update(`leaf ${i}`).digest());
    // Roots at every size, from the ledger core's frontier (itself tested against MerkleTree).
    const frontier = CompactRange.empty();
    const roots = [frontier.root()];
    for (const leaf of leaves) {
      frontier.append(leaf);
      roots.push(frontier.root());
    }
    const reference = { root: (size: number) => roots[size] };
    expect(roots[1500].equals(new MerkleTree(leaves).root())).toBe(true);
    const history = new JournalRootHistory();
    for (let i = 0; i < leaves.length; i++) {
      history.push(leaves[i]);
      // Sizes just reached and some way back, including 0 and perfect powers of two.
      for (const size of [0, i + 1, Math.floor((i + 1) / 2), i - 600, 512, 1024]) {
        if (size < 0 || size > i + 1) continue;
        expect(history.rootAt(size)!.equals(reference.root(size))).toBe(true);
      }
    }
    expect(history.rootAt(1501)).toBeUndefined();
    expect(history.rootAt(-1)).toBeUndefined();
  });

  it('answers far-back sizes only where stored subtrees cover them', () => {
    const history = new JournalRootHistory();
    const leaves: Buffer[] = [];
    for (let i = 0; i < 2 ** 16 + 2 ** 10; i++) {
      const leaf = createHash('sha256').update(`leaf ${i}`).digest();
      leaves.push(leaf);
      history.push(leaf);
    }
    const reference = new MerkleTree(leaves);
    // A multiple of 512 is made of stored subtrees only.
    expect(history.rootAt(512 * 3)!.equals(reference.root(512 * 3))).toBe(true);
    // Size 700 needs leaves 512..699, which have left the window.
    expect(history.rootAt(700)).toBeUndefined();
    expect(history.rootAt(2 ** 16 + 700)!.equals(reference.root(2 ** 16 + 700))).toBe(true);
  });
});
