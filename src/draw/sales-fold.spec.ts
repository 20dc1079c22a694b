import type { JournalEntry } from '../ledger/core/index.js';
import { TICKETS_SOLD, TICKETS_VOIDED } from '../ticket/core/sales-journal.js';
import { RaffleSalesError, sealSet } from './core/index.js';
import { SalesFold } from './sales-fold.js';

function entry(seq: number, type: string, payload: Record<string, unknown>, minute = 0): JournalEntry {
  return {
    seq,
    type,
    subject: `raffle/${String(payload.raffleId)}`,
    payload: payload as JournalEntry['payload'],
    time: new Date(Date.UTC(2026, 11, 6, 12, minute)).toISOString(),
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  };
}
const sold = (seq: number, orderId: string, first: number, last: number, minute = 0, raffleId = 'r1') =>
  entry(seq, TICKETS_SOLD, { orderId, raffleId, first, last, priceMinor: 1000 * (last - first + 1) }, minute);
const voided = (seq: number, orderId: string, first: number, last: number) =>
  entry(seq, TICKETS_VOIDED, { orderId, raffleId: 'r1', first, last, priceMinor: 1000 * (last - first + 1) });

// A raffle's entries about it as the ledger returns them: sales, a void, another raffle's sale.
const journal = [
  sold(0, 'a', 8, 12, 1),
  sold(2, 'b', 1, 5, 2),
  voided(3, 'a', 8, 12),
  sold(5, 'c', 6, 6, 4),
  sold(6, 'x', 1, 100, 5, 'r2'),
  sold(7, 'd', 13, 42, 6),
  voided(9, 'b', 1, 5),
];

function readAll(fold: SalesFold, entries: JournalEntry[], to: number): SalesFold {
  fold.add(
    entries.filter((e) => e.seq >= fold.through && e.seq < to),
    to,
  );
  fold.readUpTo(to);
  return fold;
}

