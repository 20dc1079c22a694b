// @ts-check
// The binding of a draw's random bytes to the RNG_REQUEST entry the RNG module journaled for it
// (docs/rng.md 10.4, docs/draws.md section 7), as the offline verifier checks it
// (src/draw/core/rng-request.ts): without it, a forged draw whose other bytes replay coherently to
// another winner would pass the replay. The request names the provider, k, n (the pool size), the size
// of each provider call and the SHA-256 of all the bytes; the draw journals the bytes and the request id.

import { bytesToHex, concatBytes, hexToBytes } from './bytes.js';
import { sha256, VerificationFailure } from './merkle.js';
import {
  malformed,
  readArray,
  readBoolean,
  readCount,
  readHash,
  readObject,
  readString,
  readTicket,
} from './proof-fields.js';

/** @typedef {import('./proof-fields.js').DrawPayload} DrawPayload */

const RNG_REQUEST_FIELDS = [
  'requestId',
  'purpose',
  'subject',
  'provider',
  'certified',
  'identity',
  'algorithm',
  'k',
  'n',
  'repeats',
  'byteCount',
  'calls',
  'bytesSha256',
];

/**
 * @typedef {{ prizeId: string, drawId: string, replaces: { drawId: string, ticket: number } | null }} RngDrawBinding
 * @typedef {{ requestId: string, purpose: string, subject: string, provider: string, certified: boolean,
 *   identity: string, k: number, n: number, repeats: boolean, byteCount: number, callBytes: number[],
 *   bytesSha256: string, draw?: RngDrawBinding }} RngRequestRecord
 */

/**
 * Reads an RNG_REQUEST payload: exactly its members (`state`, the RNG's state then, and `draw`, the draw
 * a request committed before its draw is for, may be there too).
 * @param {unknown} value @param {string} field @returns {RngRequestRecord}
 */
export function readRngRequestPayload(value, field) {
  const has = (/** @type {string} */ member) =>
    typeof value === 'object' && value !== null && Object.hasOwn(value, member);
  const members = [...RNG_REQUEST_FIELDS, ...['state', 'draw'].filter(has)];
  const o = readObject(value, field, members);
  readString(o.algorithm, `${field}.algorithm`, 1024);
  return {
    ...(has('draw') ? { draw: readDrawBinding(o.draw, `${field}.draw`) } : {}),
    requestId: readString(o.requestId, `${field}.requestId`),
    purpose: readString(o.purpose, `${field}.purpose`),
    subject: readString(o.subject, `${field}.subject`),
    provider: readString(o.provider, `${field}.provider`),
    certified: readBoolean(o.certified, `${field}.certified`),
    identity: readString(o.identity, `${field}.identity`, 1024),
    k: readCount(o.k, `${field}.k`),
    n: readCount(o.n, `${field}.n`),
    repeats: readBoolean(o.repeats, `${field}.repeats`),
    byteCount: readCount(o.byteCount, `${field}.byteCount`),
    callBytes: readArray(o.calls, `${field}.calls`, (v, f) => {
      const call = readObject(v, f, ['bytes', 'at']);
      // As the reference reads it (src/draw/core/rng-request.ts): the time is informational.
      if (typeof call.at !== 'string') throw malformed(`${f}.at`, 'must be a time');
      return readCount(call.bytes, `${f}.bytes`);
    }),
    bytesSha256: readHash(o.bytesSha256, `${field}.bytesSha256`),
  };
}

/**
 * @param {unknown} value @param {string} field @returns {RngDrawBinding}
 */
function readDrawBinding(value, field) {
  const o = readObject(value, field, ['prizeId', 'drawId', 'replaces']);
  /** @type {RngDrawBinding['replaces']} */
  let replaces = null;
  if (o.replaces !== null) {
    const r = readObject(o.replaces, `${field}.replaces`, ['drawId', 'ticket']);
    replaces = {
      drawId: readString(r.drawId, `${field}.replaces.drawId`),
      ticket: readTicket(r.ticket, `${field}.replaces.ticket`),
    };
  }
  return {
    prizeId: readString(o.prizeId, `${field}.prizeId`),
    drawId: readString(o.drawId, `${field}.drawId`),
    replaces,
  };
}

/**
 * Throws unless the request is the one that served this draw: its id, the raffle's subject, k, n = the
 * pool size, repeats, the RNG's provider, certification and identity, the bytes of each call and the
 * SHA-256 of all the bytes the draw journals.
 * @param {DrawPayload} draw @param {RngRequestRecord} request @param {number} seq the request's entry
 * @returns {Promise<string>} what was checked
 */
export async function checkRngBinding(draw, request, seq) {
  if (request.requestId !== draw.rngRequestId)
    throw new VerificationFailure(
      `the RNG_REQUEST entry ${seq} is request ${request.requestId}, the draw names ${draw.rngRequestId}`,
    );
  if (request.draw !== undefined) {
    const replaces =
      draw.replaces === undefined ? null : { drawId: draw.replaces.drawId, ticket: draw.replaces.ticket };
    /** @type {Array<[string, unknown, unknown]>} */
    const bound = [
      ['prize', request.draw.prizeId, draw.prizeId],
      ['draw id', request.draw.drawId, draw.drawId],
      ['replaces', JSON.stringify(request.draw.replaces), JSON.stringify(replaces)],
    ];
    const forOther = bound
      .filter(([, requested, drawn]) => requested !== drawn)
      .map(([what, requested, drawn]) => `${what} ${String(requested)} requested, ${String(drawn)} drawn`);
    if (forOther.length > 0)
      throw new VerificationFailure(
        `the draw uses RNG request ${request.requestId} (entry ${seq}), journaled for another draw: ${forOther.join(', ')}`,
      );
  }
  const bytes = concatBytes(...draw.rngCalls.map((call) => hexToBytes(call.bytes)));
  const digest = bytesToHex(await sha256(bytes));
  /** @type {Array<[string, unknown, unknown]>} */
  const expected = [
    ['subject', request.subject, `raffle/${draw.raffleId}`],
    ['k', request.k, draw.k],
    ['n (the pool size)', request.n, draw.sealed.count - draw.excluded.length],
    ['repeats', request.repeats, draw.repeats],
    ['provider', request.provider, draw.rng.provider],
    ['certified', request.certified, draw.rng.certified],
    ['identity', request.identity, draw.rng.identity],
    ['byteCount', request.byteCount, bytes.length],
    ['call sizes', request.callBytes.join(','), draw.rngCalls.map((c) => c.byteCount).join(',')],
    ['bytesSha256', request.bytesSha256, digest],
  ];
  const differences = expected
    .filter(([, requested, drawn]) => requested !== drawn)
    .map(([what, requested, drawn]) => `${what} ${String(requested)} requested, ${String(drawn)} drawn`);
  if (differences.length > 0)
    throw new VerificationFailure(
      `the draw is not what its RNG request ${request.requestId} (entry ${seq}) served: ${differences.join(', ')}`,
    );
  return `request ${request.requestId}: ${request.provider}${request.certified ? '' : ' (uncertified)'}, ${request.k} of ${request.n}, ${request.byteCount} bytes in ${request.callBytes.length} call(s), SHA-256 ${digest}`;
}
