// Builds a synthetic journal of sales, voids, seals and draws, entry by entry, the way the service
// would write it: seals are computed INDEPENDENTLY of normaliseTickets (number by number), draws by
// the live pickWinners with deterministic bytes. Entries are chained with the ledger core.

import { createHash } from 'node:crypto';
import {
  chainEntries,
  CompactRange,
  type EntryDraft,
  type JournalEntry,
  type JsonObject,
  signCheckpoint,
  timeExtension,
  toHex,
  ZERO_HASH,
} from '../../../ledger/core/index.js';
import { testKeys, TEST_ORIGIN } from '../../../ledger/core/testing/journal-fixtures.js';
import { DRAW_ALGORITHM, SEAL_ALGORITHM, SEAL_ALGORITHM_DEVICE_TIME } from '../draw-algorithm.js';
import {
  DRAW_REDRAWN,
  DRAW_RESULT,
  DRAW_SEALED,
  type DrawRedrawnPayload,
  type DrawResultPayload,
  type DrawSealedPayload,
  type Exclusion,
} from '../draw-entries.js';
import { pickWinners } from '../pick-winners.js';
import { RNG_REQUEST, RNG_REQUEST_ABANDONED } from '../rng-request.js';
import { SealedRanges } from '../sealed-ranges.js';
import { type SealedSet, sealSet } from '../sealed-set.js';
import { seededBytes } from './seeded-bytes.js';
import { SOLD_TYPE, VOIDED_TYPE } from './sample-sales-mapping.js';

const BASE_TIME = Date.parse('2026-11-23T08:00:00.000Z');

interface Sale {
  seq: number;
  orderId: string;
  raffleId: string;
  first: number;
  last: number;
  /** A sale recorded at a device (offline POS): the time it recorded, epoch ms. */
  deviceSoldAt?: number;
}

export class DrawJournalBuilder {
  readonly drafts: EntryDraft[] = [];
  private readonly sales: Sale[] = [];
  private readonly voids: { seq: number; orderId: string }[] = [];
  readonly sets = new Map<string, { set: SealedSet; payload: DrawSealedPayload }>();
  readonly results = new Map<string, DrawResultPayload>();
  private orderCount = 0;

  get size(): number {
    return this.drafts.length;
  }

  private add(type: string, subject: string | null, payload: object): number {
    const time = new Date(BASE_TIME + this.drafts.length * 1000).toISOString();
    this.drafts.push({ type, subject, payload: payload as JsonObject, time });
    return this.drafts.length - 1;
  }

  /** A sale; with `deviceSoldAt`, one recorded at a device then (offline POS) and uploaded now. */
  sell(raffleId: string, first: number, last: number, deviceSoldAt?: string): string {
    const orderId = `ord_${++this.orderCount}`;
    const seq = this.add(SOLD_TYPE, `raffle/${raffleId}`, {
      orderId,
      raffleId,
      first,
      last,
      priceMinor: 1000,
      ...(deviceSoldAt === undefined ? {} : { channel: 'POS_OFFLINE', soldAt: deviceSoldAt }),
    });
    this.sales.push({
      seq,
      orderId,
      raffleId,
      first,
      last,
      ...(deviceSoldAt === undefined ? {} : { deviceSoldAt: Date.parse(deviceSoldAt) }),
    });
    return orderId;
  }

  /** The time of the entry that will be journaled at `seq` (entries are a second apart). */
  timeAt(seq: number): string {
    return new Date(BASE_TIME + seq * 1000).toISOString();
  }

  voidOrder(orderId: string): void {
    const sale = this.sales.find((s) => s.orderId === orderId)!;
    const seq = this.add(VOIDED_TYPE, `raffle/${sale.raffleId}`, {
      orderId,
      raffleId: sale.raffleId,
      reason: 'refund',
    });
    this.voids.push({ seq, orderId });
  }

  noise(): void {
    this.add('AUDIT_EVENT', null, { action: 'LOGIN', actor: 'operator' });
  }

