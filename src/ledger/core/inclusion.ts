// Which stored nodes make the inclusion proof of a leaf (RFC 9162 section 2.1.3).

import { isSafeCount } from './bits.js';
import { ProofError } from './proof-error.js';
import { planNodes, type ProofPlan, skipFirst } from './proof-plan.js';

/** The plan for the inclusion proof of leaf `index` in the tree of `size` leaves; needs index < size. */
export function inclusionPlan(index: number, size: number): ProofPlan {
  if (!isSafeCount(index) || !isSafeCount(size)) {
    throw new ProofError(
      'INVALID_ARGUMENT',
      'leaf index and tree size must be integers between 0 and 2^53-1',
    );
  }
  if (index >= size)
    throw new ProofError('INDEX_OUT_OF_RANGE', `leaf index ${index} out of range for tree size ${size}`);
  // The leaf's own hash is known to the verifier, so it is not part of the proof.
  return skipFirst(planNodes(index, 0, size));
}
