// What the journal says about one raffle: the figures every report states, recomputed from the
// raffle's journal entries alone (subject `raffle/<id>`), in seq order. Plain TypeScript, no NestJS:
// the report service folds the entries it reads through LedgerService, and the offline verifier
// folds the entries of an export, so both arrive at the same figures from the same bytes.
//
// Entry payloads read here are those of src/raffle, src/ticket and src/payment (docs/sales.md) and
// src/draw/core (docs/draws.md section 5). A payload this fold cannot read is counted in `unread`
// with its seq, never silently skipped.

import type { JournalEntry } from '../../ledger/core/entry.js';
import { PRIZE_CLAIMED, WINNER_CONTACT_ATTEMPTED } from '../../draw/core/claim-entries.js';
import { DRAW_REDRAWN, DRAW_RESULT, DRAW_SEALED } from '../../draw/core/draw-entries.js';
import { fiftyFiftyPrize } from '../../draw/core/fifty-fifty-prize.js';

/** Orders, tickets and money (integer minor units) of one group of sales or voids. */
export interface Tally {
  orders: number;
  tickets: number;
  amountMinor: number;
}

export interface Period {
  /** Inclusive, UTC ISO-8601. */
  from?: string;
  /** Exclusive, UTC ISO-8601. */
  to?: string;
}

export interface RaffleRulesSeen {
  licenseNumber: string;
  name: string;
  type: string;
  currency: string;
  jurisdiction: string;
  prizeShareBps: number | null;
  seedMinor: number;
  maxTickets: number;
  packages: Array<{ id: string; tickets: number; priceMinor: number; label: string | null }>;
  prizes: Array<{ id: string; name: string; kind: string; amountMinor: number | null }>;
  claimDeadlineDays: number | null;
  salesOpenAt: string;
  salesCloseAt: string;
}

export interface LifecycleStep {
  seq: number;
  status: string;
  at: string;
  by: string;
  reason: string | null;
}

export interface SellerTally extends Tally {
  sellerId: string;
  deviceId: string | null;
  channel: string;
  provider: string;
  voided: Tally;
}

export interface VoidRecord {
  seq: number;
  time: string;
  kind: 'order' | 'cancellation';
  orderId: string | null;
  first: number | null;
  last: number | null;
  tickets: number;
  orders: number;
  amountMinor: number;
  reason: string;
  by: string;
}

export interface RefundRecord {
  seq: number;
  time: string;
  event: 'REQUESTED' | 'COMPLETED' | 'FAILED';
  refundId: string;
  orderId: string;
  provider: string;
  amountMinor: number | null;
  reason: string | null;
}

export interface DrawRecordSeen {
  seq: number;
  kind: 'result' | 'redraw';
  drawId: string;
  prizeId: string;
  sealId: string;
  tickets: number[];
  drawnAt: string;
  rngProvider: string;
  rngCertified: boolean;
  replaces: { drawId: string; ticket: number; reason: string } | null;
}

/** The prize a draw awarded, as the service journaled it (DRAW_PRIZE, docs/draws.md 5.4). */
export interface PrizeAwarded {
  seq: number;
  drawId: string;
  prizeId: string;
  amountMinor: number | null;
  basis: string;
  paidTotalMinor: number | null;
}

/** A prize claim as journaled (PRIZE_CLAIMED, docs/draws.md section 13): no personal data. */
export interface ClaimSeen {
  seq: number;
  claimId: string;
  drawId: string;
  prizeId: string;
  ticket: number;
  amountMinor: number | null;
  paymentMethod: string;
  claimedAt: string;
}

/** An attempt to contact a winner as journaled (WINNER_CONTACT_ATTEMPTED). */
export interface ContactAttemptSeen {
  seq: number;
  drawId: string;
  prizeId: string;
  ticket: number;
  channel: string;
  outcome: string;
  attemptedAt: string;
}

export interface SealSeen {
  seq: number;
  sealId: string;
  prizeIds: string[];
  count: number;
  root: string;
  ledgerTreeSize: number;
}

export interface NumberStatus {
  /** Highest number handed out (to an order or a block); every number 1..issued is accounted for. */
  issued: number;
  sold: number;
  voided: number;
  reserved: number;
  returned: number;
}

