import type { JournalEntry } from '../../ledger/core/entry.js';
import { ExpectedCash } from '../../finance/core/finance-entries.js';
import { BearerTicketFold } from './bearer-tickets.js';
import { FinancialSummaryFold, monthOf } from './financial-summary.js';
import { totalsCollector } from './report-totals.js';

const RAFFLE = 'r1';
const SUBJECT = `raffle/${RAFFLE}`;

/** A small journal builder: entries in seq order with the payloads the modules write. */
function builder() {
  const entries: JournalEntry[] = [];
  const add = (type: string, payload: object, time: string, subject = SUBJECT) => {
    entries.push({
      seq: entries.length,
      type,
      subject,
      payload: { raffleId: RAFFLE, ...payload } as JournalEntry['payload'],
      time,
      prevHash: '',
      hash: '',
    });
  };
  const sold = (
    orderId: string,
    first: number,
    last: number,
    priceMinor: number,
    soldAt: string,
    extra = {},
  ) =>
    add(
      'TICKETS_SOLD',
      {
        orderId,
        first,
        last,
        tickets: last - first + 1,
        packageId: 'p',
        priceMinor,
        currency: 'CAD',
        channel: 'POS',
        sellerId: 'sam',
        deviceId: 'pos-1',
        blockId: null,
        payment: { provider: 'cash', ref: null },
        codeHash: `hash-${orderId}`,
        soldAt,
        ...extra,
      },
      soldAt,
    );
  return { entries, add, sold };
}

