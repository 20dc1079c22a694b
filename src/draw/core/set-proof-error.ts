// Why a membership or non-membership proof was rejected.

import { DrawFormatError } from './draw-format-error.js';

export type SetProofErrorReason =
  /** The proof does not have the documented JSON shape. */
  | 'MALFORMED'
  /** The proof is for another ticket, or another tree size, than the one asked about. */
  | 'WRONG_SUBJECT'
  /** The leaf does not hold (membership) or does not bracket (non-membership) the ticket. */
  | 'TICKET_NOT_COVERED'
  /** A leaf's Merkle inclusion proof does not lead to the set's root. */
  | 'INCLUSION_FAILED'
  /** The two leaves of a non-membership proof are not neighbours, or an end leaf is not at the end. */
  | 'NOT_ADJACENT'
  /** A leaf's offset or position disagrees with the set's count or with its neighbour. */
  | 'BAD_OFFSET';

export class SetProofError extends Error {
  override readonly name = 'SetProofError';

  constructor(
    readonly reason: SetProofErrorReason,
    message: string,
  ) {
    super(message);
  }
}

/** Runs a reader of a proof's JSON shape, turning a DrawFormatError into SetProofError('MALFORMED'). */
export function rejectMalformed<T>(read: () => T): T {
  try {
    return read();
  } catch (error) {
    if (error instanceof DrawFormatError) throw new SetProofError('MALFORMED', error.message);
    throw error;
  }
}
