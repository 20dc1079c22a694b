import type { JournalEntry } from '../../ledger/core/entry.js';
import { csvField } from './render-csv.js';
import { foldRaffleJournal, RaffleJournalFold } from './raffle-journal-totals.js';
import { currentWinners, totalsCollector } from './report-totals.js';

const RAFFLE = 'r1';
const SUBJECT = `raffle/${RAFFLE}`;

/** A journal of entries with the payloads the ticket, payment, raffle and draw modules write. */
function journal(): JournalEntry[] {
  const entries: JournalEntry[] = [];
  const add = (
    type: string,
    payload: object,
    time = `2026-11-0${1 + Math.floor(entries.length / 10)}T10:00:00.000Z`,
    subject = SUBJECT,
  ) =>
    entries.push({
      seq: entries.length,
      type,
      subject,
      payload: payload as JournalEntry['payload'],
      time,
      prevHash: '',
      hash: '',
    });
  const sold = (orderId: string, first: number, last: number, price: number, extra: object = {}) =>
    add('TICKETS_SOLD', {
      orderId,
      raffleId: RAFFLE,
      first,
      last,
      tickets: last - first + 1,
      packageId: last === first ? 'one' : 'five',
      priceMinor: price,
      currency: 'CAD',
      channel: 'POS',
      sellerId: 'sam',
      deviceId: 'pos-1',
      blockId: null,
      payment: { provider: 'cash', ref: null },
      codeHash: 'x',
      soldAt: '2026-11-01T10:00:00.000Z',
      ...extra,
    });
  add('RAFFLE_OPENED', {
    raffleId: RAFFLE,
    from: 'DRAFT',
    to: 'OPEN',
    at: '2026-11-01T09:00:00.000Z',
    by: 'alice',
    rules: {
      licenseNumber: 'L-1',
      name: 'R',
      type: 'FIFTY_FIFTY',
      currency: 'CAD',
      jurisdiction: 'GLI31-DEFAULT',
      prizeShareBps: 5000,
      seedMinor: 100,
      maxTickets: 100,
      packages: [{ id: 'one', tickets: 1, priceMinor: 1000, label: null }],
      prizes: [{ id: 'main', name: 'Main', kind: 'MAIN', amountMinor: null }],
      claimDeadlineDays: null,
      salesOpenAt: '2026-11-01T09:00:00.000Z',
      salesCloseAt: '2026-11-09T09:00:00.000Z',
    },
  });
  sold('o1', 1, 1, 1000);
  sold('o2', 2, 6, 2001);
  add('NUMBERS_RESERVED', {
    blockId: 'b1',
    raffleId: RAFFLE,
    deviceId: 'hh-1',
    sellerId: 'kim',
    first: 7,
    last: 16,
    tickets: 10,
  });
  sold('o3', 7, 7, 1000, {
    blockId: 'b1',
    channel: 'POS_OFFLINE',
    sellerId: 'kim',
    deviceId: 'hh-1',
    soldAt: '2026-11-02T10:00:00.000Z',
  });
  add('NUMBERS_RETURNED', {
    blockId: 'b1',
    raffleId: RAFFLE,
    deviceId: 'hh-1',
    ranges: [[8, 12]],
    tickets: 5,
    reason: 'r',
    by: 'kim',
  });
  add('TICKETS_VOIDED', {
    orderId: 'o2',
    raffleId: RAFFLE,
    first: 2,
    last: 6,
    tickets: 5,
    priceMinor: 2001,
    reason: 'jam',
    by: 'oscar',
  });
  add('REFUND_REQUESTED', {
    refundId: 'f1',
    orderId: 'o2',
    raffleId: RAFFLE,
    provider: 'cash',
    amountMinor: 2001,
    currency: 'CAD',
    reason: 'TICKETS_VOIDED',
  });
  add('REFUND_FAILED', { refundId: 'f1', orderId: 'o2', provider: 'cash', failure: 'drawer empty' });
  add('SIGNED_IN', { actor: { type: 'user', sub: 'x', roles: [] }, outcome: 'success' }, undefined, 'user:x');
  return entries;
}

