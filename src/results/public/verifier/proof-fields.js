// @ts-check
// Strict readers of the JSON shapes of docs/draws.md (sections 3, 5 and 6): exact member sets and exact
// types, no coercion, so that this verifier reads a proof exactly as the reference verifier
// (src/draw/core) does. A reader throws VerificationFailure naming the field.

import { isHashHex, isHexBytes } from './bytes.js';
import { VerificationFailure } from './merkle.js';

/** @typedef {Record<string, unknown>} JsonRecord */

/** RFC 9162 root of no leaves: the root of the empty set. */
export const EMPTY_ROOT = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

/** @param {string} field @param {string} problem */
export function malformed(field, problem) {
  return new VerificationFailure(`${field} ${problem}`);
}

/**
 * An object with exactly the members `required`.
 * @param {unknown} value @param {string} field @param {readonly string[]} required
 * @returns {JsonRecord}
 */
export function readObject(value, field, required) {
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    throw malformed(field, 'must be a JSON object');
  const record = /** @type {JsonRecord} */ (value);
  const missing = required.filter((k) => !Object.hasOwn(record, k));
  const extra = Object.keys(record).filter((k) => !required.includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      extra.length ? `unexpected ${extra.join(', ')}` : '',
    ];
    throw malformed(field, `has the wrong members (${parts.filter(Boolean).join('; ')})`);
  }
  return record;
}

/** An integer from 0 to 2^53 - 1. @param {unknown} value @param {string} field @returns {number} */
export function readCount(value, field) {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0)
    throw malformed(field, 'must be an integer from 0 to 2^53-1');
  return value;
}

/** A ticket number: an integer from 1 to 2^53 - 1. @param {unknown} value @param {string} field @returns {number} */
export function readTicket(value, field) {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 1)
    throw malformed(field, 'must be a ticket number (integer from 1 to 2^53-1)');
  return value;
}

/** @param {unknown} value @param {string} field @param {number} [maxLength] @returns {string} */
export function readString(value, field, maxLength = 256) {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength)
    throw malformed(field, `must be a string of 1-${maxLength} characters`);
  return value;
}

/** @param {unknown} value @param {string} field @returns {boolean} */
export function readBoolean(value, field) {
  if (typeof value !== 'boolean') throw malformed(field, 'must be true or false');
  return value;
}

/** @param {unknown} value @param {string} field @returns {string} */
export function readHash(value, field) {
  if (!isHashHex(value)) throw malformed(field, 'must be 64 lowercase hex digits');
  return value;
}

/**
 * @template T
 * @param {unknown} value @param {string} field @param {(v: unknown, field: string) => T} item
 * @returns {T[]}
 */
export function readArray(value, field, item) {
  if (!Array.isArray(value)) throw malformed(field, 'must be an array');
  return value.map((v, i) => item(v, `${field}[${i}]`));
}

const TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})\.\d{3}Z$/;

/** A real UTC instant written as YYYY-MM-DDTHH:MM:SS.mmmZ. @param {unknown} value @returns {value is string} */
export function isEntryTime(value) {
  const m = typeof value === 'string' ? TIME.exec(value) : null;
  if (m === null) return false;
  const [year, month, day, hour, minute, second] = m.slice(1).map(Number);
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const days = month === 2 ? (leap ? 29 : 28) : [4, 6, 9, 11].includes(month) ? 30 : 31;
  return month >= 1 && month <= 12 && day >= 1 && day <= days && hour <= 23 && minute <= 59 && second <= 59;
}

/** @param {unknown} value @param {string} field @returns {string} */
function readTime(value, field) {
  if (!isEntryTime(value)) throw malformed(field, 'must be a UTC ISO-8601 time with milliseconds');
  return value;
}

/** @param {unknown} value @param {string} field */
function readAscendingTickets(value, field) {
  const tickets = readArray(value, field, readTicket);
  tickets.forEach((t, i) => {
    if (i > 0 && t <= tickets[i - 1]) throw malformed(field, 'must be strictly ascending');
  });
  return tickets;
}

/**
 * @typedef {{ count: number, rangeCount: number, root: string }} SetCommitment
 * @typedef {{ first: number, last: number, offset: number }} SealedRange
 * @typedef {{ leafIndex: number, range: SealedRange, path: string[] }} RangeLeafProof
 * @typedef {{ ticket: number, position: number, rangeCount: number, leaf: RangeLeafProof }} MembershipProof
 * @typedef {{ byteCount: number, bytes: string }} RngCall
 */