  /** The journal root at a size (computed from the entries as chained so far). */
  rootAt(size: number): Buffer {
    const entries = this.entries();
    return CompactRange.fromLeafHashes(entries.slice(0, size).map((e) => Buffer.from(e.hash, 'hex'))).root();
  }

  /**
   * Seals a raffle's set: sales at seq < cutoff, minus voids at seq < ledgerSize, computed number by
   * number. Defaults: both sizes are the current journal size (a main draw after sales closed).
   */
  seal(options: {
    raffleId: string;
    sealId: string;
    prizeIds: string[];
    cutoff?: number;
    ledgerSize?: number;
    signed?: boolean;
    /** fairdraw-seal-v2: sales recorded at a device before the cut-off time are in, uploaded later too. */
    deviceTime?: boolean;
  }): DrawSealedPayload {
    const ledgerSize = options.ledgerSize ?? this.size;
    const cutoff = options.cutoff ?? ledgerSize;
    const cutoffTime = BASE_TIME + cutoff * 1000 - 1;
    const eligible = new Set<number>();
    for (const s of this.sales) {
      const late =
        options.deviceTime === true &&
        s.deviceSoldAt !== undefined &&
        s.deviceSoldAt < cutoffTime &&
        s.seq < ledgerSize;
      if (s.raffleId === options.raffleId && (s.seq < cutoff || late))
        for (let t = s.first; t <= s.last; t++) eligible.add(t);
    }
    for (const v of this.voids) {
      const s = this.sales.find((x) => x.orderId === v.orderId)!;
      if (s.raffleId === options.raffleId && v.seq < ledgerSize)
        for (let t = s.first; t <= s.last; t++) eligible.delete(t);
    }
    const sorted = [...eligible].sort((a, b) => a - b);
    const ranges: { first: number; last: number; offset: number }[] = [];
    sorted.forEach((t, i) => {
      const last = ranges[ranges.length - 1];
      if (last !== undefined && last.last === t - 1) last.last = t;
      else ranges.push({ first: t, last: t, offset: i });
    });
    const set = sealSet(SealedRanges.fromRanges(ranges));
    const rootHash = this.rootAt(ledgerSize);
    const time = new Date(BASE_TIME + this.drafts.length * 1000).toISOString();
    const checkpoint = options.signed
      ? signCheckpoint(
          { origin: TEST_ORIGIN, size: ledgerSize, rootHash, extensions: [timeExtension(time)] },
          [testKeys().signer],
        )
      : null;
    const payload: DrawSealedPayload = {
      raffleId: options.raffleId,
      sealId: options.sealId,
      prizeIds: options.prizeIds,
      algorithm: options.deviceTime ? SEAL_ALGORITHM_DEVICE_TIME : SEAL_ALGORITHM,
      cutoff: { treeSize: cutoff, time: new Date(cutoffTime).toISOString() },
      salesClosed: options.cutoff === undefined,
      ledger: { treeSize: ledgerSize, rootHash: toHex(rootHash), checkpoint },
      ...set.commitment,
    };
    this.add(DRAW_SEALED, `raffle/${options.raffleId}`, payload);
    this.sets.set(options.sealId, { set, payload });
    return payload;
  }

  async draw(options: {
    sealId: string;
    prizeId: string;
    drawId: string;
    k?: number;
    repeats?: boolean;
    exclusion?: Exclusion;
    excluded?: number[];
    seed?: string;
    /** The RNG_REQUEST names the draw it is for (`draw`), as requests committed before their draw do. */
    bound?: boolean;
    /** Use this journaled request (see `request`) instead of journaling one. */
    requestId?: string;
  }): Promise<DrawResultPayload> {
    const payload = await this.drawPayload(options);
    this.add(DRAW_RESULT, `raffle/${payload.raffleId}`, payload);
    this.results.set(payload.drawId, payload);
    return payload;
  }

  async redraw(options: {
    sealId: string;
    prizeId: string;
    drawId: string;
    replaces: { drawId: string; ticket: number; reason: string };
    exclusion?: Exclusion;
    excluded: number[];
    bound?: boolean;
  }): Promise<DrawRedrawnPayload> {
    const payload: DrawRedrawnPayload = {
      ...(await this.drawPayload({ ...options, k: 1 })),
      replaces: options.replaces,
    };
    this.add(DRAW_REDRAWN, `raffle/${payload.raffleId}`, payload);
    return payload;
  }