export interface RefundTotals {
  requested: { count: number; amountMinor: number };
  completed: { count: number; amountMinor: number };
  failed: { count: number; amountMinor: number };
}

export interface RaffleJournalTotals {
  raffleId: string;
  /** Entries of the raffle folded (all of them, whatever the period). */
  entries: number;
  lastSeq: number | null;
  period: Period;
  rules: RaffleRulesSeen | null;
  lifecycle: LifecycleStep[];
  /** Sales in the period (by the sale's own time). */
  sales: Tally;
  salesByPackage: Array<Tally & { packageId: string }>;
  salesByChannel: Array<Tally & { channel: string }>;
  /** Voids journaled in the period (a cancellation's summary included). */
  voids: Tally;
  /** sales - voids of the period. */
  net: Tally;
  refunds: RefundTotals;
  /** Holds for online payment placed and released (no numbers; for the sales report). */
  holds: { placed: number; cancelled: number };
  /** The whole raffle as of the last entry folded (not limited to the period): RPT-3. */
  numbers: NumberStatus;
  /** Paid, not voided sales of the whole raffle, and the 50/50 split of that total. */
  paidTotalMinor: number;
  paidOrders: number;
  split: { prizeMinor: number; charityMinor: number; seedMinor: number; shareBps: number } | null;
  seals: SealSeen[];
  draws: DrawRecordSeen[];
  prizesAwarded: PrizeAwarded[];
  claims: ClaimSeen[];
  contactAttempts: ContactAttemptSeen[];
  /** Entries whose payload could not be read as documented: located, so a reader can look. */
  unread: Array<{ seq: number; type: string; message: string }>;
}

export interface FoldOptions {
  period?: Period;
  /** Tallies per seller, device, channel and payment provider (keeps one small record per order). */
  bySeller?: boolean;
  /** Keep each void and refund event (for the voids and refunds report). */
  keepVoidsAndRefunds?: boolean;
}

const RAFFLE_STATUS_OF: Record<string, string> = {
  RAFFLE_CREATED: 'DRAFT',
  RAFFLE_OPENED: 'OPEN',
  RAFFLE_CLOSED: 'CLOSED',
  RAFFLE_DRAWN: 'DRAWN',
  RAFFLE_SETTLED: 'SETTLED',
  RAFFLE_CANCELLED: 'CANCELLED',
};

export class UnreadablePayload extends Error {}

/** Folds the journal entries of one raffle, in seq order, into the figures its reports state. */
export class RaffleJournalFold {
  private readonly period: Period;
  private readonly fromMs: number;
  private readonly toMs: number;
  private entries = 0;
  private lastSeq: number | null = null;
  private rules: RaffleRulesSeen | null = null;
  private readonly lifecycle: LifecycleStep[] = [];
  private readonly sales = tally();
  private readonly voids = tally();
  private readonly byPackage = new Map<string, Tally>();
  private readonly byChannel = new Map<string, Tally>();
  private readonly bySeller = new Map<string, SellerTally>();
  /** Order id -> its seller group, only with bySeller (a void names the order, not the seller). */
  private readonly orderSeller = new Map<
    string,
    { group: SellerTally; tickets: number; priceMinor: number }
  >();
  private readonly refunds: RefundTotals = {
    requested: { count: 0, amountMinor: 0 },
    completed: { count: 0, amountMinor: 0 },
    failed: { count: 0, amountMinor: 0 },
  };
  /** Refund amounts by id, so a FAILED refund (whose entry has no amount) is still counted in money. */
  private readonly refundAmounts = new Map<string, number>();
  private readonly holds = { placed: 0, cancelled: 0 };
  private readonly numbers: NumberStatus = { issued: 0, sold: 0, voided: 0, reserved: 0, returned: 0 };
  private paidTotalMinor = 0;
  private paidOrders = 0;
  private readonly seals: SealSeen[] = [];
  private readonly draws: DrawRecordSeen[] = [];
  private readonly prizesAwarded: PrizeAwarded[] = [];
  private readonly claims: ClaimSeen[] = [];
  private readonly contactAttempts: ContactAttemptSeen[] = [];
  private readonly unread: RaffleJournalTotals['unread'] = [];
  readonly voidRecords: VoidRecord[] = [];
  readonly refundRecords: RefundRecord[] = [];