describe('RaffleJournalFold', () => {
  it('counts sales, voids, blocks and refunds as the journal records them', () => {
    const t = foldRaffleJournal(RAFFLE, journal());
    expect(t.sales).toEqual({ orders: 3, tickets: 7, amountMinor: 4001 });
    expect(t.voids).toEqual({ orders: 1, tickets: 5, amountMinor: 2001 });
    expect(t.net).toEqual({ orders: 2, tickets: 2, amountMinor: 2000 });
    // 1..16 issued: 2 sold, 5 voided, 4 still reserved on the handheld, 5 returned.
    expect(t.numbers).toEqual({ issued: 16, sold: 2, voided: 5, reserved: 4, returned: 5 });
    expect(t.paidTotalMinor).toBe(2000);
    // floor(2000 * 50%) + seed 100.
    expect(t.split).toEqual({ prizeMinor: 1100, charityMinor: 1000, seedMinor: 100, shareBps: 5000 });
    expect(t.refunds).toEqual({
      requested: { count: 1, amountMinor: 2001 },
      completed: { count: 0, amountMinor: 0 },
      failed: { count: 1, amountMinor: 2001 },
    });
    expect(t.entries).toBe(9);
    expect(t.unread).toEqual([]);
  });

  it('takes a cancellation summary as voiding everything sold and returning every block', () => {
    const entries = journal();
    entries.push({
      ...entries[0],
      seq: entries.length,
      type: 'TICKETS_VOIDED',
      payload: {
        raffleId: RAFFLE,
        reason: 'RAFFLE_CANCELLED',
        by: 'alice',
        orders: 2,
        tickets: 2,
        amountMinor: 2000,
        blocksReturned: 1,
      },
    });
    const fold = new RaffleJournalFold(RAFFLE, { bySeller: true });
    for (const e of entries) fold.add(e);
    const t = fold.result();
    expect(t.numbers).toEqual({ issued: 16, sold: 0, voided: 7, reserved: 0, returned: 9 });
    expect(t.paidTotalMinor).toBe(0);
    expect(t.paidOrders).toBe(0);
    const sellers = fold.sellers();
    expect(sellers.map((s) => [s.sellerId, s.orders, s.voided.orders, s.voided.amountMinor])).toEqual([
      ['kim', 1, 1, 1000],
      ['sam', 2, 2, 3001],
    ]);
  });

  it('counts only sales and voids of the period, and the numbers of the whole raffle', () => {
    const t = foldRaffleJournal(RAFFLE, journal(), { period: { from: '2026-11-02T00:00:00.000Z' } });
    expect(t.sales).toEqual({ orders: 1, tickets: 1, amountMinor: 1000 });
    expect(t.numbers.sold).toBe(2);
  });

  it('reports an unreadable payload by its seq instead of skipping it', () => {
    const entries = journal();
    entries[1] = { ...entries[1], payload: { ...entries[1].payload, tickets: 'many' } };
    const t = foldRaffleJournal(RAFFLE, entries);
    expect(t.unread).toEqual([{ seq: 1, type: 'TICKETS_SOLD', message: 'tickets is not an integer' }]);
  });

  it('keeps the standing winners: a redraw replaces the ticket it names', () => {
    const draw = (kind: 'result' | 'redraw', drawId: string, tickets: number[], replaces: number | null) => ({
      seq: 0,
      kind,
      drawId,
      prizeId: 'main',
      sealId: 's',
      tickets,
      drawnAt: '',
      rngProvider: 'os',
      rngCertified: false,
      replaces: replaces === null ? null : { drawId: 'd1', ticket: replaces, reason: 'unclaimed' },
    });
    const winners = currentWinners({
      draws: [draw('result', 'd1', [4, 9], null), draw('redraw', 'd2', [7], 9), draw('redraw', 'd3', [2], 7)],
    });
    expect(winners.map((w) => [w.ticket, w.draw.drawId])).toEqual([
      [4, 'd1'],
      [2, 'd3'],
    ]);
  });
});

describe('significant events totals', () => {
  it('counts entries of the chosen categories in the period', () => {
    const collector = totalsCollector('significant-events', {
      raffleId: null,
      from: null,
      to: null,
      categories: ['security', 'voids'],
    });
    for (const e of journal()) collector.add(e);
    expect(collector.result()).toEqual({ events: 4, byCategory: { security: 1, voids: 3 } });
  });
});

describe('csvField', () => {
  it('quotes separators and neutralises formulas', () => {
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=HYPERLINK("x")')).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField(-500)).toBe('-500');
    expect(csvField(null)).toBe('');
  });
});