  private async drawPayload(options: {
    sealId: string;
    prizeId: string;
    drawId: string;
    k?: number;
    repeats?: boolean;
    exclusion?: Exclusion;
    excluded?: number[];
    seed?: string;
    bound?: boolean;
    requestId?: string;
    replaces?: { drawId: string; ticket: number };
  }): Promise<DrawResultPayload> {
    const { set, payload: seal } = this.sets.get(options.sealId)!;
    const k = options.k ?? 1;
    const repeats = options.repeats ?? false;
    const excluded = [...(options.excluded ?? [])].sort((a, b) => a - b);
    const picked = await pickWinners({
      ranges: set.ranges,
      k,
      repeats,
      excluded,
      source: seededBytes(options.seed ?? options.drawId),
    });
    const rng = { provider: 'os', certified: false, identity: 'os:node-crypto' };
    // The RNG module journals its request in the draw's transaction, before the draw entry.
    const rngRequestId = k === 0 ? null : (options.requestId ?? `rng_${options.drawId}`);
    if (rngRequestId !== null && options.requestId === undefined) {
      const bytes = Buffer.from(picked.rngCalls.map((c) => c.bytes).join(''), 'hex');
      this.add(RNG_REQUEST, `raffle/${seal.raffleId}`, {
        requestId: rngRequestId,
        purpose: 'draw',
        subject: `raffle/${seal.raffleId}`,
        ...rng,
        state: 'healthy',
        algorithm: 'fairdraw-rejection-v1',
        k,
        n: set.count - excluded.length,
        repeats,
        byteCount: bytes.length,
        calls: picked.rngCalls.map((c) => ({ bytes: c.byteCount, at: new Date(BASE_TIME).toISOString() })),
        bytesSha256: createHash('sha256').update(bytes).digest('hex'),
        ...(options.bound
          ? {
              draw: {
                prizeId: options.prizeId,
                drawId: options.drawId,
                replaces:
                  options.replaces === undefined
                    ? null
                    : { drawId: options.replaces.drawId, ticket: options.replaces.ticket },
              },
            }
          : {}),
      });
    }
    return {
      raffleId: seal.raffleId,
      prizeId: options.prizeId,
      sealId: options.sealId,
      drawId: options.drawId,
      algorithm: DRAW_ALGORITHM,
      sealed: set.commitment,
      rng,
      rngRequestId,
      rngCalls: picked.rngCalls,
      k,
      repeats,
      exclusion: options.exclusion ?? 'seal',
      excluded,
      positions: picked.positions,
      tickets: picked.tickets,
      drawnAt: new Date(BASE_TIME + this.drafts.length * 1000).toISOString(),
    };
  }

  /**
   * Journals a draw's bound RNG request (`rng_<drawId>` unless `requestId`) without the draw, as a
   * process killed after the request's commit leaves it; returns the draw its bytes give.
   */
  async request(options: {
    sealId: string;
    prizeId: string;
    drawId: string;
    excluded?: number[];
    exclusion?: Exclusion;
    seed?: string;
  }): Promise<DrawResultPayload> {
    return this.drawPayload({ ...options, bound: true });
  }

  /** Journals the draw of `payload` (from `request`), using the request journaled then. */
  drawWith(payload: DrawResultPayload): void {
    this.add(DRAW_RESULT, `raffle/${payload.raffleId}`, payload);
    this.results.set(payload.drawId, payload);
  }

  abandon(raffleId: string, requestId: string, prizeId: string, drawId: string, reason: string): void {
    this.add(RNG_REQUEST_ABANDONED, `raffle/${raffleId}`, {
      requestId,
      prizeId,
      drawId,
      reason,
      abandonedAt: new Date(BASE_TIME + this.drafts.length * 1000).toISOString(),
    });
  }

  entries(drafts: readonly EntryDraft[] = this.drafts): JournalEntry[] {
    return chainEntries(ZERO_HASH, 0, drafts);
  }
}