  constructor(
    readonly raffleId: string,
    private readonly options: FoldOptions = {},
  ) {
    this.period = options.period ?? {};
    this.fromMs = this.period.from === undefined ? -Infinity : Date.parse(this.period.from);
    this.toMs = this.period.to === undefined ? Infinity : Date.parse(this.period.to);
  }

  /** The journal subject of the raffle's entries. */
  get subject(): string {
    return `raffle/${this.raffleId}`;
  }

  /** Folds one entry; entries of other subjects are ignored. Call in seq order. */
  add(entry: Readonly<JournalEntry>): void {
    if (entry.subject !== this.subject) return;
    this.entries++;
    this.lastSeq = entry.seq;
    try {
      this.apply(entry);
    } catch (error) {
      if (!(error instanceof UnreadablePayload)) throw error;
      this.unread.push({ seq: entry.seq, type: entry.type, message: error.message });
    }
  }

  private inPeriod(time: string): boolean {
    const at = Date.parse(time);
    return at >= this.fromMs && at < this.toMs;
  }

  private apply(entry: Readonly<JournalEntry>): void {
    const p = entry.payload as Record<string, unknown>;
    const status = RAFFLE_STATUS_OF[entry.type];
    if (status !== undefined) {
      this.lifecycle.push({
        seq: entry.seq,
        status,
        at: str(p, 'at', entry.time),
        by: str(p, 'by', ''),
        reason: optStr(p, 'reason'),
      });
      if (entry.type === 'RAFFLE_OPENED') this.rules = readRules(p.rules);
      return;
    }
    switch (entry.type) {
      case 'TICKETS_SOLD':
        return this.sold(p);
      case 'TICKETS_VOIDED':
        return this.voided(entry, p);
      case 'NUMBERS_RESERVED': {
        const last = int(p, 'last');
        this.numbers.reserved += int(p, 'tickets');
        this.numbers.issued = Math.max(this.numbers.issued, last);
        return;
      }
      case 'NUMBERS_RETURNED': {
        const tickets = int(p, 'tickets');
        this.numbers.reserved -= tickets;
        this.numbers.returned += tickets;
        return;
      }
      case 'ORDER_PLACED':
        if (this.inPeriod(entry.time)) this.holds.placed++;
        return;
      case 'ORDER_CANCELLED':
        if (this.inPeriod(entry.time)) this.holds.cancelled++;
        return;
      case 'REFUND_REQUESTED':
      case 'REFUND_COMPLETED':
      case 'REFUND_FAILED':
        return this.refund(entry, p);
      case DRAW_SEALED:
        this.seals.push({
          seq: entry.seq,
          sealId: str(p, 'sealId'),
          prizeIds: strings(p, 'prizeIds'),
          count: int(p, 'count'),
          root: str(p, 'root'),
          ledgerTreeSize: int(obj(p, 'ledger'), 'treeSize'),
        });
        return;
      case DRAW_RESULT:
      case DRAW_REDRAWN: {
        const rng = obj(p, 'rng');
        const replaces = entry.type === DRAW_REDRAWN ? obj(p, 'replaces') : null;
        this.draws.push({
          seq: entry.seq,
          kind: entry.type === DRAW_RESULT ? 'result' : 'redraw',
          drawId: str(p, 'drawId'),
          prizeId: str(p, 'prizeId'),
          sealId: str(p, 'sealId'),
          tickets: ints(p, 'tickets'),
          drawnAt: str(p, 'drawnAt'),
          rngProvider: str(rng, 'provider'),
          rngCertified: rng.certified === true,
          replaces: replaces
            ? {
                drawId: str(replaces, 'drawId'),
                ticket: int(replaces, 'ticket'),
                reason: str(replaces, 'reason'),
              }
            : null,
        });
        return;
      }
      case 'DRAW_PRIZE': {
        const share = p.basis === 'SHARE_OF_SALES' ? p : null;
        this.prizesAwarded.push({
          seq: entry.seq,
          drawId: str(p, 'drawId'),
          prizeId: str(p, 'prizeId'),
          amountMinor: p.amountMinor === null ? null : int(p, 'amountMinor'),
          basis: str(p, 'basis'),
          paidTotalMinor: share ? int(share, 'paidTotalMinor') : null,
        });
        return;
      }
      case PRIZE_CLAIMED:
        this.claims.push({
          seq: entry.seq,
          claimId: str(p, 'claimId'),
          drawId: str(p, 'drawId'),
          prizeId: str(p, 'prizeId'),
          ticket: int(p, 'ticket'),
          amountMinor: p.amountMinor === null ? null : int(p, 'amountMinor'),
          paymentMethod: str(p, 'paymentMethod'),
          claimedAt: str(p, 'claimedAt'),
        });
        return;
      case WINNER_CONTACT_ATTEMPTED:
        this.contactAttempts.push({
          seq: entry.seq,
          drawId: str(p, 'drawId'),
          prizeId: str(p, 'prizeId'),
          ticket: int(p, 'ticket'),
          channel: str(p, 'channel'),
          outcome: str(p, 'outcome'),
          attemptedAt: str(p, 'attemptedAt'),
        });
        return;
      default:
        return;
    }
  }

