// Proof that a ticket is in a sealed set: the range leaf holding it and the leaf's inclusion proof.
// Verification recomputes the leaf hash from the range, checks the Merkle path against the set's root,
// that the range holds the ticket, and that the position is offset + (ticket - first).

import { buildRangeLeafProof, verifyRangeLeafProof } from './range-leaf-proof.js';
import type { RangeTree } from './range-tree.js';
import type { SealedRanges } from './sealed-ranges.js';
import { type SetCommitment, trustedCommitment } from './set-commitment.js';
import { rejectMalformed, SetProofError } from './set-proof-error.js';
import { type MembershipProof, readMembershipProof } from './set-proof-json.js';

export function buildMembershipProof(ranges: SealedRanges, tree: RangeTree, ticket: number): MembershipProof {
  const index = ranges.rangeIndexOf(ticket);
  if (index < 0) throw new RangeError(`ticket ${ticket} is not in the sealed set`);
  const leaf = buildRangeLeafProof(ranges, tree, index);
  return {
    ticket,
    position: leaf.range.offset + (ticket - leaf.range.first),
    rangeCount: ranges.rangeCount,
    leaf,
  };
}

/**
 * Checks a membership proof (its JSON form) against a set commitment; returns the ticket's position.
 * `ticket`, if given, must be the ticket the proof is about. Throws SetProofError.
 */
export function verifyMembershipProof(
  proof: unknown,
  commitment: SetCommitment,
  ticket?: number,
  field = 'proof',
): number {
  const p = rejectMalformed(() => readMembershipProof(proof, field));
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
  const { first, last, offset } = p.leaf.range;
  if (p.ticket < first || p.ticket > last) {
    throw new SetProofError(
      'TICKET_NOT_COVERED',
      `${field}: range ${first}-${last} does not hold ticket ${p.ticket}`,
    );
  }
  const position = offset + (p.ticket - first);
  if (p.position !== position) {
    throw new SetProofError(
      'BAD_OFFSET',
      `${field}: position ${p.position} should be ${position} (offset ${offset} + ${p.ticket} - ${first})`,
    );
  }
  verifyRangeLeafProof(p.leaf, commitment, `${field}.leaf`);
  return position;
}
