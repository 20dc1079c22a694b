import { consistencyPlan } from './consistency.js';
import { inclusionPlan } from './inclusion.js';
import { ProofError } from './proof-error.js';
import {
  consistencyProofToJson,
  inclusionProofToJson,
  parseConsistencyProofJson,
  parseInclusionProofJson,
} from './proof-json.js';
import { rehash } from './proof-plan.js';
import { leafHash, nodeHash } from './rfc9162.js';

const reasonOf = (run: () => unknown) => {
  try {
    run();
  } catch (error) {
    return (error as ProofError).reason;
  }
  return 'no error';
};

describe('proof plans', () => {
  it('lists the nodes of an inclusion proof, with the ephemeral node on the right border', () => {
    // Leaf 2 of a tree of 7: its sibling leaf 3, the subtree [0,2), then the ephemeral node over
    // [4,7), which is not perfect and is rebuilt from leaf 6 and the subtree [4,6).
    const plan = inclusionPlan(2, 7);
    expect(plan.ids).toEqual([
      { level: 0, index: 3 },
      { level: 1, index: 0 },
      { level: 0, index: 6 },
      { level: 1, index: 2 },
    ]);
    expect(plan).toMatchObject({ begin: 2, end: 4, ephem: { level: 2, index: 1 } });
    const hashes = plan.ids.map((id) => leafHash(Buffer.from(`${id.level}/${id.index}`)));
    expect(rehash(plan, hashes)).toEqual([hashes[0], hashes[1], nodeHash(hashes[3], hashes[2])]);
  });

  it('has no ephemeral node in a perfect tree', () => {
    expect(inclusionPlan(5, 8)).toMatchObject({ begin: 0, end: 0 });
    expect(consistencyPlan(4, 8).ids).toEqual([{ level: 2, index: 1 }]);
    expect(consistencyPlan(8, 8).ids).toEqual([]);
  });

  it('rejects impossible requests', () => {
    expect(reasonOf(() => inclusionPlan(7, 7))).toBe('INDEX_OUT_OF_RANGE');
    expect(reasonOf(() => inclusionPlan(-1, 7))).toBe('INVALID_ARGUMENT');
    expect(reasonOf(() => inclusionPlan(0, 2 ** 53))).toBe('INVALID_ARGUMENT');
    expect(reasonOf(() => consistencyPlan(0, 7))).toBe('EMPTY_TREE');
    expect(reasonOf(() => consistencyPlan(8, 7))).toBe('SIZE_ORDER');
    expect(reasonOf(() => rehash(inclusionPlan(2, 7), []))).toBe('WRONG_HASH_COUNT');
  });
});

describe('proof JSON', () => {
  const leaf = leafHash(Buffer.from('x'));
  const path = [leafHash(Buffer.from('a')), leafHash(Buffer.from('b'))];

  it('round-trips inclusion and consistency proofs with lowercase hex hashes', () => {
    const json = inclusionProofToJson({ leafIndex: 3, treeSize: 9, leafHash: leaf, path });
    expect(json).toEqual({
      leafIndex: 3,
      treeSize: 9,
      leafHash: leaf.toString('hex'),
      path: path.map((h) => h.toString('hex')),
    });
    expect(parseInclusionProofJson(JSON.parse(JSON.stringify(json)))).toEqual({
      leafIndex: 3,
      treeSize: 9,
      leafHash: leaf,
      path,
    });
    const cjson = consistencyProofToJson({ first: 3, second: 9, path });
    expect(cjson).toEqual({ first: 3, second: 9, path: path.map((h) => h.toString('hex')) });
    expect(parseConsistencyProofJson(cjson)).toEqual({ first: 3, second: 9, path });
  });

  it('rejects other shapes', () => {
    const good = inclusionProofToJson({ leafIndex: 3, treeSize: 9, leafHash: leaf, path });
    for (const bad of [
      null,
      [],
      { ...good, extra: 1 },
      { ...good, leafIndex: '3' },
      { ...good, treeSize: -1 },
      { ...good, leafHash: leaf.toString('base64') },
      { ...good, path: [leaf.toString('hex').toUpperCase()] },
    ]) {
      expect(reasonOf(() => parseInclusionProofJson(bad))).toBe('MALFORMED_PROOF');
    }
    expect(reasonOf(() => parseConsistencyProofJson({ first: 1, second: 2 }))).toBe('MALFORMED_PROOF');
  });
});
