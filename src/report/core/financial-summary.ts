// The financial summary (GLI31 RPT-7) of one raffle, per UTC month and for the whole period, from the
// raffle's journal entries alone: ticket sales and voids (src/ticket), prizes awarded (DRAW_PRIZE,
// src/draw) and the licensee's financial records (src/finance). Plain TypeScript, no NestJS: the
// report service and the offline verifier fold the same entries to the same figures.
//
//   sales             TICKETS_SOLD priceMinor, in the month of its soldAt (the summary's gross sales)
//   voids             TICKETS_VOIDED priceMinor (amountMinor of a cancellation), month of the entry
//   gross receipts    sales - voids (a voided ticket's money is handed back)
//   prizes            per draw, the amount of its DRAW_PRIZE (a redraw's replaces the one of the draw
//                     it redraws), in the month of the first; a prize described, not valued, counts 0
//   expenses          EXPENSE_RECORDED amounts, in the month of their date
//   net income        gross receipts - prizes - expenses
//   use of proceeds   PROCEEDS_USE_RECORDED amounts, month of their date
//   cash over/short   CASH_COUNT_RECORDED amounts (counted - expected), month of the count
//   deposits          DEPOSIT_RECORDED amounts, month of their date
//
// A reversal (FINANCE_RECORD_REVERSED) subtracts its record's amount in its record's month.

import type { JournalEntry } from '../../ledger/core/entry.js';
import {
  CashSalesBook,
  type FinanceKind,
  type FinanceRecordSeen,
  readFinanceEntry,
  UnreadableFinancePayload,
} from '../../finance/core/finance-entries.js';

export interface FinancialFigures {
  salesMinor: number;
  voidsMinor: number;
  grossReceiptsMinor: number;
  prizesMinor: number;
  expensesMinor: number;
  netIncomeMinor: number;
  proceedsUsedMinor: number;
  cashOverShortMinor: number;
  depositsMinor: number;
}

export interface FinancialSummaryTotals {
  /** The period (or the whole raffle) as one line. */
  raffle: FinancialFigures;
  /** One line per UTC month with anything in it, in order (`YYYY-MM`). */
  months: Array<{ month: string } & FinancialFigures>;
  /** Financial records and reversals in the period, by kind: how many and their signed sum. */
  records: Record<FinanceKind, { records: number; amountMinor: number }>;
  /** Prizes awarded with no amount (described prizes): counted 0 above. */
  prizesWithoutAmount: number;
  /**
   * The cash counts of the period, each recomputed from the journal at its `expectedAtTreeSize`
   * (CashSalesBook): those whose stated expected cash, or over/short, is not the journal's are listed.
   */
  cashCounts: {
    checked: number;
    differing: Array<{ recordId: string; statedExpectedMinor: number; journalExpectedMinor: number }>;
  };
  unreadEntries: number;
}

type Mutable = Pick<
  FinancialFigures,
  | 'salesMinor'
  | 'voidsMinor'
  | 'prizesMinor'
  | 'expensesMinor'
  | 'proceedsUsedMinor'
  | 'cashOverShortMinor'
  | 'depositsMinor'
>;

const FIGURE_OF_KIND: Record<FinanceKind, keyof Mutable> = {
  EXPENSE: 'expensesMinor',
  PROCEEDS_USE: 'proceedsUsedMinor',
  DEPOSIT: 'depositsMinor',
  CASH_COUNT: 'cashOverShortMinor',
};

export class FinancialSummaryFold {
  private readonly fromMs: number;
  private readonly toMs: number;
  private readonly months = new Map<string, Mutable>();
  /** DRAW_PRIZE entries in journal order, and which draw each redraw replaces. */
  private readonly awards: Array<{ drawId: string; time: string; amountMinor: number | null }> = [];
  private readonly redrawOf = new Map<string, string>();
  private readonly records: FinanceRecordSeen[] = [];
  private readonly cash = new CashSalesBook();
  private readonly cashCounts: FinancialSummaryTotals['cashCounts'] = { checked: 0, differing: [] };
  private unread = 0;

  constructor(
    readonly raffleId: string,
    period: { from?: string; to?: string } = {},
  ) {
    this.fromMs = period.from === undefined ? -Infinity : Date.parse(period.from);
    this.toMs = period.to === undefined ? Infinity : Date.parse(period.to);
  }

  add(entry: Readonly<JournalEntry>): void {
    if (entry.subject !== `raffle/${this.raffleId}`) return;
    const p = entry.payload as Record<string, unknown>;
    try {
      if (entry.type === 'TICKETS_SOLD' || entry.type === 'TICKETS_VOIDED') this.cash.add(entry);
      switch (entry.type) {
        case 'TICKETS_SOLD':
          return this.count(String(p.soldAt), 'salesMinor', amount(p, 'priceMinor'));
        case 'TICKETS_VOIDED':
          return this.count(
            entry.time,
            'voidsMinor',
            amount(p, typeof p.orderId === 'string' ? 'priceMinor' : 'amountMinor'),
          );
        case 'DRAW_PRIZE':
          this.awards.push({
            drawId: String(p.drawId),
            time: entry.time,
            amountMinor: p.amountMinor === null ? null : amount(p, 'amountMinor'),
          });
          return;
        case 'DRAW_REDRAWN': {
          const replaces = p.replaces as Record<string, unknown> | null;
          if (replaces && typeof replaces.drawId === 'string')
            this.redrawOf.set(String(p.drawId), replaces.drawId);
          return;
        }
        default: {
          const record = readFinanceEntry(entry);
          if (record === undefined) return;
          const at = `${record.date}T00:00:00.000Z`;
          if (!this.inPeriod(at)) return;
          this.records.push(record);
          this.count(at, FIGURE_OF_KIND[record.kind], record.amountMinor);
          if (record.kind === 'CASH_COUNT' && record.reverses === null)
            this.checkCashCount(record.recordId, p);
        }
      }
    } catch (error) {
      if (!(error instanceof UnreadableFinancePayload)) throw error;
      this.unread++;
    }
  }