describe('BearerTicketFold', () => {
  it('gives each receipt its status: voided, refunded, winner, valid; counts reprints', () => {
    const { entries, add, sold } = builder();
    sold('a', 1, 1, 1_000, '2026-11-01T10:00:00.000Z');
    sold('b', 2, 6, 2_000, '2026-11-01T11:00:00.000Z');
    sold('c', 7, 7, 1_000, '2026-11-01T12:00:00.000Z');
    sold('d', 8, 8, 1_000, '2026-11-01T13:00:00.000Z');
    add('RECEIPT_REPRINTED', { orderId: 'a', reprint: 1 }, '2026-11-01T14:00:00.000Z');
    add('RECEIPT_REPRINTED', { orderId: 'a', reprint: 2 }, '2026-11-01T14:01:00.000Z');
    add(
      'TICKETS_VOIDED',
      { orderId: 'b', first: 2, last: 6, tickets: 5, priceMinor: 2_000 },
      '2026-11-02T10:00:00.000Z',
    );
    add('REFUND_REQUESTED', { orderId: 'b', refundId: 'rb', amountMinor: 2_000 }, '2026-11-02T10:00:00.000Z');
    add('REFUND_COMPLETED', { orderId: 'b', refundId: 'rb', amountMinor: 2_000 }, '2026-11-02T10:01:00.000Z');
    add(
      'TICKETS_VOIDED',
      { orderId: 'c', first: 7, last: 7, tickets: 1, priceMinor: 1_000 },
      '2026-11-02T11:00:00.000Z',
    );
    add('REFUND_REQUESTED', { orderId: 'c', refundId: 'rc', amountMinor: 1_000 }, '2026-11-02T11:00:00.000Z');
    add('REFUND_FAILED', { orderId: 'c', refundId: 'rc', failure: 'x' }, '2026-11-02T11:01:00.000Z');
    const fold = new BearerTicketFold(RAFFLE);
    for (const e of entries) fold.add(e);
    fold.markWinners([8]);
    expect(fold.totals()).toEqual({
      issued: { orders: 4, tickets: 8, amountMinor: 5_000 },
      byStatus: {
        VALID: { orders: 1, tickets: 1, amountMinor: 1_000 },
        WINNER: { orders: 1, tickets: 1, amountMinor: 1_000 },
        VOIDED: { orders: 1, tickets: 1, amountMinor: 1_000 },
        REFUNDED: { orders: 1, tickets: 5, amountMinor: 2_000 },
      },
      reprints: 2,
      reprintedReceipts: 1,
    });
    const rows = entries.map((e) => fold.row(e)).filter((r) => r !== undefined);
    expect(rows.map((r) => [r.orderId, r.status, r.refund, r.reprints, r.codeHash])).toEqual([
      ['a', 'VALID', null, 2, 'hash-a'],
      ['b', 'REFUNDED', 'COMPLETED', 0, 'hash-b'],
      ['c', 'VOIDED', 'FAILED', 0, 'hash-c'],
      ['d', 'WINNER', null, 0, 'hash-d'],
    ]);
  });

  it('lists only the receipts sold in the period, and a cancellation voids every one of them', () => {
    const { entries, add, sold } = builder();
    sold('a', 1, 1, 1_000, '2026-10-31T23:59:59.999Z');
    sold('b', 2, 2, 1_000, '2026-11-01T00:00:00.000Z');
    sold('c', 3, 3, 1_000, '2026-11-30T23:00:00.000Z');
    sold('d', 4, 4, 1_000, '2026-12-01T00:00:00.000Z');
    add(
      'TICKETS_VOIDED',
      { orders: 4, tickets: 4, amountMinor: 4_000, reason: 'cancelled' },
      '2026-12-02T00:00:00.000Z',
    );
    const fold = new BearerTicketFold(RAFFLE, {
      from: '2026-11-01T00:00:00.000Z',
      to: '2026-12-01T00:00:00.000Z',
    });
    for (const e of entries) fold.add(e);
    expect(fold.totals().issued).toEqual({ orders: 2, tickets: 2, amountMinor: 2_000 });
    expect(fold.totals().byStatus.VOIDED).toEqual({ orders: 2, tickets: 2, amountMinor: 2_000 });
    expect(entries.map((e) => fold.row(e)?.orderId).filter(Boolean)).toEqual(['b', 'c']);
  });

  it('states through the collector the same issued totals as the raffle summary’s sales', () => {
    const { entries, add, sold } = builder();
    sold('a', 1, 1, 1_000, '2026-11-01T10:00:00.000Z');
    sold('b', 2, 6, 2_000, '2026-11-02T10:00:00.000Z');
    add(
      'TICKETS_VOIDED',
      { orderId: 'b', first: 2, last: 6, tickets: 5, priceMinor: 2_000 },
      '2026-11-03T10:00:00.000Z',
    );
    const filter = { raffleId: RAFFLE, from: null, to: null };
    const bearer = totalsCollector('bearer-tickets', filter);
    const summary = totalsCollector('raffle-summary', filter);
    for (const e of entries) {
      bearer.add(e);
      summary.add(e);
    }
    const b = bearer.result() as { issued: unknown; byStatus: { VOIDED: unknown } };
    const s = summary.result() as { sales: unknown; voids: unknown };
    expect(b.issued).toEqual(s.sales);
    expect(b.byStatus.VOIDED).toEqual(s.voids);
  });
});

