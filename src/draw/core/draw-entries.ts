// The journal entries of the draw module (docs/draws.md section 5): their types, payload shapes,
// strict readers (for the verifier) and draft builders (for the service). A payload is read exactly:
// no member may be missing or extra, so every implementation reads the same record.

import { type JsonObject } from '../../ledger/core/index.js';
import { DRAW_ALGORITHM } from './draw-algorithm.js';
import { DrawFormatError } from './draw-format-error.js';
import {
  readArray,
  readBoolean,
  readCount,
  readHash,
  readObject,
  readString,
  readTicket,
  readTime,
} from './json-fields.js';
import { readRngCalls, type RngCallRecord } from './rng-calls.js';
import { readSetCommitment, type SetCommitment } from './set-commitment.js';

export const DRAW_SEALED = 'DRAW_SEALED';
export const DRAW_RESULT = 'DRAW_RESULT';
export const DRAW_REDRAWN = 'DRAW_REDRAWN';

/** Which earlier winners a draw leaves out of its pool (docs/draws.md section 4.3). */
export type Exclusion = 'none' | 'seal' | 'raffle';
export const EXCLUSIONS: readonly Exclusion[] = ['none', 'seal', 'raffle'];

export interface DrawSealedPayload {
  raffleId: string;
  sealId: string;
  /** The prizes drawn from this set (e.g. the main prize and the consolation prizes). */
  prizeIds: string[];
  algorithm: string;
  /** Sales journaled at seq < treeSize are in; `time` is the cut-off instant of the rules. */
  cutoff: { treeSize: number; time: string };
  /**
   * True for the seal made when the raffle's sales closed (the main draw): any sale of the raffle
   * journaled at or after cutoff.treeSize is then a number left out of every draw (DRAW-2), and is
   * reported. False for an early-bird seal, after which sales go on.
   */
  salesClosed: boolean;
  /**
   * The journal as the seal saw it: voids journaled at seq < treeSize are out; rootHash is the RFC
   * 9162 root of the journal's first treeSize entries, and checkpoint the signed C2SP checkpoint of that
   * size (or null if none was signed).
   */
  ledger: { treeSize: number; rootHash: string; checkpoint: string | null };
  count: number;
  rangeCount: number;
  root: string;
}

export interface RngIdentity {
  /** 'pkcs11', 'kms', 'os', ... */
  provider: string;
  /** True only for a certified hardware source. */
  certified: boolean;
  /** The source's identity, e.g. a PKCS#11 token URI. */
  identity: string;
}

export interface DrawResultPayload {
  raffleId: string;
  prizeId: string;
  sealId: string;
  drawId: string;
  algorithm: string;
  /** The seal's commitment, repeated so that the record stands on its own. */
  sealed: SetCommitment;
  rng: RngIdentity;
  /**
   * The requestId of the RNG_REQUEST entry journaled for this draw, before it, in its transaction; null
   * when the draw asked the RNG for nothing (k = 0).
   */
  rngRequestId: string | null;
  rngCalls: RngCallRecord[];
  k: number;
  repeats: boolean;
  exclusion: Exclusion;
  /** Tickets left out of the pool, ascending. */
  excluded: number[];
  /** Pool positions drawn, in prize order. */
  positions: number[];
  /** Winning tickets, in prize order. */
  tickets: number[];
  drawnAt: string;
}

export interface DrawRedrawnPayload extends DrawResultPayload {
  /** The winner this draw replaces: of draw `drawId`, ticket `ticket`, for `reason`. */
  replaces: { drawId: string; ticket: number; reason: string };
}

/** A draw as the recomputation sees it: a first draw of a prize, or a redraw of one of its winners. */
export type DrawRecord =
  { kind: 'result'; payload: DrawResultPayload } | { kind: 'redraw'; payload: DrawRedrawnPayload };

function readAscendingTickets(value: unknown, field: string): number[] {
  const tickets = readArray(value, field, readTicket);
  tickets.forEach((t, i) => {
    if (i > 0 && t <= tickets[i - 1]) throw new DrawFormatError(field, 'must be strictly ascending');
  });
  return tickets;
}

