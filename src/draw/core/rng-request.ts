// The binding of a draw's random bytes to the RNG_REQUEST entry the RNG module journaled for it
// (docs/rng.md section 10.4, docs/draws.md section 7): without it, a forged DRAW_RESULT whose other
// bytes replay coherently to another winner would pass the replay. The RNG_REQUEST names the request,
// its provider, k, n and the byte count of each provider call, and the SHA-256 of all the bytes; the
// draw journals the bytes themselves and the request's id.

import { createHash } from 'node:crypto';
import type { DrawResultPayload } from './draw-entries.js';
import { DrawFormatError } from './draw-format-error.js';
import {
  readArray,
  readBoolean,
  readCount,
  readHash,
  readObject,
  readString,
  readTicket,
} from './json-fields.js';

export const RNG_REQUEST = 'RNG_REQUEST';
/** A draw's request given up without a draw (its pool changed before the draw): docs/draws.md 7. */
export const RNG_REQUEST_ABANDONED = 'RNG_REQUEST_ABANDONED';

/**
 * What a draw's request is for, journaled (as `draw`) by requests committed before their draw: the
 * prize, the id the draw takes, and for a redraw the winner it replaces (null for a prize's result).
 */
export interface RngRequestDrawBinding {
  prizeId: string;
  drawId: string;
  replaces: { drawId: string; ticket: number } | null;
}

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
  /** The draw the request is for; absent on requests journaled in their draw's transaction (before). */
  draw?: RngRequestDrawBinding;
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

/**
 * Reads an RNG_REQUEST payload (docs/rng.md 10.4; `state`, the RNG's state then, is allowed, and
 * `draw`, the draw it is for).
 */
export function readRngRequest(payload: unknown): RngRequestRecord {
  const o = readObject(payload, 'payload', RNG_REQUEST_FIELDS, ['state', 'draw']);
  return {
    ...(o.draw === undefined ? {} : { draw: readDrawBinding(o.draw, 'payload.draw') }),
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

function readDrawBinding(value: unknown, field: string): RngRequestDrawBinding {
  const o = readObject(value, field, ['prizeId', 'drawId', 'replaces']);
  let replaces: RngRequestDrawBinding['replaces'] = null;
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

/** An RNG_REQUEST_ABANDONED payload: the request, its prize and reserved draw id, why and when. */
export interface RngRequestAbandonment {
  requestId: string;
  prizeId: string;
  drawId: string;
  reason: string;
  abandonedAt: string;
}

export function readRngRequestAbandoned(payload: unknown): RngRequestAbandonment {
  const o = readObject(payload, 'payload', ['requestId', 'prizeId', 'drawId', 'reason', 'abandonedAt']);
  const abandonedAt = readString(o.abandonedAt, 'payload.abandonedAt');
  if (Number.isNaN(Date.parse(abandonedAt)))
    throw new DrawFormatError('payload.abandonedAt', 'must be a time');
  return {
    requestId: readString(o.requestId, 'payload.requestId'),
    prizeId: readString(o.prizeId, 'payload.prizeId'),
    drawId: readString(o.drawId, 'payload.drawId'),
    reason: readString(o.reason, 'payload.reason', 1024),
    abandonedAt,
  };
}

/** The key of the draw a bound request is for: one pending request per key at a time. */
export function drawBindingKey(raffleSubject: string, binding: RngRequestDrawBinding): string {
  const replaces =
    binding.replaces === null ? '' : ` replacing ${binding.replaces.ticket} of ${binding.replaces.drawId}`;
  return `${raffleSubject} prize ${binding.prizeId}${replaces}`;
}

/** A journaled RNG request and where: its seq, the draw that used it, if any, or its abandonment. */
export interface JournaledRngRequest {
  record: RngRequestRecord;
  seq: number;
  usedBy?: string;
  abandoned?: { seq: number; reason: string };
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
  if (request.abandoned !== undefined) {
    return [
      `${name}: RNG request ${draw.rngRequestId} was abandoned at entry ${request.abandoned.seq} (${request.abandoned.reason})`,
    ];
  }
  const r = request.record;
  const forOther = bindingDifferences(draw, r.draw);
  if (forOther.length > 0) {
    return [
      `${name} uses RNG request ${r.requestId} (entry ${request.seq}), journaled for another draw: ${forOther.join(', ')}`,
    ];
  }
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

/** How the draw differs from the draw its request was journaled for (none for a request without `draw`). */
function bindingDifferences(
  draw: DrawResultPayload & { replaces?: { drawId: string; ticket: number } },
  binding: RngRequestDrawBinding | undefined,
): string[] {
  if (binding === undefined) return [];
  const replaces =
    draw.replaces === undefined ? null : { drawId: draw.replaces.drawId, ticket: draw.replaces.ticket };
  const expected: Array<[string, unknown, unknown]> = [
    ['prize', binding.prizeId, draw.prizeId],
    ['draw id', binding.drawId, draw.drawId],
    ['replaces', JSON.stringify(binding.replaces), JSON.stringify(replaces)],
  ];
  return expected
    .filter(([, requested, drawn]) => requested !== drawn)
    .map(([what, requested, drawn]) => `${what} ${String(requested)} requested, ${String(drawn)} drawn`);
}