describe('SalesFold', () => {
  it('read in parts seals and totals exactly as read at once, at every size', () => {
    for (let to = 0; to <= 10; to++) {
      const once = readAll(new SalesFold('r1'), journal, to);
      for (let split = 0; split <= to; split++) {
        const parts = readAll(readAll(new SalesFold('r1'), journal, split), journal, to);
        expect(parts.through).toBe(to);
        expect(parts.paidTotalMinor).toBe(once.paidTotalMinor);
        const sizes = { cutoffTreeSize: to, ledgerTreeSize: to };
        expect(sealSet(parts.sealedRanges(sizes)).root).toBe(sealSet(once.sealedRanges(sizes)).root);
      }
    }
    const all = readAll(new SalesFold('r1'), journal, 10);
    // b (5) and c (1) and d (30), a and b voided; r2's sale is not this raffle's.
    expect(all.paidTotalMinor).toBe(31_000);
    expect(all.sealedRanges({ cutoffTreeSize: 10, ledgerTreeSize: 10 }).toArray()).toEqual([
      { first: 6, last: 6, offset: 0 },
      { first: 13, last: 42, offset: 1 },
    ]);
  });

  it('read past a seal still gives that seal its own set: ranges are kept by seq', () => {
    const past = readAll(new SalesFold('r1'), journal, 10);
    for (let ledger = 0; ledger <= 10; ledger++) {
      for (let cutoff = 0; cutoff <= ledger; cutoff++) {
        const at = readAll(new SalesFold('r1'), journal, ledger);
        const sizes = { cutoffTreeSize: cutoff, ledgerTreeSize: ledger };
        expect(sealSet(past.sealedRanges(sizes)).commitment).toEqual(
          sealSet(at.sealedRanges(sizes)).commitment,
        );
      }
    }
  });

  it('gives a fairdraw-seal-v2 set the offline sales recorded before the cut-off, read in parts or past the seal', () => {
    const cutoffMs = Date.UTC(2026, 11, 6, 12, 5);
    const offline = (seq: number, orderId: string, first: number, last: number, soldMinute: number) => ({
      ...sold(seq, orderId, first, last, 8),
      payload: {
        ...sold(seq, orderId, first, last).payload,
        channel: 'POS_OFFLINE',
        soldAt: new Date(Date.UTC(2026, 11, 6, 12, soldMinute)).toISOString(),
      },
    });
    // Uploaded at 12:08, after the cut-off: 50-54 recorded at 12:03 (in), 55 at 12:06 (out).
    const entries = [...journal, offline(10, 'e', 50, 54, 3), offline(11, 'f', 55, 55, 6)];
    const sizes = { cutoffTreeSize: 6, ledgerTreeSize: 12, deviceCutoffMs: cutoffMs };
    const once = readAll(new SalesFold('r1', cutoffMs), entries, 12);
    expect(once.deviceSalesBefore(cutoffMs)).toBe(1);
    expect(once.sealedRanges(sizes).toArray()).toEqual([
      { first: 6, last: 6, offset: 0 },
      { first: 50, last: 54, offset: 1 },
    ]);
    // Without the cut-off instant (a v1 seal at the same sizes) the upload is not in.
    expect(once.sealedRanges({ cutoffTreeSize: 6, ledgerTreeSize: 12 }).toArray()).toEqual([
      { first: 6, last: 6, offset: 0 },
    ]);
    const root = sealSet(once.sealedRanges(sizes)).root;
    for (let split = 0; split <= 14; split++) {
      const more = [...entries, offline(12, 'g', 56, 56, 4), sold(13, 'h', 57, 60, 9)];
      const parts = readAll(readAll(new SalesFold('r1'), more, Math.min(split, 12)), more, 14);
      // Read past the seal (an upload at seq 12 recorded before the cut-off is after ledger.treeSize).
      expect(sealSet(parts.sealedRanges(sizes)).root).toBe(root);
    }
  });

  it('finds an early-bird cut-off size from the sales journaled before the cut-off time', () => {
    const fold = readAll(new SalesFold('r1', Date.UTC(2026, 11, 6, 12, 5)), journal, 10);
    // Sales at minutes 1, 2 and 4 (seqs 0, 2, 5) are before 12:05, the sale at seq 7 (12:06) is not.
    expect(fold.cutoffTreeSize).toBe(6);
    expect(readAll(new SalesFold('r1'), journal, 10).cutoffTreeSize).toBe(0);
  });

  it('refuses to seal beyond what it read, to read backwards, and entries outside the read', () => {
    const fold = readAll(new SalesFold('r1'), journal, 4);
    expect(() => fold.sealedRanges({ cutoffTreeSize: 4, ledgerTreeSize: 5 })).toThrow(/read to 4/);
    expect(() => fold.readUpTo(3)).toThrow(/not back to 3/);
    expect(() => fold.add([journal[0]], 6)).toThrow(/outside \[4, 6\)/);
    expect(() => fold.add([journal[5]], 6)).toThrow(/outside \[4, 6\)/);
  });

  it('reports an entry that cannot be read, naming it', () => {
    const fold = new SalesFold('r1');
    expect(() => fold.add([sold(0, 'a', 1, 5), voided(1, 'zz', 7, 9)], 2)).not.toThrow();
    expect(() => fold.sealedRanges({ cutoffTreeSize: 0, ledgerTreeSize: 0 })).not.toThrow();
    fold.readUpTo(2);
    expect(() => fold.sealedRanges({ cutoffTreeSize: 2, ledgerTreeSize: 2 })).toThrow(RaffleSalesError);
    expect(() =>
      new SalesFold('r1').add(
        [entry(0, TICKETS_SOLD, { orderId: 'a', raffleId: 'r1', first: 'x', last: 2 })],
        1,
      ),
    ).toThrow(/entry 0 \(TICKETS_SOLD\): payload.first must be an integer/);
  });
});
