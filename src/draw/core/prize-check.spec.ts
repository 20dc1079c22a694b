import type { JournalEntry } from '../../ledger/core/index.js';
import { ticketSalesMapping } from '../../ticket/core/sales-journal.js';
import { createPrizeCheck } from './prize-check.js';

function journal(list: Array<[string, Record<string, unknown>]>): JournalEntry[] {
  return list.map(([type, payload], seq) => ({
    seq,
    type,
    subject: 'raffle/r1',
    payload: payload as JournalEntry['payload'],
    time: '2026-12-06T12:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  }));
}

const rules = {
  prizeShareBps: 5_000,
  seedMinor: 100,
  prizes: [
    { id: 'main', amountMinor: null },
    { id: 'early', amountMinor: 25_000 },
  ],
};
const sale = (orderId: string, first: number, last: number, priceMinor: number) =>
  ['TICKETS_SOLD', { orderId, raffleId: 'r1', first, last, priceMinor }] as [string, Record<string, unknown>];
const prize = (extra: Record<string, unknown>) =>
  ['DRAW_PRIZE', { raffleId: 'r1', prizeId: 'main', drawId: 'd1', sealId: 's1', ...extra }] as [
    string,
    Record<string, unknown>,
  ];

function problems(entries: JournalEntry[]): string[] {
  const mapping = ticketSalesMapping();
  const check = createPrizeCheck((entry) => mapping.amount(entry));
  return entries.flatMap((e) => {
    const found = check(e);
    return found ? [typeof found === 'string' ? found : found.message] : [];
  });
}

describe('createPrizeCheck', () => {
  const before = [
    ['RAFFLE_OPENED', { raffleId: 'r1', rules }],
    sale('a', 1, 5, 2_000),
    sale('b', 6, 6, 1_000),
    ['TICKETS_VOIDED', { orderId: 'b', raffleId: 'r1', first: 6, last: 6, priceMinor: 1_000 }],
    sale('c', 7, 36, 5_001),
    ['DRAW_SEALED', { raffleId: 'r1', sealId: 's1', ledger: { treeSize: 5 } }],
    // A sale journaled after the seal's tree size is not in the prize.
    sale('d', 37, 37, 1_000),
  ] as Array<[string, Record<string, unknown>]>;
  const share = {
    basis: 'SHARE_OF_SALES',
    paidTotalMinor: 7_001,
    shareBasisPoints: 5_000,
    shareMinor: 3_500,
    seedMinor: 100,
  };

  it('accepts the 50/50 arithmetic over the paid, not voided sales before the seal (rounded down, plus the seed)', () => {
    expect(problems(journal([...before, prize({ ...share, amountMinor: 3_600 })]))).toEqual([]);
  });

  it('reports a prize that does not recompute, naming the field', () => {
    expect(problems(journal([...before, prize({ ...share, amountMinor: 3_700 })]))).toEqual([
      'prize main of draw d1: amountMinor 3700 journaled, 3600 recomputed',
    ]);
    expect(
      problems(journal([...before, prize({ ...share, paidTotalMinor: 8_001, amountMinor: 3_600 })])),
    ).toEqual(['prize main of draw d1: paidTotalMinor 8001 journaled, 7001 recomputed']);
  });

  it('checks a fixed prize, also of a recurring occurrence, against the rules', () => {
    const fixed = (amountMinor: number) =>
      prize({ prizeId: 'early@2026-12-04T20:00:00.000Z', basis: 'FIXED', amountMinor });
    expect(problems(journal([...before, fixed(25_000)]))).toEqual([]);
    expect(problems(journal([...before, fixed(30_000)]))).toEqual([
      'prize early@2026-12-04T20:00:00.000Z of draw d1: amountMinor 30000 journaled, the rules say 25000',
    ]);
  });
});