export function readDrawSealed(payload: unknown): DrawSealedPayload {
  const o = readObject(payload, 'payload', [
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
  const cutoff = readObject(o.cutoff, 'payload.cutoff', ['treeSize', 'time']);
  const ledger = readObject(o.ledger, 'payload.ledger', ['treeSize', 'rootHash', 'checkpoint']);
  const prizeIds = readArray(o.prizeIds, 'payload.prizeIds', (v, f) => readString(v, f));
  if (prizeIds.length === 0 || new Set(prizeIds).size !== prizeIds.length) {
    throw new DrawFormatError('payload.prizeIds', 'must list at least one prize, each once');
  }
  const commitment = readSetCommitment({ count: o.count, rangeCount: o.rangeCount, root: o.root }, 'payload');
  const sealed: DrawSealedPayload = {
    raffleId: readString(o.raffleId, 'payload.raffleId'),
    sealId: readString(o.sealId, 'payload.sealId'),
    prizeIds,
    algorithm: readString(o.algorithm, 'payload.algorithm', 1024),
    cutoff: {
      treeSize: readCount(cutoff.treeSize, 'payload.cutoff.treeSize'),
      time: readTime(cutoff.time, 'payload.cutoff.time'),
    },
    salesClosed: readBoolean(o.salesClosed, 'payload.salesClosed'),
    ledger: {
      treeSize: readCount(ledger.treeSize, 'payload.ledger.treeSize'),
      rootHash: readHash(ledger.rootHash, 'payload.ledger.rootHash'),
      checkpoint:
        ledger.checkpoint === null ? null : readString(ledger.checkpoint, 'payload.ledger.checkpoint', 65536),
    },
    ...commitment,
  };
  if (sealed.cutoff.treeSize > sealed.ledger.treeSize) {
    throw new DrawFormatError('payload.cutoff.treeSize', 'must not exceed payload.ledger.treeSize');
  }
  return sealed;
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
] as const;

function readResultFields(o: Record<string, unknown>): DrawResultPayload {
  const rng = readObject(o.rng, 'payload.rng', ['provider', 'certified', 'identity']);
  if (typeof o.exclusion !== 'string' || !EXCLUSIONS.includes(o.exclusion as Exclusion)) {
    throw new DrawFormatError('payload.exclusion', `must be one of ${EXCLUSIONS.join(', ')}`);
  }
  const result: DrawResultPayload = {
    raffleId: readString(o.raffleId, 'payload.raffleId'),
    prizeId: readString(o.prizeId, 'payload.prizeId'),
    sealId: readString(o.sealId, 'payload.sealId'),
    drawId: readString(o.drawId, 'payload.drawId'),
    algorithm: readString(o.algorithm, 'payload.algorithm', 1024),
    sealed: readSetCommitment(o.sealed, 'payload.sealed'),
    rng: {
      provider: readString(rng.provider, 'payload.rng.provider'),
      certified: readBoolean(rng.certified, 'payload.rng.certified'),
      identity: readString(rng.identity, 'payload.rng.identity', 1024),
    },
    rngRequestId: o.rngRequestId === null ? null : readString(o.rngRequestId, 'payload.rngRequestId'),
    rngCalls: readRngCalls(o.rngCalls, 'payload.rngCalls'),
    k: readCount(o.k, 'payload.k'),
    repeats: readBoolean(o.repeats, 'payload.repeats'),
    exclusion: o.exclusion as Exclusion,
    excluded: readAscendingTickets(o.excluded, 'payload.excluded'),
    positions: readArray(o.positions, 'payload.positions', readCount),
    tickets: readArray(o.tickets, 'payload.tickets', readTicket),
    drawnAt: readTime(o.drawnAt, 'payload.drawnAt'),
  };
  if (result.positions.length !== result.k || result.tickets.length !== result.k) {
    throw new DrawFormatError('payload', `k is ${result.k}: positions and tickets must list k winners each`);
  }
  if ((result.k === 0) !== (result.rngRequestId === null)) {
    throw new DrawFormatError(
      'payload.rngRequestId',
      'must name the RNG request of a draw with winners, and be null for a draw of none (k = 0)',
    );
  }
  return result;
}

export function readDrawResult(payload: unknown): DrawResultPayload {
  return readResultFields(readObject(payload, 'payload', RESULT_FIELDS));
}

export function readDrawRedrawn(payload: unknown): DrawRedrawnPayload {
  const o = readObject(payload, 'payload', [...RESULT_FIELDS, 'replaces']);
  const result = readResultFields(o);
  const replaces = readObject(o.replaces, 'payload.replaces', ['drawId', 'ticket', 'reason']);
  if (result.k !== 1) throw new DrawFormatError('payload.k', 'a redraw replaces one winner: k must be 1');
  return {
    ...result,
    replaces: {
      drawId: readString(replaces.drawId, 'payload.replaces.drawId'),
      ticket: readTicket(replaces.ticket, 'payload.replaces.ticket'),
      reason: readString(replaces.reason, 'payload.replaces.reason', 1024),
    },
  };
}

/** The random a live draw used, as its committed RNG request gives it back. */
export interface DrawRandom {
  drawId: string;
  /** The RNG_REQUEST entry's requestId; null when the draw asked the RNG for nothing (k = 0). */
  requestId: string | null;
  calls: RngCallRecord[];
  rng: RngIdentity;
}

/** What a live draw of one prize made: the seal it drew from, its random, its pool and its winners. */
export interface LiveDrawOutcome {
  raffleId: string;
  prizeId: string;
  sealId: string;
  sealed: SetCommitment;
  random: DrawRandom;
  selection: { k: number; exclusion: Exclusion; excluded: number[] };
  winners: { positions: number[]; tickets: number[] };
  drawnAt: Date;
}

/**
 * The DRAW_RESULT payload of a live draw, which is also all of a DRAW_REDRAWN payload but its
 * `replaces` (added last). One builder for both, so that a draw and a redraw journal the same members
 * in the same order. The service draws by DRAW_ALGORITHM only, and never with repeats.
 */
export function liveDrawPayload(outcome: LiveDrawOutcome): DrawResultPayload {
  const { random, selection, winners } = outcome;
  return {
    raffleId: outcome.raffleId,
    prizeId: outcome.prizeId,
    sealId: outcome.sealId,
    drawId: random.drawId,
    algorithm: DRAW_ALGORITHM,
    sealed: outcome.sealed,
    rng: random.rng,
    rngRequestId: random.requestId,
    rngCalls: random.calls,
    k: selection.k,
    repeats: false,
    exclusion: selection.exclusion,
    excluded: selection.excluded,
    positions: winners.positions,
    tickets: winners.tickets,
    drawnAt: outcome.drawnAt.toISOString(),
  };
}

/** What the service hands the ledger (LedgerDraft): type, subject and payload. */
export interface DrawEntryDraft {
  type: string;
  subject: string;
  payload: JsonObject;
}

/** The journal subject of a raffle's entries, as the raffle module writes it. */
export function raffleEntrySubject(raffleId: string): string {
  return `raffle/${raffleId}`;
}

/**
 * Who recorded it, from which address, in which request (docs/audit.md 1.3). Optional so that
 * entries journaled before origins were recorded still read.
 */
export interface RecordedOrigin {
  actor?: JsonObject;
  source?: string | null;
  requestId?: string | null;
}

/**
 * A raffle's entry of `type`, its payload read back with the type's reader first so that the service
 * never journals a malformed one; `origin`'s members (who, from where) follow the payload's.
 */
export function checkedRaffleEntry<P extends { raffleId: string }>(
  type: string,
  read: (payload: unknown) => unknown,
  payload: P,
  origin: RecordedOrigin = {},
): DrawEntryDraft {
  read(payload);
  return {
    type,
    subject: raffleEntrySubject(payload.raffleId),
    payload: { ...(payload as unknown as JsonObject), ...origin } as JsonObject,
  };
}

export const drawSealedDraft = (payload: DrawSealedPayload): DrawEntryDraft =>
  checkedRaffleEntry(DRAW_SEALED, readDrawSealed, payload);

export const drawResultDraft = (payload: DrawResultPayload): DrawEntryDraft =>
  checkedRaffleEntry(DRAW_RESULT, readDrawResult, payload);

export const drawRedrawnDraft = (payload: DrawRedrawnPayload): DrawEntryDraft =>
  checkedRaffleEntry(DRAW_REDRAWN, readDrawRedrawn, payload);
