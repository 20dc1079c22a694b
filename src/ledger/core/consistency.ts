// Which stored nodes make the consistency proof between two tree sizes (RFC 9162 section 2.1.4).

import { isPowerOfTwo, isSafeCount, shiftRight, trailingZeros } from './bits.js';
import { ProofError } from './proof-error.js';
import { planNodes, type ProofPlan, skipFirst } from './proof-plan.js';

/** The plan for the consistency proof from tree size1 to size2; needs 0 < size1 <= size2. */
export function consistencyPlan(size1: number, size2: number): ProofPlan {
  if (!isSafeCount(size1) || !isSafeCount(size2)) {
    throw new ProofError('INVALID_ARGUMENT', 'tree sizes must be integers between 0 and 2^53-1');
  }
  if (size1 > size2) throw new ProofError('SIZE_ORDER', `tree size ${size1} > ${size2}`);
  if (size1 === 0)
    throw new ProofError('EMPTY_TREE', 'a consistency proof from the empty tree is meaningless');
  if (size1 === size2) return { ids: [], begin: 0, end: 0, ephem: { level: 0, index: 0 } };

  // The proof is the root of the largest perfect subtree ending at size1, followed by its inclusion
  // proof in the tree of size2. When size1 is a power of two that subtree is the whole old tree,
  // whose root the verifier already has, so it is left out.
  const level = trailingZeros(size1);
  const index = shiftRight(size1 - 1, level);
  const plan = planNodes(index, level, size2);
  return isPowerOfTwo(size1) ? skipFirst(plan) : plan;
}
