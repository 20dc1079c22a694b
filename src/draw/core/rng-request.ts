// The binding of a draw's random bytes to the RNG_REQUEST entry the RNG module journaled for it
// (docs/rng.md section 10.4, docs/draws.md section 7): without it, a forged DRAW_RESULT whose other
// bytes replay coherently to another winner would pass the replay. The RNG_REQUEST names the request,
// its provider, k, n and the byte count of each provider call, and the SHA-256 of all the bytes; the
// draw journals the bytes themselves and the request's id.

import { createHash } from 'node:crypto';
import type { DrawResultPayload } from './draw-entries.js';
import { DrawFormatError } from './draw-format-error.js';
import { readArray, readBoolean, readCount, readHash, readObject, readString } from './json-fields.js';

export const RNG_REQUEST = 'RNG_REQUEST';

/** The members of an RNG_REQUEST payload a draw is checked against. */
export interface RngRequestRecord {
  requestId: string;
  purpose: string;
  subject: string;
  provider: string;
  certified: boolean;
  identity: string;
  k: number;
  n: number;
  repeats: boolean;
  byteCount: number;
  /** Bytes of each provider call, in order. */
  callBytes: number[];
  bytesSha256: string;
}

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

/** Reads an RNG_REQUEST payload (docs/rng.md 10.4; `state`, the RNG's state then, is allowed). */
export function readRngRequest(payload: unknown): RngRequestRecord {
  const o = readObject(payload, 'payload', RNG_REQUEST_FIELDS, ['state']);
  return {
    requestId: readString(o.requestId, 'payload.requestId'),
    purpose: readString(o.purpose, 'payload.purpose'),
    subject: readString(o.subject, 'payload.subject'),
    provider: readString(o.provider, 'payload.provider'),
    certified: readBoolean(o.certified, 'payload.certified'),
    identity: readString(o.identity, 'payload.identity', 1024),
    k: readCount(o.k, 'payload.k'),
    n: readCount(o.n, 'payload.n'),
    repeats: readBoolean(o.repeats, 'payload.repeats'),
    byteCount: readCount(o.byteCount, 'payload.byteCount'),
    callBytes: readArray(o.calls, 'payload.calls', (v, f) => {
      const call = readObject(v, f, ['bytes', 'at']);
      if (typeof call.at !== 'string') throw new DrawFormatError(`${f}.at`, 'must be a time');
      return readCount(call.bytes, `${f}.bytes`);
    }),
    bytesSha256: readHash(o.bytesSha256, 'payload.bytesSha256'),
  };
}

/** A journaled RNG request and where: its seq, and the draw that used it, if any. */
export interface JournaledRngRequest {
  record: RngRequestRecord;
  seq: number;
  usedBy?: string;
}

/**
 * Problems of a draw's binding to its RNG request: the request must have been journaled before the
 * draw, for the raffle's subject, used by no other draw, for exactly this draw (k, n = the pool size,
 * repeats, provider), and its calls and bytes hash must be those the draw journals.
 */
export function rngBindingProblems(
  draw: DrawResultPayload,
  request: JournaledRngRequest | undefined,
): string[] {
  const name = `draw ${draw.drawId}`;
  if (draw.rngRequestId === null) {
    return draw.rngCalls.length === 0 ? [] : [`${name} journals RNG calls but names no RNG request`];
  }
  if (request === undefined) {
    return [`${name}: its RNG request ${draw.rngRequestId} is not journaled before it`];
  }
  if (request.usedBy !== undefined && request.usedBy !== draw.drawId) {
    return [`${name}: RNG request ${draw.rngRequestId} was used already by draw ${request.usedBy}`];
  }
  const r = request.record;
  const bytes = Buffer.from(draw.rngCalls.map((c) => c.bytes).join(''), 'hex');
  const expected: Array<[string, unknown, unknown]> = [
    ['subject', r.subject, `raffle/${draw.raffleId}`],
    ['k', r.k, draw.k],
    ['n (the pool size)', r.n, draw.sealed.count - draw.excluded.length],
    ['repeats', r.repeats, draw.repeats],
    ['provider', r.provider, draw.rng.provider],
    ['certified', r.certified, draw.rng.certified],
    ['identity', r.identity, draw.rng.identity],
    ['byteCount', r.byteCount, bytes.length],
    ['call sizes', r.callBytes.join(','), draw.rngCalls.map((c) => c.byteCount).join(',')],
    ['bytesSha256', r.bytesSha256, createHash('sha256').update(bytes).digest('hex')],
  ];
  const differences = expected
    .filter(([, journaled, drawn]) => journaled !== drawn)
    .map(([what, journaled, drawn]) => `${what} ${String(journaled)} requested, ${String(drawn)} drawn`);
  if (differences.length === 0) return [];
  return [
    `${name} is not what its RNG request ${r.requestId} (entry ${request.seq}) served: ${differences.join(', ')}`,
  ];
}
