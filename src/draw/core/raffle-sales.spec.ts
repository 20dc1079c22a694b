import type { JournalEntry } from '../../ledger/core/index.js';
import { RaffleSales, RaffleSalesError } from './raffle-sales.js';
import { sampleSalesMapping, SOLD_TYPE, VOIDED_TYPE } from './testing/sample-sales-mapping.js';

function entries(list: Array<[string, Record<string, unknown>]>): JournalEntry[] {
  return list.map(([type, payload], seq) => ({
    seq,
    type,
    subject: null,
    payload: payload as JournalEntry['payload'],
    time: '2026-12-06T12:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  }));
}

const journal = entries([
  [SOLD_TYPE, { orderId: 'a', raffleId: 'r1', first: 8, last: 12 }], // 0
  [SOLD_TYPE, { orderId: 'x', raffleId: 'r2', first: 1, last: 100 }], // 1: another raffle
  [SOLD_TYPE, { orderId: 'b', raffleId: 'r1', first: 1, last: 5 }], // 2
  [VOIDED_TYPE, { orderId: 'a' }], // 3
  [SOLD_TYPE, { orderId: 'c', raffleId: 'r1', first: 6, last: 6 }], // 4
]);

describe('RaffleSales', () => {
  it('seals one raffle from its entries at the tree sizes of a seal, ignoring other raffles', () => {
    const sales = new RaffleSales('r1', sampleSalesMapping());
    for (const e of journal) sales.add(e);
    expect(sales.sealedRanges({ cutoffTreeSize: 5, ledgerTreeSize: 5 }).toArray()).toEqual([
      { first: 1, last: 6, offset: 0 },
    ]);
    // An early-bird cut-off at 3: sales of entries 0 and 2, minus the void of entry 3.
    expect(sales.sealedRanges({ cutoffTreeSize: 3, ledgerTreeSize: 5 }).toArray()).toEqual([
      { first: 1, last: 5, offset: 0 },
    ]);
    // Before the void was journaled, order a is in.
    expect(sales.sealedRanges({ cutoffTreeSize: 3, ledgerTreeSize: 3 }).count).toBe(10);
  });

  it('refuses entries out of order, a mapping error, and a number sold twice, naming the entries', () => {
    const sales = new RaffleSales('r1', sampleSalesMapping());
    sales.add(journal[0]);
    expect(() => sales.add(journal[0])).toThrow(RaffleSalesError);
    expect(() =>
      sales.add(
        entries([
          [VOIDED_TYPE, { orderId: 'zz' }],
          [VOIDED_TYPE, { orderId: 'zz' }],
        ])[1],
      ),
    ).toThrow(/entry 1 \(ORDER_VOIDED\): voids order zz, which was never sold/);
    const twice = new RaffleSales('r1', sampleSalesMapping());
    for (const e of entries([
      [SOLD_TYPE, { orderId: 'a', raffleId: 'r1', first: 1, last: 5 }],
      [SOLD_TYPE, { orderId: 'b', raffleId: 'r1', first: 5, last: 9 }],
    ]))
      twice.add(e);
    expect(() => twice.sealedRanges({ cutoffTreeSize: 2, ledgerTreeSize: 2 })).toThrow(/sold twice/);
  });
});