  private checkCashCount(recordId: string, p: Record<string, unknown>): void {
    const stated = amount(p, 'expectedMinor');
    const journal = this.cash.expected(
      String(p.sellerId),
      String(p.sessionFrom),
      String(p.sessionTo),
      amount(p, 'expectedAtTreeSize'),
    ).expectedMinor;
    this.cashCounts.checked++;
    if (stated !== journal || amount(p, 'amountMinor') !== amount(p, 'countedMinor') - journal) {
      this.cashCounts.differing.push({
        recordId,
        statedExpectedMinor: stated,
        journalExpectedMinor: journal,
      });
    }
  }

  /** The financial records (and reversals) of the period, in journal order. */
  recordsSeen(): FinanceRecordSeen[] {
    return [...this.records];
  }

  result(): FinancialSummaryTotals {
    const months = new Map<string, Mutable>([...this.months].map(([m, f]) => [m, { ...f }]));
    let prizesWithoutAmount = 0;
    for (const prize of this.prizesAwarded()) {
      if (!prize.inPeriod) continue;
      if (prize.amountMinor === null) prizesWithoutAmount++;
      figuresOf(months, prize.month).prizesMinor += prize.amountMinor ?? 0;
    }
    const lines = [...months.entries()]
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([month, f]) => ({ month, ...complete(f) }));
    const sum = empty();
    for (const line of lines)
      for (const key of Object.keys(sum) as Array<keyof Mutable>) sum[key] += line[key];
    const records = {
      EXPENSE: { records: 0, amountMinor: 0 },
      PROCEEDS_USE: { records: 0, amountMinor: 0 },
      DEPOSIT: { records: 0, amountMinor: 0 },
      CASH_COUNT: { records: 0, amountMinor: 0 },
    };
    for (const r of this.records) {
      records[r.kind].records++;
      records[r.kind].amountMinor += r.amountMinor;
    }
    return {
      raffle: complete(sum),
      months: lines,
      records,
      prizesWithoutAmount,
      cashCounts: { checked: this.cashCounts.checked, differing: [...this.cashCounts.differing] },
      unreadEntries: this.unread,
    };
  }

  /**
   * One award per draw, a redraw's replacing the one of the draw it redraws (followed back to the
   * first draw): its amount is the last journaled, its month the first's.
   */
  private prizesAwarded(): Array<{ month: string; inPeriod: boolean; amountMinor: number | null }> {
    const rootOf = (drawId: string): string => {
      let id = drawId;
      for (let hops = 0; this.redrawOf.has(id) && hops < 1_000; hops++) id = this.redrawOf.get(id)!;
      return id;
    };
    const byDraw = new Map<string, { month: string; inPeriod: boolean; amountMinor: number | null }>();
    for (const award of this.awards) {
      const root = rootOf(award.drawId);
      const first = byDraw.get(root);
      if (first) first.amountMinor = award.amountMinor;
      else
        byDraw.set(root, {
          month: monthOf(award.time),
          inPeriod: this.inPeriod(award.time),
          amountMinor: award.amountMinor,
        });
    }
    return [...byDraw.values()];
  }

  private inPeriod(time: string): boolean {
    const at = Date.parse(time);
    return at >= this.fromMs && at < this.toMs;
  }

  private count(time: string, figure: keyof Mutable, amountMinor: number): void {
    if (!this.inPeriod(time)) return;
    figuresOf(this.months, monthOf(time))[figure] += amountMinor;
  }
}

function empty(): Mutable {
  return {
    salesMinor: 0,
    voidsMinor: 0,
    prizesMinor: 0,
    expensesMinor: 0,
    proceedsUsedMinor: 0,
    cashOverShortMinor: 0,
    depositsMinor: 0,
  };
}

function figuresOf(months: Map<string, Mutable>, month: string): Mutable {
  let f = months.get(month);
  if (!f) {
    f = empty();
    months.set(month, f);
  }
  return f;
}

function complete(f: Mutable): FinancialFigures {
  const grossReceiptsMinor = f.salesMinor - f.voidsMinor;
  return {
    salesMinor: f.salesMinor,
    voidsMinor: f.voidsMinor,
    grossReceiptsMinor,
    prizesMinor: f.prizesMinor,
    expensesMinor: f.expensesMinor,
    netIncomeMinor: grossReceiptsMinor - f.prizesMinor - f.expensesMinor,
    proceedsUsedMinor: f.proceedsUsedMinor,
    cashOverShortMinor: f.cashOverShortMinor,
    depositsMinor: f.depositsMinor,
  };
}

/** The UTC month of an ISO-8601 time, `YYYY-MM`. */
export function monthOf(time: string): string {
  return new Date(Date.parse(time)).toISOString().slice(0, 7);
}

function amount(p: Record<string, unknown>, field: string): number {
  const value = p[field];
  if (!Number.isSafeInteger(value)) throw new UnreadableFinancePayload(`${field} is not an integer`);
  return value as number;
}