  private sold(p: Record<string, unknown>): void {
    const tickets = int(p, 'tickets');
    const price = int(p, 'priceMinor');
    const last = int(p, 'last');
    if (last - int(p, 'first') + 1 !== tickets) {
      throw new UnreadablePayload(
        `TICKETS_SOLD: range ${String(p.first)}-${last} does not hold ${tickets} tickets`,
      );
    }
    this.numbers.sold += tickets;
    if (p.blockId === null) this.numbers.issued = Math.max(this.numbers.issued, last);
    else this.numbers.reserved -= tickets;
    this.paidTotalMinor += price;
    this.paidOrders++;
    const soldAt = str(p, 'soldAt');
    if (!this.inPeriod(soldAt)) return;
    add(this.sales, tickets, price);
    const packageId = str(p, 'packageId');
    const channel = str(p, 'channel');
    add(entryOf(this.byPackage, packageId), tickets, price);
    add(entryOf(this.byChannel, channel), tickets, price);
    if (this.options.bySeller) {
      const sellerId = str(p, 'sellerId');
      const deviceId = optStr(p, 'deviceId');
      const provider = str(obj(p, 'payment'), 'provider');
      const key = JSON.stringify([sellerId, deviceId, channel, provider]);
      let group = this.bySeller.get(key);
      if (!group) {
        group = { sellerId, deviceId, channel, provider, ...tally(), voided: tally() };
        this.bySeller.set(key, group);
      }
      add(group, tickets, price);
      this.orderSeller.set(str(p, 'orderId'), { group, tickets, priceMinor: price });
    }
  }

  private voided(entry: Readonly<JournalEntry>, p: Record<string, unknown>): void {
    const byOrder = typeof p.orderId === 'string';
    const tickets = int(p, 'tickets');
    const amount = byOrder ? int(p, 'priceMinor') : int(p, 'amountMinor');
    const orders = byOrder ? 1 : int(p, 'orders');
    if (byOrder) {
      this.numbers.sold -= tickets;
      this.numbers.voided += tickets;
    } else {
      // A cancellation voids every paid order and returns every block still out (docs/sales.md).
      this.numbers.voided += this.numbers.sold;
      this.numbers.sold = 0;
      this.numbers.returned += this.numbers.reserved;
      this.numbers.reserved = 0;
    }
    this.paidTotalMinor -= amount;
    this.paidOrders -= orders;
    if (this.options.bySeller) this.voidSellerOrders(byOrder ? (p.orderId as string) : null);
    if (!this.inPeriod(entry.time)) return;
    add(this.voids, tickets, amount, orders);
    if (this.options.keepVoidsAndRefunds) {
      this.voidRecords.push({
        seq: entry.seq,
        time: entry.time,
        kind: byOrder ? 'order' : 'cancellation',
        orderId: byOrder ? (p.orderId as string) : null,
        first: byOrder ? int(p, 'first') : null,
        last: byOrder ? int(p, 'last') : null,
        tickets,
        orders,
        amountMinor: amount,
        reason: str(p, 'reason'),
        by: str(p, 'by'),
      });
    }
  }

