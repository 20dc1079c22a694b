import { randomBytes } from 'node:crypto';
import { CompactRange, CompactRangeError } from './compact-range.js';
import { MerkleTree } from './merkle-tree.js';
import { rangeNodes } from './node-id.js';
import { emptyRoot, leafHash, nodeHash } from './rfc9162.js';

const leaves = (n: number) => Array.from({ length: n }, (_, i) => leafHash(Buffer.from(`leaf ${i}`)));

describe('CompactRange', () => {
  it('starts empty with the empty root', () => {
    const range = CompactRange.empty();
    expect(range.size).toBe(0);
    expect(range.hashes).toEqual([]);
    expect(range.root()).toEqual(emptyRoot());
  });

  it('reports the perfect subtrees each append completes, leaf first', () => {
    const [a, b, c, d] = leaves(4);
    const range = CompactRange.empty();
    expect(range.append(a)).toEqual([{ level: 0, index: 0, hash: a }]);
    const ab = nodeHash(a, b);
    expect(range.append(b)).toEqual([
      { level: 0, index: 1, hash: b },
      { level: 1, index: 0, hash: ab },
    ]);
    expect(range.append(c)).toEqual([{ level: 0, index: 2, hash: c }]);
    expect(range.hashes).toEqual([ab, c]);
    expect(range.root()).toEqual(nodeHash(ab, c));
    const cd = nodeHash(c, d);
    expect(range.append(d)).toEqual([
      { level: 0, index: 3, hash: d },
      { level: 1, index: 1, hash: cd },
      { level: 2, index: 0, hash: nodeHash(ab, cd) },
    ]);
    expect(range.hashes).toEqual([nodeHash(ab, cd)]);
  });

  it('keeps one hash per one bit of the size, with IDs from rangeNodes', () => {
    const range = CompactRange.fromLeafHashes(leaves(13));
    expect(range.hashes).toHaveLength(3);
    expect(range.frontierIds()).toEqual([
      { level: 3, index: 0 },
      { level: 2, index: 2 },
      { level: 0, index: 12 },
    ]);
    expect(range.frontierIds()).toEqual(rangeNodes(0, 13));
  });

  it('appends in batches exactly as one by one', () => {
    const all = leaves(100);
    const one = CompactRange.empty();
    const nodesOne = all.flatMap((l) => one.append(l));
    const batch = CompactRange.empty();
    const nodesBatch = batch.appendAll(all.slice(0, 37));
    nodesBatch.push(...batch.appendAll(all.slice(37)));
    expect(batch.equals(one)).toBe(true);
    expect(nodesBatch).toEqual(nodesOne);
    expect(batch.root()).toEqual(new MerkleTree(all).root());
  });

  it('round-trips through JSON and resumes appending', () => {
    const all = leaves(45);
    const range = CompactRange.fromLeafHashes(all.slice(0, 29));
    const json = JSON.parse(JSON.stringify(range)) as unknown;
    expect(json).toEqual({ size: 29, hashes: range.hashes.map((h) => h.toString('hex')) });
    const restored = CompactRange.fromJSON(json);
    expect(restored.equals(range)).toBe(true);
    restored.appendAll(all.slice(29));
    expect(restored.root()).toEqual(new MerkleTree(all).root());
    // Restoring copies nothing shared: appending to the restored range leaves the original alone.
    expect(range.size).toBe(29);
  });

  it('rejects malformed JSON frontiers', () => {
    const good = CompactRange.fromLeafHashes(leaves(5)).toJSON();
    const bad: unknown[] = [
      null,
      'x',
      { ...good, size: -1 },
      { ...good, size: 1.5 },
      { ...good, size: 2 ** 53 },
      { ...good, size: 7 },
      { ...good, hashes: good.hashes.slice(1) },
      { ...good, hashes: [good.hashes[0].toUpperCase(), good.hashes[1]] },
      { ...good, hashes: 'abc' },
    ];
    for (const json of bad) expect(() => CompactRange.fromJSON(json)).toThrow(CompactRangeError);
  });

  it('rejects leaf hashes that are not 32 bytes', () => {
    expect(() => CompactRange.empty().append(Buffer.alloc(31))).toThrow(CompactRangeError);
  });

  it('handles sizes beyond 2^32 (no 32-bit overflow in indices)', () => {
    // A frontier of size 2^32 - 1 holds 32 hashes; one more leaf completes nodes up to level 32.
    const size = 2 ** 32 - 1;
    const hashes = Array.from({ length: 32 }, () => randomBytes(32));
    const range = CompactRange.fromJSON({ size, hashes: hashes.map((h) => h.toString('hex')) });
    const leaf = leafHash(Buffer.from('the 2^32-th leaf'));
    const completed = range.append(leaf);
    expect(completed.map(({ level, index }) => [level, index])).toEqual(
      Array.from({ length: 33 }, (_, level) => [level, Math.floor(size / 2 ** level)]),
    );
    let expectedRoot = leaf;
    for (let i = 31; i >= 0; i--) expectedRoot = nodeHash(hashes[i], expectedRoot);
    expect(range.size).toBe(2 ** 32);
    expect(range.hashes).toEqual([expectedRoot]);
    expect(range.root()).toEqual(expectedRoot);
    expect(range.frontierIds()).toEqual([{ level: 32, index: 0 }]);
  });
});
