// Erasure of personal data (docs/privacy.md): the PERSONAL_DATA_ERASED entry and the end of a record's
// retention period. Plain TypeScript, no NestJS.
//
// Personal data (a winner's or a complainant's name, contact, identity document) is never journaled:
// it is stored apart with the salt of a commitment the journal holds (docs/draws.md section 13.3).
// Erasing it deletes the record and the salt, so the commitment left in the journal can no longer be
// tested against guesses; the entry says what was erased, when, by whom and on what basis, and holds
// no personal data itself.

import { createHash } from 'node:crypto';
import { isEntryTime } from '../../ledger/core/index.js';
import { checkedRaffleEntry, type RecordedOrigin } from '../../draw/core/draw-entries.js';
import { DrawFormatError } from '../../draw/core/draw-format-error.js';
import { readHash, readObject, readOneOf, readString } from '../../draw/core/json-fields.js';

export const PERSONAL_DATA_ERASED = 'PERSONAL_DATA_ERASED';

/** The records that hold personal data: a prize claim, a winner contact attempt, a complaint. */
export const ERASABLE_KINDS = ['claim', 'contact-attempt', 'complaint'] as const;
export type ErasableKind = (typeof ERASABLE_KINDS)[number];

/** RETENTION_ENDED: the profile's retention period is over; LAWFUL_REQUEST: the person's or a court's. */
export const ERASURE_BASES = ['RETENTION_ENDED', 'LAWFUL_REQUEST'] as const;
export type ErasureBasis = (typeof ERASURE_BASES)[number];

export interface PersonalDataErasedPayload {
  recordKind: ErasableKind;
  recordId: string;
  raffleId: string;
  /** The commitment journaled with the record, which can no longer be opened. */
  commitment: string;
  basis: ErasureBasis;
  /** SHA-256 of the reason as UTF-8 (the reason is kept with the erasure record, not journaled). */
  reasonSha256: string;
  erasedAt: string;
  by: string;
}

const FIELDS = [
  'recordKind',
  'recordId',
  'raffleId',
  'commitment',
  'basis',
  'reasonSha256',
  'erasedAt',
  'by',
] as const;
const ORIGIN_FIELDS = ['actor', 'source', 'requestId'] as const;

export function readPersonalDataErased(payload: unknown): PersonalDataErasedPayload {
  const o = readObject(payload, 'payload', FIELDS, ORIGIN_FIELDS);
  if (!isEntryTime(o.erasedAt)) {
    throw new DrawFormatError('payload.erasedAt', 'must be a UTC ISO-8601 time with milliseconds');
  }
  return {
    recordKind: readOneOf(o.recordKind, 'payload.recordKind', ERASABLE_KINDS),
    recordId: readString(o.recordId, 'payload.recordId'),
    raffleId: readString(o.raffleId, 'payload.raffleId'),
    commitment: readHash(o.commitment, 'payload.commitment'),
    basis: readOneOf(o.basis, 'payload.basis', ERASURE_BASES),
    reasonSha256: readHash(o.reasonSha256, 'payload.reasonSha256'),
    erasedAt: o.erasedAt,
    by: readString(o.by, 'payload.by'),
  };
}

export const personalDataErasedDraft = (payload: PersonalDataErasedPayload, origin: RecordedOrigin = {}) =>
  checkedRaffleEntry(PERSONAL_DATA_ERASED, readPersonalDataErased, payload, origin);

export function reasonHash(reason: string): string {
  return createHash('sha256').update(reason, 'utf8').digest('hex');
}

/**
 * The end of a record's retention period under a profile's `retention` (DATA-5): `booksYears` after
 * the record was made, or after the end of its calendar quarter (UTC) when the profile counts from
 * quarter ends.
 */
export function retentionEnds(
  recordedAt: Date,
  retention: { booksYears: number; fromQuarterEnd: boolean },
): Date {
  let start = recordedAt;
  if (retention.fromQuarterEnd) {
    const quarterEndMonth = Math.floor(recordedAt.getUTCMonth() / 3) * 3 + 3;
    start = new Date(Date.UTC(recordedAt.getUTCFullYear(), quarterEndMonth, 1));
  }
  const end = new Date(start.getTime());
  end.setUTCFullYear(end.getUTCFullYear() + retention.booksYears);
  return end;
}