describe('FinancialSummaryFold', () => {
  it('puts each figure in its UTC month; a reversal subtracts in its record’s month; a redraw’s prize replaces its draw’s', () => {
    const { entries, add, sold } = builder();
    sold('a', 1, 5, 2_000, '2026-11-30T23:30:00.000Z');
    sold('b', 6, 6, 1_000, '2026-12-01T00:30:00.000Z');
    add(
      'TICKETS_VOIDED',
      { orderId: 'a', first: 1, last: 5, tickets: 5, priceMinor: 2_000 },
      '2026-12-01T01:00:00.000Z',
    );
    add(
      'EXPENSE_RECORDED',
      { recordId: 'e1', amountMinor: 300, date: '2026-11-15', category: 'print', payee: 'P' },
      '2026-12-01T02:00:00.000Z',
    );
    add(
      'FINANCE_RECORD_REVERSED',
      {
        recordId: 'e2',
        reverses: 'e1',
        kind: 'EXPENSE',
        amountMinor: 300,
        date: '2026-11-15',
        reason: 'dup',
      },
      '2026-12-03T00:00:00.000Z',
    );
    add(
      'EXPENSE_RECORDED',
      { recordId: 'e3', amountMinor: 250, date: '2026-12-01', category: 'print', payee: 'P' },
      '2026-12-03T00:00:00.000Z',
    );
    add(
      'PROCEEDS_USE_RECORDED',
      { recordId: 'u1', amountMinor: 100, date: '2026-12-02', purpose: 'x', beneficiary: 'y' },
      '2026-12-03T00:00:00.000Z',
    );
    add(
      'DEPOSIT_RECORDED',
      { recordId: 'd1', amountMinor: 900, date: '2026-11-30', reference: 'R' },
      '2026-12-03T00:00:00.000Z',
    );
    add(
      'CASH_COUNT_RECORDED',
      {
        recordId: 'c1',
        amountMinor: -50,
        date: '2026-12-01',
        sellerId: 'sam',
        sessionFrom: '2026-12-01T00:00:00.000Z',
        sessionTo: '2026-12-01T02:00:00.000Z',
        countedMinor: 950,
        expectedMinor: 1_000,
        expectedAtTreeSize: 8,
      },
      '2026-12-03T00:00:00.000Z',
    );
    add('DRAW_RESULT', { drawId: 'd-1', prizeId: 'main' }, '2026-12-04T00:00:00.000Z');
    add('DRAW_PRIZE', { drawId: 'd-1', prizeId: 'main', amountMinor: 500 }, '2026-12-04T00:00:00.000Z');
    add(
      'DRAW_REDRAWN',
      { drawId: 'd-2', prizeId: 'main', replaces: { drawId: 'd-1', ticket: 6, reason: 'x' } },
      '2027-01-02T00:00:00.000Z',
    );
    add('DRAW_PRIZE', { drawId: 'd-2', prizeId: 'main', amountMinor: 450 }, '2027-01-02T00:00:00.000Z');
    add(
      'EXPENSE_RECORDED',
      { recordId: 'other', amountMinor: 7, date: '2026-12-01', category: 'c', payee: 'p' },
      '2026-12-03T00:00:00.000Z',
      'raffle/other',
    );
    const fold = new FinancialSummaryFold(RAFFLE);
    for (const e of entries) fold.add(e);
    const result = fold.result();
    expect(result.months).toEqual([
      {
        month: '2026-11',
        salesMinor: 2_000,
        voidsMinor: 0,
        grossReceiptsMinor: 2_000,
        prizesMinor: 0,
        expensesMinor: 0,
        netIncomeMinor: 2_000,
        proceedsUsedMinor: 0,
        cashOverShortMinor: 0,
        depositsMinor: 900,
      },
      {
        month: '2026-12',
        salesMinor: 1_000,
        voidsMinor: 2_000,
        grossReceiptsMinor: -1_000,
        prizesMinor: 450,
        expensesMinor: 250,
        netIncomeMinor: -1_700,
        proceedsUsedMinor: 100,
        cashOverShortMinor: -50,
        depositsMinor: 0,
      },
    ]);
    expect(result.raffle).toMatchObject({ grossReceiptsMinor: 1_000, prizesMinor: 450, netIncomeMinor: 300 });
    expect(result.records.EXPENSE).toEqual({ records: 3, amountMinor: 250 });
    // Sam's cash in the session: b (1000); a was sold before it. 950 counted: 50 short, as stated.
    expect(result.cashCounts).toEqual({ checked: 1, differing: [] });
    expect(result.unreadEntries).toBe(0);
    expect(fold.recordsSeen().map((r) => r.recordId)).toEqual(['e1', 'e2', 'e3', 'u1', 'd1', 'c1']);
  });

  it('lists a cash count whose stated expected cash is not the journal’s at its tree size', () => {
    const { entries, add, sold } = builder();
    sold('a', 1, 1, 1_000, '2026-12-01T08:00:00.000Z');
    sold('b', 2, 2, 1_000, '2026-12-01T09:00:00.000Z');
    const count = (recordId: string, expectedMinor: number, expectedAtTreeSize: number) =>
      add(
        'CASH_COUNT_RECORDED',
        {
          recordId,
          amountMinor: 1_500 - expectedMinor,
          date: '2026-12-01',
          sellerId: 'sam',
          sessionFrom: '2026-12-01T08:00:00.000Z',
          sessionTo: '2026-12-01T10:00:00.000Z',
          countedMinor: 1_500,
          expectedMinor,
          expectedAtTreeSize,
        },
        '2026-12-01T10:00:00.000Z',
      );
    count('right', 2_000, 2);
    count('at-one-sale', 1_000, 1);
    count('wrong', 1_000, 2);
    const fold = new FinancialSummaryFold(RAFFLE);
    for (const e of entries) fold.add(e);
    expect(fold.result().cashCounts).toEqual({
      checked: 3,
      differing: [{ recordId: 'wrong', statedExpectedMinor: 1_000, journalExpectedMinor: 2_000 }],
    });
  });

  it('limits every figure to the period, and counts an unreadable record instead of skipping it silently', () => {
    const { entries, add, sold } = builder();
    sold('a', 1, 1, 1_000, '2026-11-30T23:30:00.000Z');
    sold('b', 2, 2, 1_000, '2026-12-01T00:30:00.000Z');
    add(
      'DEPOSIT_RECORDED',
      { recordId: 'd1', amountMinor: 900, date: '2026-11-30', reference: 'R' },
      '2026-12-03T00:00:00.000Z',
    );
    add(
      'DEPOSIT_RECORDED',
      { recordId: 'd2', amountMinor: 800, date: '2026-12-01', reference: 'R' },
      '2026-12-03T00:00:00.000Z',
    );
    add(
      'DEPOSIT_RECORDED',
      { recordId: 'd3', amountMinor: -5, date: '2026-12-01', reference: 'R' },
      '2026-12-03T00:00:00.000Z',
    );
    const fold = new FinancialSummaryFold(RAFFLE, { from: '2026-12-01T00:00:00.000Z' });
    for (const e of entries) fold.add(e);
    const result = fold.result();
    expect(result.raffle).toMatchObject({ salesMinor: 1_000, depositsMinor: 800 });
    expect(result.months.map((m) => m.month)).toEqual(['2026-12']);
    expect(result.unreadEntries).toBe(1);
  });

  it('names months in UTC', () => {
    expect(monthOf('2026-12-01T00:30:00+01:00')).toBe('2026-11');
  });
});