/** Count, range count and root, consistent with each other. @param {unknown} value @param {string} field @returns {SetCommitment} */
export function readSetCommitment(value, field) {
  const o = readObject(value, field, ['count', 'rangeCount', 'root']);
  const c = {
    count: readCount(o.count, `${field}.count`),
    rangeCount: readCount(o.rangeCount, `${field}.rangeCount`),
    root: readHash(o.root, `${field}.root`),
  };
  if ((c.count === 0) !== (c.rangeCount === 0))
    throw malformed(field, `has count ${c.count} and rangeCount ${c.rangeCount}: both must be 0, or neither`);
  if (c.rangeCount > c.count) throw malformed(field, `has rangeCount ${c.rangeCount} above count ${c.count}`);
  if (c.rangeCount === 0 && c.root !== EMPTY_ROOT)
    throw malformed(`${field}.root`, `must be ${EMPTY_ROOT} for the empty set`);
  return c;
}

/** @param {unknown} value @param {string} field @returns {SealedRange} */
export function readSealedRange(value, field) {
  const o = readObject(value, field, ['first', 'last', 'offset']);
  const range = {
    first: readTicket(o.first, `${field}.first`),
    last: readTicket(o.last, `${field}.last`),
    offset: readCount(o.offset, `${field}.offset`),
  };
  if (range.first > range.last) throw malformed(field, 'must not have first above last');
  return range;
}

/** @param {unknown} value @param {string} field @returns {RangeLeafProof} */
export function readRangeLeafProof(value, field) {
  const o = readObject(value, field, ['leafIndex', 'range', 'path']);
  return {
    leafIndex: readCount(o.leafIndex, `${field}.leafIndex`),
    range: readSealedRange(o.range, `${field}.range`),
    path: readArray(o.path, `${field}.path`, readHash),
  };
}

/** @param {unknown} value @param {string} field @returns {MembershipProof} */
export function readMembershipProof(value, field) {
  const o = readObject(value, field, ['ticket', 'position', 'rangeCount', 'leaf']);
  return {
    ticket: readTicket(o.ticket, `${field}.ticket`),
    position: readCount(o.position, `${field}.position`),
    rangeCount: readCount(o.rangeCount, `${field}.rangeCount`),
    leaf: readRangeLeafProof(o.leaf, `${field}.leaf`),
  };
}

/** @param {unknown} value @param {string} field @returns {RngCall[]} */
function readRngCalls(value, field) {
  return readArray(value, field, (v, f) => {
    const o = readObject(v, f, ['byteCount', 'bytes']);
    const byteCount = readCount(o.byteCount, `${f}.byteCount`);
    if (!isHexBytes(o.bytes)) throw malformed(`${f}.bytes`, 'must be lowercase hex of whole bytes');
    if (o.bytes.length !== 2 * byteCount)
      throw malformed(`${f}.bytes`, `holds ${o.bytes.length / 2} bytes, but byteCount says ${byteCount}`);
    return { byteCount, bytes: o.bytes };
  });
}

/**
 * @typedef {{
 *   raffleId: string, sealId: string, prizeIds: string[], algorithm: string,
 *   cutoff: { treeSize: number, time: string }, salesClosed: boolean,
 *   ledger: { treeSize: number, rootHash: string, checkpoint: string | null },
 *   count: number, rangeCount: number, root: string
 * }} SealPayload
 * @typedef {{
 *   raffleId: string, prizeId: string, sealId: string, drawId: string, algorithm: string,
 *   sealed: SetCommitment, rng: { provider: string, certified: boolean, identity: string },
 *   rngRequestId: string | null, rngCalls: RngCall[], k: number, repeats: boolean, exclusion: string, excluded: number[],
 *   positions: number[], tickets: number[], drawnAt: string,
 *   replaces?: { drawId: string, ticket: number, reason: string }
 * }} DrawPayload
 */

