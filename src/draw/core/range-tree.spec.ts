import { canonicalJson, MerkleTree, toHex, verifyInclusion } from '../../ledger/core/index.js';
import { rangeLeafText } from './range-leaf.js';
import { RangeTree } from './range-tree.js';
import { SealedRanges } from './sealed-ranges.js';
import { EMPTY_SET_ROOT } from './set-commitment.js';

function rangesOf(n: number): SealedRanges {
  return SealedRanges.fromRanges(
    Array.from({ length: n }, (_, i) => ({ first: 10 * i + 1, last: 10 * i + 1 + (i % 4), offset: 0 })).map(
      (r, i, all) => ({ ...r, offset: all.slice(0, i).reduce((s, x) => s + x.last - x.first + 1, 0) }),
    ),
  );
}

describe('range leaves and their tree', () => {
  it('writes a leaf as the RFC 8785 canonical JSON of {first, last, offset}', () => {
    for (const r of [
      { first: 1, last: 1, offset: 0 },
      { first: 123456789, last: 9007199254740991, offset: 9007199254740990 - 123456789 },
    ]) {
      expect(rangeLeafText(r)).toBe(canonicalJson({ offset: r.offset, last: r.last, first: r.first }));
    }
    expect(rangeLeafText({ first: 7, last: 12, offset: 3 })).toBe('{"first":7,"last":12,"offset":3}');
  });

  it('has the RFC 9162 root of the leaves, and the empty root for no ranges', () => {
    expect(toHex(new RangeTree(SealedRanges.empty()).root)).toBe(EMPTY_SET_ROOT);
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 16, 17, 33]) {
      const ranges = rangesOf(n);
      const reference = MerkleTree.fromData(
        ranges.toArray().map((r) => Buffer.from(rangeLeafText(r), 'utf8')),
      );
      const tree = new RangeTree(ranges);
      expect(tree.root.equals(reference.root())).toBe(true);
      for (let i = 0; i < n; i++) {
        const path = tree.inclusionPath(i);
        expect(path).toEqual(reference.inclusionProof(i));
        expect(() => verifyInclusion(i, n, tree.leafHash(i), path, tree.root)).not.toThrow();
      }
    }
  });
});