  /**
   * Seller groups count, as voided, their orders (sold in the period) voided at any time up to the
   * digest. A cancellation's summary names no orders: it voids every order not voided before.
   */
  private voidSellerOrders(orderId: string | null): void {
    const orders = orderId === null ? [...this.orderSeller.keys()] : [orderId];
    for (const id of orders) {
      const sold = this.orderSeller.get(id);
      if (!sold) continue;
      this.orderSeller.delete(id);
      add(sold.group.voided, sold.tickets, sold.priceMinor);
    }
  }

  private refund(entry: Readonly<JournalEntry>, p: Record<string, unknown>): void {
    const refundId = str(p, 'refundId');
    const event =
      entry.type === 'REFUND_REQUESTED'
        ? 'REQUESTED'
        : entry.type === 'REFUND_COMPLETED'
          ? 'COMPLETED'
          : 'FAILED';
    const amount = event === 'FAILED' ? (this.refundAmounts.get(refundId) ?? 0) : int(p, 'amountMinor');
    if (event === 'REQUESTED') this.refundAmounts.set(refundId, amount);
    if (!this.inPeriod(entry.time)) return;
    const bucket =
      event === 'REQUESTED'
        ? this.refunds.requested
        : event === 'COMPLETED'
          ? this.refunds.completed
          : this.refunds.failed;
    bucket.count++;
    bucket.amountMinor += amount;
    if (this.options.keepVoidsAndRefunds) {
      this.refundRecords.push({
        seq: entry.seq,
        time: entry.time,
        event,
        refundId,
        orderId: str(p, 'orderId'),
        provider: str(p, 'provider'),
        amountMinor: event === 'FAILED' ? (this.refundAmounts.get(refundId) ?? null) : amount,
        reason: event === 'REQUESTED' ? str(p, 'reason') : event === 'FAILED' ? str(p, 'failure') : null,
      });
    }
  }

  /** The figures as of the entries folded so far. */
  result(): RaffleJournalTotals {
    const rules = this.rules;
    const split =
      rules && rules.prizeShareBps !== null
        ? {
            ...fiftyFiftyPrize({
              paidTotalMinor: this.paidTotalMinor,
              shareBasisPoints: rules.prizeShareBps,
            }),
            seedMinor: rules.seedMinor,
            shareBps: rules.prizeShareBps,
          }
        : null;
    return {
      raffleId: this.raffleId,
      entries: this.entries,
      lastSeq: this.lastSeq,
      period: { ...this.period },
      rules,
      lifecycle: [...this.lifecycle],
      sales: { ...this.sales },
      salesByPackage: sorted(this.byPackage).map(([packageId, t]) => ({ packageId, ...t })),
      salesByChannel: sorted(this.byChannel).map(([channel, t]) => ({ channel, ...t })),
      voids: { ...this.voids },
      net: {
        orders: this.sales.orders - this.voids.orders,
        tickets: this.sales.tickets - this.voids.tickets,
        amountMinor: this.sales.amountMinor - this.voids.amountMinor,
      },
      refunds: structuredClone(this.refunds),
      holds: { ...this.holds },
      numbers: { ...this.numbers },
      paidTotalMinor: this.paidTotalMinor,
      paidOrders: this.paidOrders,
      split: split && {
        prizeMinor: split.prizeMinor + split.seedMinor,
        charityMinor: split.charityMinor,
        seedMinor: split.seedMinor,
        shareBps: split.shareBps,
      },
      seals: [...this.seals],
      draws: [...this.draws],
      prizesAwarded: [...this.prizesAwarded],
      claims: [...this.claims],
      contactAttempts: [...this.contactAttempts],
      unread: [...this.unread],
    };
  }

  /** Sales per seller, device, channel and payment provider (needs `bySeller`), sorted. */
  sellers(): SellerTally[] {
    return [...this.bySeller.values()]
      .map((g) => ({ ...g, voided: { ...g.voided } }))
      .sort((a, b) =>
        compare(
          [a.sellerId, a.deviceId ?? '', a.channel, a.provider],
          [b.sellerId, b.deviceId ?? '', b.channel, b.provider],
        ),
      );
  }
}