/** The DRAW_SEALED payload (docs/draws.md 5.1). @param {unknown} value @param {string} field @returns {SealPayload} */
export function readSealPayload(value, field) {
  const o = readObject(value, field, [
    'raffleId',
    'sealId',
    'prizeIds',
    'algorithm',
    'cutoff',
    'salesClosed',
    'ledger',
    'count',
    'rangeCount',
    'root',
  ]);
  const cutoff = readObject(o.cutoff, `${field}.cutoff`, ['treeSize', 'time']);
  const ledger = readObject(o.ledger, `${field}.ledger`, ['treeSize', 'rootHash', 'checkpoint']);
  const prizeIds = readArray(o.prizeIds, `${field}.prizeIds`, (v, f) => readString(v, f));
  if (prizeIds.length === 0 || new Set(prizeIds).size !== prizeIds.length)
    throw malformed(`${field}.prizeIds`, 'must list at least one prize, each once');
  const commitment = readSetCommitment({ count: o.count, rangeCount: o.rangeCount, root: o.root }, field);
  const seal = {
    raffleId: readString(o.raffleId, `${field}.raffleId`),
    sealId: readString(o.sealId, `${field}.sealId`),
    prizeIds,
    algorithm: readString(o.algorithm, `${field}.algorithm`, 1024),
    cutoff: {
      treeSize: readCount(cutoff.treeSize, `${field}.cutoff.treeSize`),
      time: readTime(cutoff.time, `${field}.cutoff.time`),
    },
    salesClosed: readBoolean(o.salesClosed, `${field}.salesClosed`),
    ledger: {
      treeSize: readCount(ledger.treeSize, `${field}.ledger.treeSize`),
      rootHash: readHash(ledger.rootHash, `${field}.ledger.rootHash`),
      checkpoint:
        ledger.checkpoint === null
          ? null
          : readString(ledger.checkpoint, `${field}.ledger.checkpoint`, 65536),
    },
    ...commitment,
  };
  if (seal.cutoff.treeSize > seal.ledger.treeSize)
    throw malformed(`${field}.cutoff.treeSize`, 'must not exceed ledger.treeSize');
  return seal;
}

const RESULT_FIELDS = [
  'raffleId',
  'prizeId',
  'sealId',
  'drawId',
  'algorithm',
  'sealed',
  'rng',
  'rngRequestId',
  'rngCalls',
  'k',
  'repeats',
  'exclusion',
  'excluded',
  'positions',
  'tickets',
  'drawnAt',
];

/**
 * The DRAW_RESULT payload (kind 'result') or DRAW_REDRAWN payload (kind 'redraw'), docs/draws.md 5.2-5.3.
 * @param {unknown} value @param {'result' | 'redraw'} kind @param {string} field @returns {DrawPayload}
 */
export function readDrawPayload(value, kind, field) {
  const o = readObject(value, field, kind === 'result' ? RESULT_FIELDS : [...RESULT_FIELDS, 'replaces']);
  const rng = readObject(o.rng, `${field}.rng`, ['provider', 'certified', 'identity']);
  if (typeof o.exclusion !== 'string' || !['none', 'seal', 'raffle'].includes(o.exclusion))
    throw malformed(`${field}.exclusion`, 'must be one of none, seal, raffle');
  /** @type {DrawPayload} */
  const draw = {
    raffleId: readString(o.raffleId, `${field}.raffleId`),
    prizeId: readString(o.prizeId, `${field}.prizeId`),
    sealId: readString(o.sealId, `${field}.sealId`),
    drawId: readString(o.drawId, `${field}.drawId`),
    algorithm: readString(o.algorithm, `${field}.algorithm`, 1024),
    sealed: readSetCommitment(o.sealed, `${field}.sealed`),
    rng: {
      provider: readString(rng.provider, `${field}.rng.provider`),
      certified: readBoolean(rng.certified, `${field}.rng.certified`),
      identity: readString(rng.identity, `${field}.rng.identity`, 1024),
    },
    rngRequestId: o.rngRequestId === null ? null : readString(o.rngRequestId, `${field}.rngRequestId`),
    rngCalls: readRngCalls(o.rngCalls, `${field}.rngCalls`),
    k: readCount(o.k, `${field}.k`),
    repeats: readBoolean(o.repeats, `${field}.repeats`),
    exclusion: o.exclusion,
    excluded: readAscendingTickets(o.excluded, `${field}.excluded`),
    positions: readArray(o.positions, `${field}.positions`, readCount),
    tickets: readArray(o.tickets, `${field}.tickets`, readTicket),
    drawnAt: readTime(o.drawnAt, `${field}.drawnAt`),
  };
  if (draw.positions.length !== draw.k || draw.tickets.length !== draw.k)
    throw malformed(field, `has k = ${draw.k}: positions and tickets must list k winners each`);
  if ((draw.k === 0) !== (draw.rngRequestId === null))
    throw malformed(
      `${field}.rngRequestId`,
      'must name the RNG request of a draw with winners, and be null for a draw of none (k = 0)',
    );
  if (kind === 'redraw') {
    const replaces = readObject(o.replaces, `${field}.replaces`, ['drawId', 'ticket', 'reason']);
    if (draw.k !== 1) throw malformed(`${field}.k`, 'must be 1: a redraw replaces one winner');
    draw.replaces = {
      drawId: readString(replaces.drawId, `${field}.replaces.drawId`),
      ticket: readTicket(replaces.ticket, `${field}.replaces.ticket`),
      reason: readString(replaces.reason, `${field}.replaces.reason`, 1024),
    };
  }
  return draw;
}
