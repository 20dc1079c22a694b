// The bearer-ticket report (GLI31 RPT-5): every receipt issued for a raffle, as the journal states it,
// with what became of it (valid, winner, voided, refunded) and how many times it was reprinted. Plain
// TypeScript, no NestJS: the report service and the offline verifier fold the same entries.
//
// The fold keeps one small record per receipt sold in the period (numbers in arrays, its order id in
// a map), as the sales-by-seller fold does; the rows themselves are never held: the service reads the
// raffle's TICKETS_SOLD entries a second time and turns each into its row with `row`.
//
// A receipt's validation number is the bearer's proof when a prize is claimed (src/draw/claims checks
// it), so it is never in a report: the row shows its SHA-256 as journaled (`codeHash` of TICKETS_SOLD),
// which anyone holding the ticket can compute and match.

import type { JournalEntry } from '../../ledger/core/entry.js';
import type { Tally } from './raffle-journal-totals.js';

export const RECEIPT_STATUSES = ['VALID', 'WINNER', 'VOIDED', 'REFUNDED'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

const VOIDED = 1;
const WINNER = 2;

export interface BearerTicketTotals {
  /** Every receipt (order) sold in the period: equals the raffle summary's `sales` of the same period. */
  issued: Tally;
  /** The same receipts by what became of them (up to the tree size). */
  byStatus: Record<ReceiptStatus, Tally>;
  /** Copies printed again (RECEIPT_REPRINTED) of those receipts, and how many receipts had any. */
  reprints: number;
  reprintedReceipts: number;
}

export interface BearerTicketRow {
  [key: string]: string | number | null;
  seq: number;
  orderId: string;
  first: number;
  last: number;
  tickets: number;
  packageId: string;
  priceMinor: number;
  codeHash: string | null;
  sellerId: string;
  channel: string;
  deviceId: string | null;
  soldAt: string;
  payment: string;
  status: ReceiptStatus;
  refund: string | null;
  reprints: number;
}

export class BearerTicketFold {
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly index = new Map<string, number>();
  private readonly firsts: number[] = [];
  private readonly lasts: number[] = [];
  private readonly prices: number[] = [];
  private readonly flags: number[] = [];
  private readonly reprintCounts: number[] = [];
  /** Refund state of the receipts that have one (few: only voided orders are refunded). */
  private readonly refunds = new Map<number, 'REQUESTED' | 'COMPLETED' | 'FAILED'>();
  private winnersMarked = false;

  constructor(
    readonly raffleId: string,
    period: { from?: string; to?: string } = {},
  ) {
    this.fromMs = period.from === undefined ? -Infinity : Date.parse(period.from);
    this.toMs = period.to === undefined ? Infinity : Date.parse(period.to);
  }

  /** Folds one entry of any subject (others are ignored), in seq order. */
  add(entry: Readonly<JournalEntry>): void {
    if (entry.subject !== `raffle/${this.raffleId}`) return;
    const p = entry.payload as Record<string, unknown>;
    switch (entry.type) {
      case 'TICKETS_SOLD': {
        const soldAt = Date.parse(String(p.soldAt));
        if (!(soldAt >= this.fromMs && soldAt < this.toMs)) return;
        this.index.set(String(p.orderId), this.firsts.length);
        this.firsts.push(Number(p.first));
        this.lasts.push(Number(p.last));
        this.prices.push(Number(p.priceMinor));
        this.flags.push(0);
        this.reprintCounts.push(0);
        return;
      }
      case 'TICKETS_VOIDED': {
        if (typeof p.orderId === 'string') {
          const i = this.index.get(p.orderId);
          if (i !== undefined) this.flags[i] |= VOIDED;
        } else {
          // A cancellation voids every order still sold.
          for (let i = 0; i < this.flags.length; i++) this.flags[i] |= VOIDED;
        }
        return;
      }
      case 'REFUND_REQUESTED':
      case 'REFUND_COMPLETED':
      case 'REFUND_FAILED': {
        const i = this.index.get(String(p.orderId));
        if (i === undefined) return;
        const state = entry.type.slice('REFUND_'.length) as 'REQUESTED' | 'COMPLETED' | 'FAILED';
        // A completed refund stays completed (a late failure report of another attempt does not undo it).
        if (this.refunds.get(i) !== 'COMPLETED') this.refunds.set(i, state);
        return;
      }
      case 'RECEIPT_REPRINTED': {
        const i = this.index.get(String(p.orderId));
        if (i !== undefined) this.reprintCounts[i]++;
        return;
      }
      default:
        return;
    }
  }

  /** Marks the receipts holding a standing winning number (call once, after the last entry). */
  markWinners(winningNumbers: readonly number[]): void {
    if (this.winnersMarked) return;
    this.winnersMarked = true;
    for (const number of winningNumbers) {
      for (let i = 0; i < this.firsts.length; i++) {
        if (this.firsts[i] <= number && number <= this.lasts[i]) this.flags[i] |= WINNER;
      }
    }
  }

  private statusAt(i: number): ReceiptStatus {
    if (this.flags[i] & VOIDED) return this.refunds.get(i) === 'COMPLETED' ? 'REFUNDED' : 'VOIDED';
    return this.flags[i] & WINNER ? 'WINNER' : 'VALID';
  }

  totals(): BearerTicketTotals {
    const tally = (): Tally => ({ orders: 0, tickets: 0, amountMinor: 0 });
    const issued = tally();
    const byStatus = { VALID: tally(), WINNER: tally(), VOIDED: tally(), REFUNDED: tally() };
    let reprints = 0;
    let reprintedReceipts = 0;
    for (let i = 0; i < this.firsts.length; i++) {
      const tickets = this.lasts[i] - this.firsts[i] + 1;
      for (const t of [issued, byStatus[this.statusAt(i)]]) {
        t.orders++;
        t.tickets += tickets;
        t.amountMinor += this.prices[i];
      }
      reprints += this.reprintCounts[i];
      if (this.reprintCounts[i] > 0) reprintedReceipts++;
    }
    return { issued, byStatus, reprints, reprintedReceipts };
  }

  /** The row of a TICKETS_SOLD entry read again (undefined when its sale is outside the period). */
  row(entry: Readonly<JournalEntry>): BearerTicketRow | undefined {
    const p = entry.payload as Record<string, unknown>;
    if (entry.type !== 'TICKETS_SOLD') return undefined;
    const i = this.index.get(String(p.orderId));
    if (i === undefined) return undefined;
    const payment = (p.payment ?? {}) as Record<string, unknown>;
    return {
      seq: entry.seq,
      orderId: String(p.orderId),
      first: this.firsts[i],
      last: this.lasts[i],
      tickets: this.lasts[i] - this.firsts[i] + 1,
      packageId: String(p.packageId),
      priceMinor: this.prices[i],
      codeHash: typeof p.codeHash === 'string' ? p.codeHash : null,
      sellerId: String(p.sellerId),
      channel: String(p.channel),
      deviceId: typeof p.deviceId === 'string' ? p.deviceId : null,
      soldAt: String(p.soldAt),
      payment: String(payment.provider),
      status: this.statusAt(i),
      refund: this.refunds.get(i) ?? null,
      reprints: this.reprintCounts[i],
    };
  }
}