/** Folds entries (any subjects) and returns the raffle's figures. */
export function foldRaffleJournal(
  raffleId: string,
  entries: Iterable<Readonly<JournalEntry>>,
  options: FoldOptions = {},
): RaffleJournalTotals {
  const fold = new RaffleJournalFold(raffleId, options);
  for (const entry of entries) fold.add(entry);
  return fold.result();
}

function tally(): Tally {
  return { orders: 0, tickets: 0, amountMinor: 0 };
}

function add(t: Tally, tickets: number, amountMinor: number, orders = 1): void {
  t.orders += orders;
  t.tickets += tickets;
  t.amountMinor += amountMinor;
}

function entryOf(map: Map<string, Tally>, key: string): Tally {
  let t = map.get(key);
  if (!t) {
    t = tally();
    map.set(key, t);
  }
  return t;
}

function sorted<T>(map: Map<string, T>): Array<[string, T]> {
  return [...map].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

function compare(a: string[], b: string[]): number {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return a[i] < b[i] ? -1 : 1;
  return 0;
}

function int(p: Record<string, unknown>, field: string): number {
  const value = p[field];
  if (!Number.isSafeInteger(value)) throw new UnreadablePayload(`${field} is not an integer`);
  return value as number;
}

function ints(p: Record<string, unknown>, field: string): number[] {
  const value = p[field];
  if (!Array.isArray(value) || !value.every((v) => Number.isSafeInteger(v)))
    throw new UnreadablePayload(`${field} is not a list of integers`);
  return value as number[];
}

function str(p: Record<string, unknown>, field: string, fallback?: string): string {
  const value = p[field];
  if (typeof value === 'string') return value;
  if (fallback !== undefined && value === undefined) return fallback;
  throw new UnreadablePayload(`${field} is not a string`);
}

function optStr(p: Record<string, unknown>, field: string): string | null {
  const value = p[field];
  if (value === undefined || value === null) return null;
  if (typeof value !== 'string') throw new UnreadablePayload(`${field} is not a string`);
  return value;
}

function strings(p: Record<string, unknown>, field: string): string[] {
  const value = p[field];
  if (!Array.isArray(value) || !value.every((v) => typeof v === 'string'))
    throw new UnreadablePayload(`${field} is not a list of strings`);
  return value as string[];
}

function obj(p: Record<string, unknown>, field: string): Record<string, unknown> {
  const value = p[field];
  if (value === null || typeof value !== 'object' || Array.isArray(value))
    throw new UnreadablePayload(`${field} is not an object`);
  return value as Record<string, unknown>;
}

function readRules(value: unknown): RaffleRulesSeen {
  if (value === null || typeof value !== 'object') throw new UnreadablePayload('rules is not an object');
  const r = value as Record<string, unknown>;
  const packages = Array.isArray(r.packages) ? r.packages : [];
  const prizes = Array.isArray(r.prizes) ? r.prizes : [];
  return {
    licenseNumber: str(r, 'licenseNumber'),
    name: str(r, 'name'),
    type: str(r, 'type'),
    currency: str(r, 'currency'),
    jurisdiction: str(r, 'jurisdiction'),
    prizeShareBps: r.prizeShareBps === null ? null : int(r, 'prizeShareBps'),
    seedMinor: r.seedMinor === undefined ? 0 : int(r, 'seedMinor'),
    maxTickets: int(r, 'maxTickets'),
    packages: packages.map((raw) => {
      const pkg = raw as Record<string, unknown>;
      return {
        id: str(pkg, 'id'),
        tickets: int(pkg, 'tickets'),
        priceMinor: int(pkg, 'priceMinor'),
        label: optStr(pkg, 'label'),
      };
    }),
    prizes: prizes.map((raw) => {
      const prize = raw as Record<string, unknown>;
      return {
        id: str(prize, 'id'),
        name: str(prize, 'name'),
        kind: str(prize, 'kind'),
        amountMinor:
          prize.amountMinor === null || prize.amountMinor === undefined ? null : int(prize, 'amountMinor'),
      };
    }),
    claimDeadlineDays:
      r.claimDeadlineDays === null || r.claimDeadlineDays === undefined ? null : int(r, 'claimDeadlineDays'),
    salesOpenAt: str(r, 'salesOpenAt'),
    salesCloseAt: str(r, 'salesCloseAt'),
  };
}
