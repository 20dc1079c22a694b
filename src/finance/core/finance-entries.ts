// The licensee's financial records of a raffle (GLI31 RPT-7) as journaled: expenses, use of
// proceeds, bank deposits, cash counts, and reversals of any of them. Plain TypeScript, no NestJS:
// the finance service journals these payloads, the report fold and the offline verifier read them.
//
//   EXPENSE_RECORDED        {recordId, raffleId, amountMinor, currency, date, category, payee, memo}
//   PROCEEDS_USE_RECORDED   {recordId, raffleId, amountMinor, currency, date, purpose, beneficiary, memo}
//   DEPOSIT_RECORDED        {recordId, raffleId, amountMinor, currency, date, reference, memo}
//   CASH_COUNT_RECORDED     {recordId, raffleId, amountMinor (= counted - expected), currency, date,
//                            sellerId, sessionFrom, sessionTo, countedMinor, expectedMinor,
//                            expectedAtTreeSize, memo}
//   FINANCE_RECORD_REVERSED {recordId, raffleId, reverses, kind, amountMinor (the reversed record's),
//                            currency, date (the reversed record's), reason}
//
// Every payload also carries `by`, `recordedAt` and the request's origin (actor, source, requestId).
// Records are append-only: a correction is a reversal (with a reason) and, if needed, a new record.

import type { JournalEntry } from '../../ledger/core/entry.js';

export const FINANCE_KINDS = ['EXPENSE', 'PROCEEDS_USE', 'DEPOSIT', 'CASH_COUNT'] as const;
export type FinanceKind = (typeof FINANCE_KINDS)[number];

export const FINANCE_ENTRY_OF: Record<FinanceKind, string> = {
  EXPENSE: 'EXPENSE_RECORDED',
  PROCEEDS_USE: 'PROCEEDS_USE_RECORDED',
  DEPOSIT: 'DEPOSIT_RECORDED',
  CASH_COUNT: 'CASH_COUNT_RECORDED',
};
export const FINANCE_RECORD_REVERSED = 'FINANCE_RECORD_REVERSED';
export const FINANCE_ENTRY_TYPES: readonly string[] = [
  ...Object.values(FINANCE_ENTRY_OF),
  FINANCE_RECORD_REVERSED,
];
const KIND_OF_ENTRY: Record<string, FinanceKind> = Object.fromEntries(
  Object.entries(FINANCE_ENTRY_OF).map(([kind, type]) => [type, kind as FinanceKind]),
);

/** One financial record (or reversal) as the journal states it. */
export interface FinanceRecordSeen {
  seq: number;
  recordId: string;
  kind: FinanceKind;
  /** Signed: a reversal carries the negated amount of the record it reverses. */
  amountMinor: number;
  /** UTC calendar date (YYYY-MM-DD) the amount belongs to: a reversal keeps its record's date. */
  date: string;
  reverses: string | null;
  /** What the record says (category and payee, purpose and beneficiary, reference, cash session). */
  description: string;
  reason: string | null;
}

export class UnreadableFinancePayload extends Error {}

/** Reads a finance entry, or returns undefined for an entry of another type. */
export function readFinanceEntry(entry: Readonly<JournalEntry>): FinanceRecordSeen | undefined {
  const p = entry.payload as Record<string, unknown>;
  if (entry.type === FINANCE_RECORD_REVERSED) {
    const kind = text(p, 'kind') as FinanceKind;
    if (!FINANCE_KINDS.includes(kind)) throw new UnreadableFinancePayload(`kind ${kind} is not known`);
    return {
      seq: entry.seq,
      recordId: text(p, 'recordId'),
      kind,
      amountMinor: -integer(p, 'amountMinor'),
      date: day(p, 'date'),
      reverses: text(p, 'reverses'),
      description: `reverses ${text(p, 'reverses')}`,
      reason: text(p, 'reason'),
    };
  }
  const kind = KIND_OF_ENTRY[entry.type];
  if (kind === undefined) return undefined;
  const amountMinor = integer(p, 'amountMinor');
  if (kind !== 'CASH_COUNT' && amountMinor <= 0)
    throw new UnreadableFinancePayload('amountMinor is not positive');
  return {
    seq: entry.seq,
    recordId: text(p, 'recordId'),
    kind,
    amountMinor,
    date: day(p, 'date'),
    reverses: null,
    description: describe(kind, p),
    reason: null,
  };
}

function describe(kind: FinanceKind, p: Record<string, unknown>): string {
  const memo = typeof p.memo === 'string' && p.memo !== '' ? ` (${p.memo})` : '';
  switch (kind) {
    case 'EXPENSE':
      return `${text(p, 'category')}: ${text(p, 'payee')}${memo}`;
    case 'PROCEEDS_USE':
      return `${text(p, 'purpose')}: ${text(p, 'beneficiary')}${memo}`;
    case 'DEPOSIT':
      return `reference ${text(p, 'reference')}${memo}`;
    case 'CASH_COUNT':
      return (
        `seller ${text(p, 'sellerId')}, ${text(p, 'sessionFrom')} to ${text(p, 'sessionTo')}: ` +
        `counted ${integer(p, 'countedMinor')}, expected ${integer(p, 'expectedMinor')}${memo}`
      );
  }
}