describe('ExpectedCash', () => {
  it('is the seller’s cash sales of the session less those voided (a cancellation voids all)', () => {
    const { entries, add, sold } = builder();
    sold('a', 1, 1, 1_000, '2026-12-01T08:00:00.000Z');
    sold('b', 2, 2, 1_000, '2026-12-01T09:00:00.000Z');
    sold('c', 3, 3, 1_000, '2026-12-01T09:30:00.000Z', { payment: { provider: 'test', ref: null } });
    sold('d', 4, 4, 1_000, '2026-12-01T09:45:00.000Z', { sellerId: 'kim' });
    sold('e', 5, 5, 1_000, '2026-12-01T16:00:00.000Z');
    add(
      'TICKETS_VOIDED',
      { orderId: 'b', first: 2, last: 2, tickets: 1, priceMinor: 1_000 },
      '2026-12-01T10:00:00.000Z',
    );
    const expected = new ExpectedCash('sam', '2026-12-01T08:00:00.000Z', '2026-12-01T16:00:00.000Z');
    for (const e of entries) expected.add(e);
    expect(expected.result()).toEqual({
      cashSales: 2,
      cashSalesMinor: 2_000,
      voided: 1,
      voidedMinor: 1_000,
      expectedMinor: 1_000,
    });
    add('TICKETS_VOIDED', { orders: 4, tickets: 4, amountMinor: 4_000 }, '2026-12-02T00:00:00.000Z');
    expected.add(entries[entries.length - 1]);
    expect(expected.result().expectedMinor).toBe(0);
  });
});
