// Complaints (PLY-4; docs/complaints.md): their states, the transitions an operator may make, and the
// journal entries that record each step. Plain TypeScript, no NestJS (the offline verifier may read it).
//
// What a complainant writes and how to reach them stay out of the journal, which is exported to
// auditors and never erased: the entry of a filing carries the SHA-256 of the text and a salted
// commitment to the contact details (the scheme of prize claims, docs/draws.md section 13.3), so that
// the record the service shows can be checked against the journal, and the contact details can be
// erased without touching it.

import { createHash } from 'node:crypto';
import { type PersonalDataCommitment, readPersonalDataCommitment } from '../../draw/core/claim-entries.js';
import { checkedRaffleEntry, type RecordedOrigin } from '../../draw/core/draw-entries.js';
import { DrawFormatError } from '../../draw/core/draw-format-error.js';
import { readHash, readObject, readOneOf, readString, readTime } from '../../draw/core/json-fields.js';

export const COMPLAINT_FILED = 'COMPLAINT_FILED';
export const COMPLAINT_STATUS_CHANGED = 'COMPLAINT_STATUS_CHANGED';

export const COMPLAINT_CATEGORIES = [
  'TICKET_PURCHASE',
  'PAYMENT',
  'DRAW',
  'PRIZE',
  'RULES',
  'CONDUCT',
  'OTHER',
] as const;
export type ComplaintCategory = (typeof COMPLAINT_CATEGORIES)[number];

export const COMPLAINT_STATUSES = ['OPEN', 'IN_REVIEW', 'RESOLVED', 'REJECTED'] as const;
export type ComplaintStatus = (typeof COMPLAINT_STATUSES)[number];

/** OPEN → IN_REVIEW → RESOLVED | REJECTED; nothing leaves RESOLVED or REJECTED. */
const NEXT: Record<ComplaintStatus, readonly ComplaintStatus[]> = {
  OPEN: ['IN_REVIEW'],
  IN_REVIEW: ['RESOLVED', 'REJECTED'],
  RESOLVED: [],
  REJECTED: [],
};

export function allowedTransitions(from: ComplaintStatus): readonly ComplaintStatus[] {
  return NEXT[from];
}

export function canTransition(from: ComplaintStatus, to: ComplaintStatus): boolean {
  return NEXT[from].includes(to);
}

/** A closing status needs a resolution: what was found and done, or why the complaint was rejected. */
export function needsResolution(to: ComplaintStatus): boolean {
  return to === 'RESOLVED' || to === 'REJECTED';
}

export const COMPLAINT_TEXT_MIN = 10;
export const COMPLAINT_TEXT_MAX = 4_000;
export const RESOLUTION_TEXT_MAX = 4_000;

/** SHA-256 (hex) of a text as UTF-8: what the journal holds of a complaint's and a resolution's words. */
export function textHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** Reference alphabet: Crockford base32 without the letters people misread (I, L, O, U). */
const REFERENCE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
export const REFERENCE_PATTERN = /^CMP-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/;

/**
 * The reference a complainant is given, e.g. CMP-7K2Q-9XHD-4T0B: 60 random bits, so that a public
 * look-up by reference cannot be used to walk through other people's complaints.
 */
export function complaintReference(random: Uint8Array): string {
  if (random.length < 12) throw new Error('a complaint reference needs 12 random bytes');
  const chars = Array.from(random.subarray(0, 12), (b) => REFERENCE_ALPHABET[b & 31]).join('');
  return `CMP-${chars.slice(0, 4)}-${chars.slice(4, 8)}-${chars.slice(8, 12)}`;
}

export interface ComplaintFiledPayload {
  complaintId: string;
  reference: string;
  raffleId: string;
  category: ComplaintCategory;
  /** SHA-256 of the complaint's text (the text itself is kept by the service, not journaled). */
  textSha256: string;
  /** SHA-256 of the validation number named (as TICKETS_SOLD journals its codeHash), or null. */
  codeHash: string | null;
  filedAt: string;
  /** Commitment to `{name, email, phone}` when contact details were given, else null. */
  personalData: PersonalDataCommitment | null;
}

