// The journal entries of prize claims and winner contact attempts (docs/draws.md section 13): their
// types, payload shapes, strict readers (for the verifier and the service, which reads each payload
// back before journaling it) and the commitment to the personal data behind them.
//
// Personal data (a winner's name, address, telephone, identity document number, what was said on the
// telephone) never enters the journal: the journal is exported to auditors and can never be erased.
// It is kept in a table the service can erase, and the entry journals only a salted SHA-256
// commitment to it, which binds the record without revealing it (section 13.3).

import { createHash } from 'node:crypto';
import { canonicalJson, type JsonObject } from '../../ledger/core/index.js';
import { checkedRaffleEntry, type RecordedOrigin } from './draw-entries.js';
import { DrawFormatError } from './draw-format-error.js';
import {
  readCount,
  readHash,
  readObject,
  readOneOf,
  readString,
  readTicket,
  readTime,
} from './json-fields.js';

export const PRIZE_CLAIMED = 'PRIZE_CLAIMED';
export const WINNER_CONTACT_ATTEMPTED = 'WINNER_CONTACT_ATTEMPTED';

export const CONTACT_CHANNELS = ['PHONE', 'EMAIL', 'MAIL', 'IN_PERSON'] as const;
export type ContactChannel = (typeof CONTACT_CHANNELS)[number];
export const CONTACT_OUTCOMES = ['REACHED', 'NO_ANSWER', 'LEFT_MESSAGE', 'BOUNCED'] as const;
export type ContactOutcome = (typeof CONTACT_OUTCOMES)[number];
export const IDENTITY_DOCUMENTS = [
  'DRIVERS_LICENCE',
  'PASSPORT',
  'GOVERNMENT_PHOTO_ID',
  'OTHER_GOVERNMENT_ID',
] as const;
export type IdentityDocument = (typeof IDENTITY_DOCUMENTS)[number];
/** IN_KIND: a prize described rather than valued (merchandise) handed over; no money moves. */
export const PAYMENT_METHODS = ['CHEQUE', 'BANK_TRANSFER', 'E_TRANSFER', 'CASH', 'IN_KIND'] as const;
export type PaymentMethod = (typeof PAYMENT_METHODS)[number];

export const PERSONAL_DATA_COMMITMENT =
  'fairdraw-personal-data-v1: SHA-256 of the RFC 8785 canonical JSON of {"data": <personal record>, "salt": <64 hex>}';

export interface PersonalDataCommitment {
  algorithm: string;
  /** 64 lowercase hex: SHA-256 of canonicalJson({data, salt}). */
  commitment: string;
}

/**
 * The commitment to a personal record. The salt (32 random bytes, hex, one per record) is what makes
 * it hiding: names and telephone numbers are few enough to be guessed and hashed one by one, a
 * 256-bit salt is not. It is stored beside the record, never journaled.
 */
export function commitPersonalData(data: JsonObject, salt: string): string {
  return createHash('sha256').update(canonicalJson({ data, salt }), 'utf8').digest('hex');
}

export interface WinnerContactAttemptedPayload {
  raffleId: string;
  prizeId: string;
  /** The draw (DRAW_RESULT or DRAW_REDRAWN) whose winner was contacted. */
  drawId: string;
  ticket: number;
  attemptId: string;
  channel: ContactChannel;
  outcome: ContactOutcome;
  attemptedAt: string;
  by: string;
  /** Covers `{contact, note}`: the address or number used, and what was said. */
  personalData: PersonalDataCommitment;
}

export interface PrizeClaimedPayload {
  raffleId: string;
  prizeId: string;
  /** The draw (DRAW_RESULT or DRAW_REDRAWN) that drew the claimed ticket; it must still stand. */
  drawId: string;
  ticket: number;
  claimId: string;
  /** SHA-256 (hex) of the validation number presented: the `codeHash` of the winning sale's TICKETS_SOLD. */
  codeHash: string;
  identityDocument: IdentityDocument;
  paymentMethod: PaymentMethod;
  /** What was paid: the DRAW_PRIZE amount of the draw (null for a described prize, paid IN_KIND). */
  amountMinor: number | null;
  currency: string;
  claimedAt: string;
  by: string;
  /** Covers `{claimant, identityDocumentReference, paymentReference, note}`. */
  personalData: PersonalDataCommitment;
}

