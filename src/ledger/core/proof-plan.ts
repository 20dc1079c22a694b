// Plans for building inclusion and consistency proofs from stored perfect-subtree hashes, after
// transparency-dev/merkle proof/proof.go (Nodes, nodes, skipFirst, Rehash).
//
// Every hash in an RFC 9162 proof is either the hash of a perfect subtree, which never changes and
// can be stored once under its (level, index), or the hash of one "ephemeral" subtree on the ragged
// right border of the tree, which is not perfect. The ephemeral hash is rebuilt from the perfect
// subtrees that cover it. So a proof costs O(log n) lookups by node ID plus a few hashes:
//
//   const plan = inclusionPlan(index, size);          // or consistencyPlan(size1, size2)
//   const hashes = await lookUp(plan.ids);            // one stored hash per ID, same order
//   const path = rehash(plan, hashes);                // the RFC 9162 proof path

import { bitLength, shiftRight, xor } from './bits.js';
import { coverageOf, type NodeId, parentOf, rangeNodes, siblingOf } from './node-id.js';
import { ProofError } from './proof-error.js';
import { nodeHash } from './rfc9162.js';

export interface ProofPlan {
  /** The perfect subtrees to fetch, in the order rehash expects their hashes. */
  readonly ids: readonly NodeId[];
  /** ids[begin:end] are rehashed into the ephemeral node; begin === end when there is none. */
  readonly begin: number;
  readonly end: number;
  /**
   * The ephemeral node: the (imperfect) subtree on the right border whose hash rehash computes from
   * ids[begin:end]. Informational; meaningful only when begin < end.
   */
  readonly ephem: NodeId;
}

/**
 * The node IDs that prove node (level, index) is in the tree of `size` leaves, starting with the
 * node itself. Port of proof.go's nodes().
 */
export function planNodes(index: number, level: number, size: number): ProofPlan {
  // The fork is where the path from the root to (level, index) leaves the path to leaf `size`; its
  // sibling is the ephemeral node, an imperfect subtree covering [end, size).
  const inner = bitLength(xor(index, shiftRight(size, level))) - 1;
  const fork: NodeId = { level: level + inner, index: shiftRight(index, inner) };
  const [begin, end] = coverageOf(fork);

  let node: NodeId = { level, index };
  const ids: NodeId[] = [node];
  // Siblings on the way up to the fork.
  for (; node.level < fork.level; node = parentOf(node)) ids.push(siblingOf(node));
  const ephemBegin = ids.length;
  // The subtrees that make up the ephemeral node, from lower to upper levels as rehash folds them.
  ids.push(...rangeNodes(end, size).reverse());
  const ephemEnd = ids.length;
  // The subtrees left of the fork, completing the coverage of [0, size), lower levels first.
  ids.push(...rangeNodes(0, begin).reverse());

  const hasEphem = ephemBegin < ephemEnd;
  return { ids, begin: hasEphem ? ephemBegin : 0, end: hasEphem ? ephemEnd : 0, ephem: siblingOf(fork) };
}

/** Drops the first ID, the node being proved, which the verifier already has. */
export function skipFirst(plan: ProofPlan): ProofPlan {
  const shift = plan.begin < plan.end ? 1 : 0;
  return { ...plan, ids: plan.ids.slice(1), begin: plan.begin - shift, end: plan.end - shift };
}

/**
 * Turns the hashes of plan.ids (same order) into the RFC 9162 proof path, folding the hashes of
 * ids[begin:end] into the ephemeral node's hash. Port of proof.go's Rehash.
 */
export function rehash(plan: ProofPlan, hashes: readonly Uint8Array[]): Buffer[] {
  if (hashes.length !== plan.ids.length) {
    throw new ProofError(
      'WRONG_HASH_COUNT',
      `got ${hashes.length} hashes for a plan of ${plan.ids.length} nodes`,
    );
  }
  const path: Buffer[] = [];
  for (let i = 0; i < hashes.length; i++) {
    let hash: Buffer = Buffer.from(hashes[i]);
    if (i === plan.begin && plan.begin < plan.end) {
      for (i++; i < plan.end; i++) hash = nodeHash(hashes[i], hash);
      i--;
    }
    path.push(hash);
  }
  return path;
}
