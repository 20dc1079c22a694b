// The totals a report states, computed from journal entries by the same code in the service and in
// the offline verifier: the verifier feeds an export and requires the bundled report's `totals` to
// equal what it recomputes at the report's tree size.

import type { JournalEntry } from '../../ledger/core/entry.js';
import { DEFAULT_EVENT_CATEGORIES, eventCategory, type EventCategory } from '../../audit/event-catalogue.js';
import {
  type ClaimSeen,
  type ContactAttemptSeen,
  type DrawRecordSeen,
  RaffleJournalFold,
  type RaffleJournalTotals,
} from './raffle-journal-totals.js';
import { complaintTotalsCollector } from '../../complaint/core/complaint-totals.js';
import type { ReportKind } from './report-document.js';
import { BearerTicketFold } from './bearer-tickets.js';
import { FinancialSummaryFold } from './financial-summary.js';

export interface ReportFilter {
  raffleId: string | null;
  /** Inclusive, UTC ISO-8601. */
  from: string | null;
  /** Exclusive, UTC ISO-8601. */
  to: string | null;
  /** significant-events only; default DEFAULT_EVENT_CATEGORIES. */
  categories?: readonly EventCategory[];
}

export interface TotalsCollector {
  /** Feed every entry of the journal (any subject) in seq order, below the report's tree size. */
  add(entry: Readonly<JournalEntry>): void;
  result(): Record<string, unknown>;
  /** The raffle fold behind a raffle report (undefined for significant events). */
  readonly fold?: RaffleJournalFold;
  /** bearer-tickets: the receipts, for the rows read afterwards. */
  readonly bearer?: BearerTicketFold;
  /** financial-summary: the months and the financial records. */
  readonly finance?: FinancialSummaryFold;
}

export function totalsCollector(kind: ReportKind, filter: ReportFilter): TotalsCollector {
  if (kind === 'significant-events') return eventsCollector(filter);
  if (kind === 'complaints') {
    const complaints = complaintTotalsCollector(filter);
    return { add: (entry) => complaints.add(entry), result: () => ({ ...complaints.result() }) };
  }
  if (filter.raffleId === null) throw new Error(`the ${kind} report is about one raffle`);
  const fold = new RaffleJournalFold(filter.raffleId, {
    period: { from: filter.from ?? undefined, to: filter.to ?? undefined },
    bySeller: kind === 'sales-by-seller',
    keepVoidsAndRefunds: kind === 'voids-and-refunds',
  });
  const period = { from: filter.from ?? undefined, to: filter.to ?? undefined };
  if (kind === 'bearer-tickets') {
    const bearer = new BearerTicketFold(filter.raffleId, period);
    return {
      fold,
      bearer,
      add(entry) {
        fold.add(entry);
        bearer.add(entry);
      },
      result() {
        const t = fold.result();
        bearer.markWinners(currentWinners(t).map((w) => w.ticket));
        return { ...common(t), ...bearer.totals() };
      },
    };
  }
  if (kind === 'financial-summary') {
    const finance = new FinancialSummaryFold(filter.raffleId, period);
    return {
      fold,
      finance,
      add(entry) {
        fold.add(entry);
        finance.add(entry);
      },
      result() {
        const t = fold.result();
        const f = finance.result();
        return { ...common(t), ...f, unreadEntries: t.unread.length + f.unreadEntries };
      },
    };
  }
  return {
    fold,
    add: (entry) => fold.add(entry),
    result: () => raffleTotals(kind, fold),
  };
}

function common(t: RaffleJournalTotals) {
  return { journalEntries: t.entries, lastSeq: t.lastSeq, unreadEntries: t.unread.length };
}

