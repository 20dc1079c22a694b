import { coverageOf, decompose, parentOf, rangeNodes, rangeSize, siblingOf } from './node-id.js';

describe('node IDs', () => {
  it('navigates the tree', () => {
    expect(parentOf({ level: 0, index: 5 })).toEqual({ level: 1, index: 2 });
    expect(siblingOf({ level: 2, index: 6 })).toEqual({ level: 2, index: 7 });
    expect(siblingOf({ level: 2, index: 7 })).toEqual({ level: 2, index: 6 });
    expect(coverageOf({ level: 3, index: 2 })).toEqual([16, 24]);
    expect(coverageOf({ level: 40, index: 3 })).toEqual([3 * 2 ** 40, 4 * 2 ** 40]);
  });

  it('decomposes ranges like compact.Decompose', () => {
    // Example of range.go: [0b110, 0b11101) is subtrees of sizes 2, 8 | 8, 4, 1.
    expect(decompose(0b110, 0b11101)).toEqual({ left: 0b1010, right: 0b1101 });
    expect(decompose(0, 13)).toEqual({ left: 0, right: 13 });
    expect(decompose(5, 5)).toEqual({ left: 0, right: 0 });
  });

  it('lists the covering subtrees of any range', () => {
    expect(rangeNodes(0b110, 0b11101)).toEqual([
      { level: 1, index: 3 },
      { level: 3, index: 1 },
      { level: 3, index: 2 },
      { level: 2, index: 6 },
      { level: 0, index: 28 },
    ]);
    // Exhaustively: the subtrees are perfect, aligned, contiguous and cover [begin, end) exactly.
    for (let begin = 0; begin <= 70; begin++) {
      for (let end = begin; end <= 70; end++) {
        const nodes = rangeNodes(begin, end);
        expect(nodes).toHaveLength(rangeSize(begin, end));
        let pos = begin;
        for (const node of nodes) {
          const [from, to] = coverageOf(node);
          expect(from).toBe(pos);
          pos = to;
        }
        expect(pos).toBe(end);
      }
    }
  });
});
