import type { JournalEntry } from '../../ledger/core/index.js';
import { TICKETS_SOLD, TICKETS_VOIDED, ticketSalesMapping } from './sales-journal.js';

let seq = 0;
function entry(
  type: string,
  payload: Record<string, unknown>,
  subject = `raffle/${String(payload.raffleId)}`,
): JournalEntry {
  return {
    seq: seq++,
    type,
    subject,
    payload: payload as JournalEntry['payload'],
    time: '2026-12-06T12:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  };
}
const sold = (orderId: string, raffleId: string, first: number, last: number, priceMinor = 1000) =>
  entry(TICKETS_SOLD, { orderId, raffleId, first, last, tickets: last - first + 1, priceMinor });

describe('the ticket module’s sales mapping', () => {
  it('reads sales and per-order voids as ranges and money, and ignores other entries', () => {
    const mapping = ticketSalesMapping();
    const sale = sold('o1', 'r1', 1, 5, 2000);
    expect(mapping.soldRanges(sale)).toEqual([{ raffleId: 'r1', ranges: [{ first: 1, last: 5 }] }]);
    expect(mapping.voidedRanges(sale)).toBeUndefined();
    expect(mapping.amount(sale)).toEqual({ raffleId: 'r1', deltaMinor: 2000 });
    const voided = entry(TICKETS_VOIDED, {
      orderId: 'o1',
      raffleId: 'r1',
      first: 1,
      last: 5,
      priceMinor: 2000,
    });
    expect(mapping.soldRanges(voided)).toBeUndefined();
    expect(mapping.voidedRanges(voided)).toEqual([{ raffleId: 'r1', ranges: [{ first: 1, last: 5 }] }]);
    expect(mapping.amount(voided)).toEqual({ raffleId: 'r1', deltaMinor: -2000 });
    const other = entry('RAFFLE_CLOSED', { raffleId: 'r1' });
    expect(mapping.soldRanges(other)).toBeUndefined();
    expect(mapping.voidedRanges(other)).toBeUndefined();
    expect(mapping.amount(other)).toBeUndefined();
  });

  it('gives an offline sale the time its device recorded, and refuses an offline sale without a valid one', () => {
    const mapping = ticketSalesMapping();
    const offline = (orderId: string, first: number, soldAt: unknown) =>
      entry(TICKETS_SOLD, {
        orderId,
        raffleId: 'r1',
        first,
        last: first,
        tickets: 1,
        priceMinor: 1000,
        channel: 'POS_OFFLINE',
        soldAt,
      });
    expect(mapping.soldRanges(offline('o1', 1, '2026-12-06T11:59:00.000Z'))).toEqual([
      {
        raffleId: 'r1',
        ranges: [{ first: 1, last: 1 }],
        deviceSaleTime: Date.parse('2026-12-06T11:59:00.000Z'),
      },
    ]);
    // Other channels are sold when they are journaled: no device time, whatever their soldAt says.
    const online = entry(TICKETS_SOLD, {
      orderId: 'o2',
      raffleId: 'r1',
      first: 2,
      last: 2,
      priceMinor: 1000,
      channel: 'ONLINE',
      soldAt: '2026-12-06T11:00:00.000Z',
    });
    expect(mapping.soldRanges(online)).toEqual([{ raffleId: 'r1', ranges: [{ first: 2, last: 2 }] }]);
    for (const [i, soldAt] of [undefined, 'yesterday', '2026-12-06T11:59:00Z', 1765022340000].entries())
      expect(() => mapping.soldRanges(offline(`bad${i}`, 10 + i, soldAt))).toThrow(
        /payload\.soldAt of an offline sale must be a UTC ISO-8601 time/,
      );
  });

  it('voids every number still sold at a cancellation, as maximal ranges of that raffle only', () => {
    const mapping = ticketSalesMapping();
    for (const e of [
      sold('a', 'r1', 1, 5),
      sold('b', 'r1', 6, 6),
      sold('c', 'r2', 1, 30),
      sold('d', 'r1', 7, 36),
    ]) {
      mapping.soldRanges(e);
      mapping.voidedRanges(e);
    }
    mapping.voidedRanges(
      entry(TICKETS_VOIDED, { orderId: 'b', raffleId: 'r1', first: 6, last: 6, priceMinor: 1000 }),
    );
    const cancel = entry(TICKETS_VOIDED, {
      raffleId: 'r1',
      reason: 'cancelled',
      by: 'x',
      orders: 2,
      tickets: 35,
      amountMinor: 7000,
    });
    expect(mapping.voidedRanges(cancel)).toEqual([
      {
        raffleId: 'r1',
        ranges: [
          { first: 1, last: 5 },
          { first: 7, last: 36 },
        ],
      },
    ]);
    expect(mapping.amount(cancel)).toEqual({ raffleId: 'r1', deltaMinor: -7000 });
  });

  it('refuses an entry about one raffle journaled under another’s subject, and malformed numbers', () => {
    const mapping = ticketSalesMapping();
    expect(() =>
      mapping.soldRanges(
        entry(TICKETS_SOLD, { orderId: 'x', raffleId: 'r1', first: 1, last: 2 }, 'raffle/r2'),
      ),
    ).toThrow(/under subject raffle\/r2/);
    expect(() =>
      mapping.soldRanges(entry(TICKETS_SOLD, { orderId: 'x', raffleId: 'r1', first: '1', last: 2 })),
    ).toThrow(/payload.first must be an integer/);
    expect(() =>
      mapping.amount(entry(TICKETS_SOLD, { orderId: 'x', raffleId: 'r1', first: 1, last: 2 })),
    ).toThrow(/payload.priceMinor/);
  });
});
