// Proof that a number is NOT in a sealed set: the two neighbouring range leaves around it (only one at
// either end of the set, none for the empty set), each with its inclusion proof. Leaves i and i+1 are
// neighbours by index, and their offsets must chain (offset_{i+1} = offset_i + size_i), so nothing can
// hide between them. The first leaf must have offset 0; the last must end at the set's count.

import { buildRangeLeafProof, verifyRangeLeafProof } from './range-leaf-proof.js';
import type { RangeTree } from './range-tree.js';
import type { SealedRanges } from './sealed-ranges.js';
import { type SetCommitment, trustedCommitment } from './set-commitment.js';
import { rejectMalformed, SetProofError } from './set-proof-error.js';
import { type NonMembershipProof, type RangeLeafProof, readNonMembershipProof } from './set-proof-json.js';

export function buildNonMembershipProof(
  ranges: SealedRanges,
  tree: RangeTree,
  ticket: number,
): NonMembershipProof {
  if (ranges.has(ticket)) throw new RangeError(`ticket ${ticket} is in the sealed set`);
  const below = ranges.rangeIndexBelow(ticket);
  const above = below + 1;
  return {
    ticket,
    rangeCount: ranges.rangeCount,
    below: below >= 0 ? buildRangeLeafProof(ranges, tree, below) : null,
    above: above < ranges.rangeCount ? buildRangeLeafProof(ranges, tree, above) : null,
  };
}

const sizeOf = (leaf: RangeLeafProof) => leaf.range.last - leaf.range.first + 1;

function notAdjacent(message: string): SetProofError {
  return new SetProofError('NOT_ADJACENT', message);
}

/** Checks a non-membership proof (its JSON form) against a set commitment. Throws SetProofError. */
export function verifyNonMembershipProof(
  proof: unknown,
  commitment: SetCommitment,
  ticket?: number,
  field = 'proof',
): void {
  const p = rejectMalformed(() => readNonMembershipProof(proof, field));
  commitment = rejectMalformed(() => trustedCommitment(commitment));
  if (ticket !== undefined && p.ticket !== ticket) {
    throw new SetProofError('WRONG_SUBJECT', `${field} is about ticket ${p.ticket}, not ${ticket}`);
  }
  if (p.rangeCount !== commitment.rangeCount) {
    throw new SetProofError(
      'WRONG_SUBJECT',
      `${field} is for ${p.rangeCount} ranges, the set has ${commitment.rangeCount}`,
    );
  }
  const { below, above } = p;
  if (below === null && above === null) {
    // checkSetCommitment tied rangeCount 0 to count 0 and the empty root.
    if (commitment.rangeCount !== 0)
      throw notAdjacent(`${field}: a non-empty set needs at least one neighbouring leaf`);
    return;
  }
  if (below !== null) {
    verifyRangeLeafProof(below, commitment, `${field}.below`);
    if (below.range.last >= p.ticket) {
      throw new SetProofError(
        'TICKET_NOT_COVERED',
        `${field}.below: range ${below.range.first}-${below.range.last} does not end below ${p.ticket}`,
      );
    }
  }
  if (above !== null) {
    verifyRangeLeafProof(above, commitment, `${field}.above`);
    if (above.range.first <= p.ticket) {
      throw new SetProofError(
        'TICKET_NOT_COVERED',
        `${field}.above: range ${above.range.first}-${above.range.last} does not start above ${p.ticket}`,
      );
    }
  }
  if (below === null && above !== null) {
    if (above.leafIndex !== 0)
      throw notAdjacent(
        `${field}: with nothing below, the range above must be leaf 0, not ${above.leafIndex}`,
      );
    if (above.range.offset !== 0)
      throw new SetProofError('BAD_OFFSET', `${field}.above: leaf 0 must have offset 0`);
  } else if (above === null && below !== null) {
    const lastLeaf = commitment.rangeCount - 1;
    if (below.leafIndex !== lastLeaf)
      throw notAdjacent(
        `${field}: with nothing above, the range below must be the last leaf ${lastLeaf}, not ${below.leafIndex}`,
      );
    if (below.range.offset + sizeOf(below) !== commitment.count) {
      throw new SetProofError(
        'BAD_OFFSET',
        `${field}.below: the last leaf must end at the set's count ${commitment.count}`,
      );
    }
  } else if (below !== null && above !== null) {
    if (above.leafIndex !== below.leafIndex + 1) {
      throw notAdjacent(`${field}: leaves ${below.leafIndex} and ${above.leafIndex} are not neighbours`);
    }
    if (above.range.offset !== below.range.offset + sizeOf(below)) {
      throw new SetProofError(
        'BAD_OFFSET',
        `${field}: offset ${above.range.offset} of leaf ${above.leafIndex} should be ${below.range.offset + sizeOf(below)}`,
      );
    }
  }
}
