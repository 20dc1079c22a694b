// Random trees (seeded): the O(log n) machinery — frontier roots, proof plans served from the nodes
// the frontier reported, rehash — must agree with the naive RFC 9162 definitions, and verification
// must accept exactly the right proofs.
import { randomBytes } from 'node:crypto';
import { CompactRange } from './compact-range.js';
import { consistencyPlan } from './consistency.js';
import { inclusionPlan } from './inclusion.js';
import { MerkleTree } from './merkle-tree.js';
import type { NodeId } from './node-id.js';
import { ProofError } from './proof-error.js';
import { type ProofPlan, rehash } from './proof-plan.js';
import { verifyConsistency, verifyInclusion } from './proof-verify.js';
import { leafHash } from './rfc9162.js';
import { randomInt, seededRandom } from './testing/prng.js';

const MAX_SIZE = 300;
const random = seededRandom(9162);

// Distinct leaves, so that a proof for one leaf can never honestly verify another.
function seededLeafData(i: number): Buffer {
  const noise = Array.from({ length: randomInt(random, 0, 40) }, () => Math.floor(random() * 256));
  return Buffer.concat([Buffer.from(`leaf ${i}:`), Buffer.from(noise)]);
}

const key = (id: NodeId) => `${id.level}/${id.index}`;

describe('proofs on random trees of sizes 1..300', () => {
  const tree = MerkleTree.fromData(Array.from({ length: MAX_SIZE }, (_, i) => seededLeafData(i)));
  // The node table a database would hold: every perfect subtree the frontier reported.
  const stored = new Map<string, Buffer>();
  const frontiers: CompactRange[] = [CompactRange.empty()];
  const range = CompactRange.empty();
  for (let i = 0; i < MAX_SIZE; i++) {
    for (const node of range.append(tree.leafHash(i))) {
      expect(stored.has(key(node))).toBe(false);
      stored.set(key(node), node.hash);
    }
    frontiers.push(range.clone());
  }

  const fetch = (plan: ProofPlan) =>
    plan.ids.map((id) => {
      const hash = stored.get(key(id));
      if (!hash) throw new Error(`node ${key(id)} was never reported by the frontier`);
      return hash;
    });

  it('has frontier roots equal to the naive root at every size', () => {
    expect(frontiers[0].root()).toEqual(tree.root(0));
    for (let size = 1; size <= MAX_SIZE; size++) {
      expect([size, frontiers[size].root().toString('hex')]).toEqual([size, tree.root(size).toString('hex')]);
    }
  });

  it('stores exactly the perfect subtrees, with their naive hashes', () => {
    let expected = 0;
    for (let level = 0; 2 ** level <= MAX_SIZE; level++) expected += Math.floor(MAX_SIZE / 2 ** level);
    expect(stored.size).toBe(expected);
    for (const [k, hash] of stored) {
      const [level, index] = k.split('/').map(Number);
      expect(hash).toEqual(tree.subtreeHash({ level, index }));
    }
  });

  function checkInclusion(index: number, size: number): void {
    const plan = inclusionPlan(index, size);
    expect(plan.ids.length).toBeLessThanOrEqual(2 * Math.ceil(Math.log2(size)) + 1);
    const path = rehash(plan, fetch(plan));
    const naive = tree.inclusionProof(index, size);
    expect([index, size, path.map((h) => h.toString('hex'))]).toEqual([
      index,
      size,
      naive.map((h) => h.toString('hex')),
    ]);
    verifyInclusion(index, size, tree.leafHash(index), path, frontiers[size].root());
  }

  function checkConsistency(size1: number, size2: number): void {
    const plan = consistencyPlan(size1, size2);
    const path = rehash(plan, fetch(plan));
    const naive = tree.consistencyProof(size1, size2);
    expect([size1, size2, path.map((h) => h.toString('hex'))]).toEqual([
      size1,
      size2,
      naive.map((h) => h.toString('hex')),
    ]);
    verifyConsistency(size1, size2, path, frontiers[size1].root(), frontiers[size2].root());
  }

  it('builds every inclusion and consistency proof of trees up to 40 leaves from stored nodes', () => {
    for (let size = 1; size <= 40; size++) {
      for (let index = 0; index < size; index++) checkInclusion(index, size);
      for (let size1 = 1; size1 <= size; size1++) checkConsistency(size1, size);
    }
  });

  it('builds random inclusion and consistency proofs of every size up to 300 from stored nodes', () => {
    for (let size = 1; size <= MAX_SIZE; size++) {
      for (const index of [0, size - 1, randomInt(random, 0, size - 1), randomInt(random, 0, size - 1)]) {
        checkInclusion(index, size);
      }
      for (const size1 of [1, size, randomInt(random, 1, size), randomInt(random, 1, size)]) {
        checkConsistency(size1, size);
      }
    }
  });

  it('rejects proofs with a flipped bit, a wrong index, a doubled size or a wrong root', () => {
    const reasons = new Set<string>();
    const expectRejected = (run: () => void) => {
      try {
        run();
      } catch (error) {
        expect(error).toBeInstanceOf(ProofError);
        reasons.add((error as ProofError).reason);
        return;
      }
      throw new Error('a corrupted proof was accepted');
    };
    for (let trial = 0; trial < 300; trial++) {
      const size = randomInt(random, 2, MAX_SIZE);
      const index = randomInt(random, 0, size - 1);
      const proof = tree.inclusionProof(index, size);
      const root = tree.root(size);
      const leaf = tree.leafHash(index);
      const flipped = proof.map((h) => Buffer.from(h));
      flipped[randomInt(random, 0, flipped.length - 1)][randomInt(random, 0, 31)] ^=
        1 << randomInt(random, 0, 7);
      expectRejected(() => verifyInclusion(index, size, leaf, flipped, root));
      expectRejected(() => verifyInclusion((index + 1) % size, size, leaf, proof, root));
      expectRejected(() => verifyInclusion(index, size, leaf, proof, randomBytes(32)));
      // (Not size + 1: a proof in a tree of 3 is also a valid-looking proof at size 4 against the old
      // root. Sizes and roots are only ever trusted in pairs, from a signed checkpoint.)
      expectRejected(() => verifyInclusion(index, size * 2, leaf, proof, root));

      const size1 = randomInt(random, 1, size - 1);
      const cproof = tree.consistencyProof(size1, size);
      const root1 = tree.root(size1);
      const cflipped = cproof.map((h) => Buffer.from(h));
      cflipped[randomInt(random, 0, cflipped.length - 1)][0] ^= 0x10;
      expectRejected(() => verifyConsistency(size1, size, cflipped, root1, root));
      expectRejected(() => verifyConsistency(size1, size, cproof, root, root1));
      expectRejected(() => verifyConsistency(size1, size, cproof.slice(0, -1), root1, root));
    }
    expect([...reasons].sort()).toEqual(['ROOT_MISMATCH', 'WRONG_PROOF_LENGTH']);
  });

  it('accepts a data leaf hashed with leafHash', () => {
    const data = Buffer.from('ticket 42');
    const small = MerkleTree.fromData([Buffer.from('a'), data, Buffer.from('c')]);
    verifyInclusion(1, 3, leafHash(data), small.inclusionProof(1), small.root());
  });
});