function integer(p: Record<string, unknown>, field: string): number {
  const value = p[field];
  if (!Number.isSafeInteger(value)) throw new UnreadableFinancePayload(`${field} is not an integer`);
  return value as number;
}

function text(p: Record<string, unknown>, field: string): string {
  const value = p[field];
  if (typeof value !== 'string') throw new UnreadableFinancePayload(`${field} is not a string`);
  return value;
}

function day(p: Record<string, unknown>, field: string): string {
  const value = text(p, field);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(value)) throw new UnreadableFinancePayload(`${field} is not a date`);
  return value;
}

export interface ExpectedCashResult {
  cashSales: number;
  cashSalesMinor: number;
  voided: number;
  voidedMinor: number;
  expectedMinor: number;
}

/**
 * Every cash sale of a raffle by seller, with the seq of its sale and of its void, so that the cash
 * a seller should hold for a session can be stated as of any tree size: the service states it when a
 * count is recorded; the financial-summary fold (and so the offline verifier) recomputes it at the
 * count's `expectedAtTreeSize`. Feed the raffle's entries in seq order (others are ignored).
 */
export class CashSalesBook {
  private readonly sellers = new Map<
    string,
    { seq: number[]; soldAt: number[]; price: number[]; voidSeq: number[] }
  >();
  private readonly orders = new Map<string, { seller: string; index: number }>();

  add(entry: Readonly<JournalEntry>): void {
    const p = entry.payload as Record<string, unknown>;
    if (entry.type === 'TICKETS_SOLD') {
      const payment = p.payment as Record<string, unknown> | null | undefined;
      if (payment?.provider !== 'cash') return;
      const seller = text(p, 'sellerId');
      let book = this.sellers.get(seller);
      if (!book) {
        book = { seq: [], soldAt: [], price: [], voidSeq: [] };
        this.sellers.set(seller, book);
      }
      this.orders.set(text(p, 'orderId'), { seller, index: book.seq.length });
      book.seq.push(entry.seq);
      book.soldAt.push(Date.parse(text(p, 'soldAt')));
      book.price.push(integer(p, 'priceMinor'));
      book.voidSeq.push(Infinity);
    } else if (entry.type === 'TICKETS_VOIDED') {
      if (typeof p.orderId === 'string') {
        const at = this.orders.get(p.orderId);
        if (at) {
          const book = this.sellers.get(at.seller)!;
          book.voidSeq[at.index] = Math.min(book.voidSeq[at.index], entry.seq);
        }
        return;
      }
      // A cancellation's summary names no orders: it voids every order not voided before.
      for (const book of this.sellers.values())
        for (let i = 0; i < book.voidSeq.length; i++) book.voidSeq[i] = Math.min(book.voidSeq[i], entry.seq);
    }
  }

  /**
   * The seller's cash sales whose sale time is in [from, to) and whose entry is below `treeSize`,
   * less those of them voided below `treeSize` (the money went back to the buyer).
   */
  expected(sellerId: string, from: string, to: string, treeSize = Infinity): ExpectedCashResult {
    const fromMs = Date.parse(from);
    const toMs = Date.parse(to);
    const result = { cashSales: 0, cashSalesMinor: 0, voided: 0, voidedMinor: 0, expectedMinor: 0 };
    const book = this.sellers.get(sellerId);
    if (!book) return result;
    for (let i = 0; i < book.seq.length; i++) {
      if (book.seq[i] >= treeSize || !(book.soldAt[i] >= fromMs && book.soldAt[i] < toMs)) continue;
      result.cashSales++;
      result.cashSalesMinor += book.price[i];
      if (book.voidSeq[i] < treeSize) {
        result.voided++;
        result.voidedMinor += book.price[i];
      }
    }
    result.expectedMinor = result.cashSalesMinor - result.voidedMinor;
    return result;
  }
}

/**
 * The cash a seller should hold for a cash session: the cash sales journaled for that seller whose
 * sale time is in [from, to), less those of them voided since (the money went back to the buyer).
 * Feed the raffle's TICKETS_SOLD and TICKETS_VOIDED entries in seq order.
 */
export class ExpectedCash {
  private readonly book = new CashSalesBook();

  constructor(
    private readonly sellerId: string,
    private readonly from: string,
    private readonly to: string,
  ) {}

  add(entry: Readonly<JournalEntry>): void {
    this.book.add(entry);
  }

  result(): ExpectedCashResult {
    return this.book.expected(this.sellerId, this.from, this.to);
  }
}