function raffleTotals(kind: ReportKind, fold: RaffleJournalFold): Record<string, unknown> {
  const t = fold.result();
  const common = { journalEntries: t.entries, lastSeq: t.lastSeq, unreadEntries: t.unread.length };
  switch (kind) {
    case 'raffle-summary':
      return {
        ...common,
        sales: t.sales,
        salesByPackage: t.salesByPackage,
        salesByChannel: t.salesByChannel,
        voids: t.voids,
        net: t.net,
        refunds: t.refunds,
        numbers: t.numbers,
        paidTotalMinor: t.paidTotalMinor,
        paidOrders: t.paidOrders,
        split: t.split,
        draws: t.draws.length,
        prizesAwarded: t.prizesAwarded.map((a) => ({
          drawId: a.drawId,
          prizeId: a.prizeId,
          amountMinor: a.amountMinor,
        })),
      };
    case 'sales-by-seller':
      return { ...common, sales: t.sales, voids: t.voids, sellers: fold.sellers() };
    case 'ticket-register':
      return { ...common, numbers: t.numbers, maxTickets: t.rules?.maxTickets ?? null };
    case 'draws-and-winners':
      return {
        ...common,
        seals: t.seals.length,
        draws: t.draws.map((d) => ({
          drawId: d.drawId,
          kind: d.kind,
          prizeId: d.prizeId,
          tickets: d.tickets,
        })),
      };
    case 'voids-and-refunds':
      return { ...common, voids: t.voids, refunds: t.refunds };
    case 'unclaimed-prizes': {
      const winners = currentWinners(t);
      return {
        ...common,
        winners: winners.length,
        claimed: winners.filter((w) => claimOf(t, w) !== undefined).length,
        unclaimed: unclaimedWinners(t).length,
        contactAttempts: t.contactAttempts.length,
      };
    }
    default:
      throw new Error(`no totals for ${kind}`);
  }
}

/** The winners standing now: each draw's tickets, less those a redraw replaced, plus the redraws'. */
export function currentWinners(
  t: Pick<RaffleJournalTotals, 'draws'>,
): Array<{ ticket: number; draw: DrawRecordSeen }> {
  const standing: Array<{ ticket: number; draw: DrawRecordSeen }> = [];
  for (const draw of t.draws) {
    if (draw.replaces) {
      const { drawId, ticket } = draw.replaces;
      const index = standing.findIndex(
        (w) => w.ticket === ticket && (w.draw.drawId === drawId || w.draw.replaces?.drawId === drawId),
      );
      if (index >= 0) standing.splice(index, 1);
    }
    for (const ticket of draw.tickets) standing.push({ ticket, draw });
  }
  return standing;
}

/** The claim of a standing winner, if one is journaled (for its prize and ticket). */
export function claimOf(
  t: Pick<RaffleJournalTotals, 'claims'>,
  winner: { ticket: number; draw: DrawRecordSeen },
): ClaimSeen | undefined {
  return t.claims.find((c) => c.prizeId === winner.draw.prizeId && c.ticket === winner.ticket);
}

/** The standing winners with no claim journaled, each with the contact attempts made for it. */
export function unclaimedWinners(
  t: Pick<RaffleJournalTotals, 'draws' | 'claims' | 'contactAttempts'>,
): Array<{ ticket: number; draw: DrawRecordSeen; attempts: ContactAttemptSeen[] }> {
  return currentWinners(t)
    .filter((w) => claimOf(t, w) === undefined)
    .map((w) => ({
      ...w,
      attempts: t.contactAttempts.filter((a) => a.prizeId === w.draw.prizeId && a.ticket === w.ticket),
    }));
}

function eventsCollector(filter: ReportFilter): TotalsCollector {
  const categories = filter.categories ?? DEFAULT_EVENT_CATEGORIES;
  const subject = filter.raffleId === null ? null : `raffle/${filter.raffleId}`;
  const from = filter.from === null ? -Infinity : Date.parse(filter.from);
  const to = filter.to === null ? Infinity : Date.parse(filter.to);
  const byCategory: Record<string, number> = {};
  let events = 0;
  return {
    add(entry) {
      if (subject !== null && entry.subject !== subject) return;
      const category = eventCategory(entry.type);
      if (!categories.includes(category)) return;
      const at = Date.parse(entry.time);
      if (at < from || at >= to) return;
      events++;
      byCategory[category] = (byCategory[category] ?? 0) + 1;
    },
    result: () => ({
      events,
      byCategory: Object.fromEntries(Object.entries(byCategory).sort(([a], [b]) => (a < b ? -1 : 1))),
    }),
  };
}