export interface ComplaintStatusChangedPayload {
  complaintId: string;
  reference: string;
  raffleId: string;
  from: ComplaintStatus;
  to: ComplaintStatus;
  /** SHA-256 of the resolution text (RESOLVED, REJECTED), else null. */
  resolutionSha256: string | null;
  changedAt: string;
  by: string;
}

const FILED_FIELDS = [
  'complaintId',
  'reference',
  'raffleId',
  'category',
  'textSha256',
  'codeHash',
  'filedAt',
  'personalData',
] as const;
const CHANGED_FIELDS = [
  'complaintId',
  'reference',
  'raffleId',
  'from',
  'to',
  'resolutionSha256',
  'changedAt',
  'by',
] as const;
const ORIGIN_FIELDS = ['actor', 'source', 'requestId'] as const;

function readReference(value: unknown, field: string): string {
  if (typeof value !== 'string' || !REFERENCE_PATTERN.test(value)) {
    throw new DrawFormatError(field, 'must be a complaint reference such as CMP-7K2Q-9XHD-4T0B');
  }
  return value;
}

export function readComplaintFiled(payload: unknown): ComplaintFiledPayload {
  const o = readObject(payload, 'payload', FILED_FIELDS, ORIGIN_FIELDS);
  // Read before the other members, as it always was: a payload with several faults is refused for this one.
  const personalData =
    o.personalData === null ? null : readPersonalDataCommitment(o.personalData, 'payload.personalData');
  return {
    complaintId: readString(o.complaintId, 'payload.complaintId'),
    reference: readReference(o.reference, 'payload.reference'),
    raffleId: readString(o.raffleId, 'payload.raffleId'),
    category: readOneOf(o.category, 'payload.category', COMPLAINT_CATEGORIES),
    textSha256: readHash(o.textSha256, 'payload.textSha256'),
    codeHash: o.codeHash === null ? null : readHash(o.codeHash, 'payload.codeHash'),
    filedAt: readTime(o.filedAt, 'payload.filedAt'),
    personalData,
  };
}

export function readComplaintStatusChanged(payload: unknown): ComplaintStatusChangedPayload {
  const o = readObject(payload, 'payload', CHANGED_FIELDS, ORIGIN_FIELDS);
  const from = readOneOf(o.from, 'payload.from', COMPLAINT_STATUSES);
  const to = readOneOf(o.to, 'payload.to', COMPLAINT_STATUSES);
  if (!canTransition(from, to))
    throw new DrawFormatError('payload.to', `${from} → ${to} is not a transition`);
  const resolutionSha256 =
    o.resolutionSha256 === null ? null : readHash(o.resolutionSha256, 'payload.resolutionSha256');
  if (needsResolution(to) !== (resolutionSha256 !== null)) {
    throw new DrawFormatError(
      'payload.resolutionSha256',
      `must be ${needsResolution(to) ? 'a hash' : 'null'} for ${to}`,
    );
  }
  return {
    complaintId: readString(o.complaintId, 'payload.complaintId'),
    reference: readReference(o.reference, 'payload.reference'),
    raffleId: readString(o.raffleId, 'payload.raffleId'),
    from,
    to,
    resolutionSha256,
    changedAt: readTime(o.changedAt, 'payload.changedAt'),
    by: readString(o.by, 'payload.by'),
  };
}

export const complaintFiledDraft = (payload: ComplaintFiledPayload, origin: RecordedOrigin = {}) =>
  checkedRaffleEntry(COMPLAINT_FILED, readComplaintFiled, payload, origin);

export const complaintStatusChangedDraft = (
  payload: ComplaintStatusChangedPayload,
  origin: RecordedOrigin = {},
) => checkedRaffleEntry(COMPLAINT_STATUS_CHANGED, readComplaintStatusChanged, payload, origin);