const CONTACT_FIELDS = [
  'raffleId',
  'prizeId',
  'drawId',
  'ticket',
  'attemptId',
  'channel',
  'outcome',
  'attemptedAt',
  'by',
  'personalData',
] as const;

const CLAIM_FIELDS = [
  'raffleId',
  'prizeId',
  'drawId',
  'ticket',
  'claimId',
  'codeHash',
  'identityDocument',
  'paymentMethod',
  'amountMinor',
  'currency',
  'claimedAt',
  'by',
  'personalData',
] as const;

const ORIGIN_FIELDS = ['actor', 'source', 'requestId'] as const;

/** Reads a commitment to a personal record; complaints read their contact commitment with it too. */
export function readPersonalDataCommitment(value: unknown, field: string): PersonalDataCommitment {
  const o = readObject(value, field, ['algorithm', 'commitment']);
  if (o.algorithm !== PERSONAL_DATA_COMMITMENT) {
    throw new DrawFormatError(`${field}.algorithm`, 'is not a known commitment algorithm');
  }
  return { algorithm: PERSONAL_DATA_COMMITMENT, commitment: readHash(o.commitment, `${field}.commitment`) };
}

export function readWinnerContactAttempted(payload: unknown): WinnerContactAttemptedPayload {
  const o = readObject(payload, 'payload', CONTACT_FIELDS, ORIGIN_FIELDS);
  return {
    raffleId: readString(o.raffleId, 'payload.raffleId'),
    prizeId: readString(o.prizeId, 'payload.prizeId'),
    drawId: readString(o.drawId, 'payload.drawId'),
    ticket: readTicket(o.ticket, 'payload.ticket'),
    attemptId: readString(o.attemptId, 'payload.attemptId'),
    channel: readOneOf(o.channel, 'payload.channel', CONTACT_CHANNELS),
    outcome: readOneOf(o.outcome, 'payload.outcome', CONTACT_OUTCOMES),
    attemptedAt: readTime(o.attemptedAt, 'payload.attemptedAt'),
    by: readString(o.by, 'payload.by'),
    personalData: readPersonalDataCommitment(o.personalData, 'payload.personalData'),
  };
}

export function readPrizeClaimed(payload: unknown): PrizeClaimedPayload {
  const o = readObject(payload, 'payload', CLAIM_FIELDS, ORIGIN_FIELDS);
  return {
    raffleId: readString(o.raffleId, 'payload.raffleId'),
    prizeId: readString(o.prizeId, 'payload.prizeId'),
    drawId: readString(o.drawId, 'payload.drawId'),
    ticket: readTicket(o.ticket, 'payload.ticket'),
    claimId: readString(o.claimId, 'payload.claimId'),
    codeHash: readHash(o.codeHash, 'payload.codeHash'),
    identityDocument: readOneOf(o.identityDocument, 'payload.identityDocument', IDENTITY_DOCUMENTS),
    paymentMethod: readOneOf(o.paymentMethod, 'payload.paymentMethod', PAYMENT_METHODS),
    amountMinor: o.amountMinor === null ? null : readCount(o.amountMinor, 'payload.amountMinor'),
    currency: readString(o.currency, 'payload.currency'),
    claimedAt: readTime(o.claimedAt, 'payload.claimedAt'),
    by: readString(o.by, 'payload.by'),
    personalData: readPersonalDataCommitment(o.personalData, 'payload.personalData'),
  };
}

export const winnerContactAttemptedDraft = (
  payload: WinnerContactAttemptedPayload,
  origin: RecordedOrigin = {},
) => checkedRaffleEntry(WINNER_CONTACT_ATTEMPTED, readWinnerContactAttempted, payload, origin);

export const prizeClaimedDraft = (payload: PrizeClaimedPayload, origin: RecordedOrigin = {}) =>
  checkedRaffleEntry(PRIZE_CLAIMED, readPrizeClaimed, payload, origin);
