import fc from 'fast-check';
import { normaliseTickets } from './normalise-tickets.js';
import { SealedRanges } from './sealed-ranges.js';
import { salesMix, SOLD } from './testing/sales-mix.js';
import type { TicketRange } from './ticket-range.js';
import { TicketRangeBuffer } from './ticket-range-buffer.js';
import { TicketRangeError } from './ticket-range-error.js';

/** The reference: expand every number into a set and read the maximal runs off it. */
function naive(
  sold: readonly TicketRange[],
  voided: readonly TicketRange[],
): { first: number; last: number; offset: number }[] {
  const eligible = new Set<number>();
  for (const r of sold) for (let t = r.first; t <= r.last; t++) eligible.add(t);
  for (const r of voided) for (let t = r.first; t <= r.last; t++) eligible.delete(t);
  const sorted = [...eligible].sort((a, b) => a - b);
  const out: { first: number; last: number; offset: number }[] = [];
  sorted.forEach((t, i) => {
    const last = out[out.length - 1];
    if (last !== undefined && last.last === t - 1) last.last = t;
    else out.push({ first: t, last: t, offset: i });
  });
  return out;
}

function thrown(f: () => unknown): TicketRangeError {
  try {
    f();
  } catch (error) {
    if (error instanceof TicketRangeError) return error;
    throw error;
  }
  throw new Error('expected a TicketRangeError');
}

describe('normaliseTickets', () => {
  it('merges adjacent orders into maximal ranges and cuts out voids, with offsets', () => {
    const ranges = normaliseTickets({
      sold: [
        { first: 11, last: 15 },
        { first: 1, last: 5 },
        { first: 6, last: 6 },
        { first: 20, last: 49 },
      ],
      voided: [
        { first: 3, last: 3 },
        { first: 20, last: 24 },
      ],
    });
    expect(ranges.toArray()).toEqual([
      { first: 1, last: 2, offset: 0 },
      { first: 4, last: 6, offset: 2 },
      { first: 11, last: 15, offset: 5 },
      { first: 25, last: 49, offset: 10 },
    ]);
    expect(ranges.count).toBe(35);
    expect(ranges.rangeCount).toBe(4);
  });

  it('gives the empty set for no sales, and for everything voided', () => {
    expect(normaliseTickets({ sold: [] }).count).toBe(0);
    const all = normaliseTickets({ sold: [{ first: 1, last: 5 }], voided: [{ first: 1, last: 5 }] });
    expect([all.count, all.rangeCount]).toEqual([0, 0]);
  });

  it('handles numbers up to 2^53 - 1', () => {
    const top = Number.MAX_SAFE_INTEGER;
    const ranges = normaliseTickets({
      sold: [{ first: top - 9, last: top }],
      voided: [{ first: top, last: top }],
    });
    expect(ranges.toArray()).toEqual([{ first: top - 9, last: top - 1, offset: 0 }]);
    expect(ranges.ticketAt(8)).toBe(top - 1);
  });

  it('refuses overlapping sales, naming both ranges', () => {
    const e = thrown(() =>
      normaliseTickets({
        sold: [
          { first: 1, last: 5 },
          { first: 10, last: 12 },
          { first: 4, last: 4 },
        ],
      }),
    );
    expect(e.problem).toBe('overlapping-sales');
    expect(e.at).toEqual({ range: { first: 4, last: 4 }, index: 2 });
    expect(e.other).toEqual({ range: { first: 1, last: 5 }, index: 0 });
    expect(e.message).toContain(
      'ticket 4 [sold range #2] overlaps tickets 1-5 [sold range #0]: ticket 4 sold twice',
    );
  });

  it('refuses the same range sold twice, and overlapping voids', () => {
    expect(
      thrown(() =>
        normaliseTickets({
          sold: [
            { first: 7, last: 9 },
            { first: 7, last: 9 },
          ],
        }),
      ).problem,
    ).toBe('overlapping-sales');
    const e = thrown(() =>
      normaliseTickets({
        sold: [{ first: 1, last: 10 }],
        voided: [
          { first: 2, last: 4 },
          { first: 4, last: 6 },
        ],
      }),
    );
    expect(e.problem).toBe('overlapping-voids');
    expect(e.message).toContain('ticket 4 voided twice');
  });

  it.each([
    [{ first: 0, last: 3 }],
    [{ first: 5, last: 4 }],
    [{ first: 1.5, last: 3 }],
    [{ first: 1, last: 2 ** 53 }],
    [{ first: Number.NaN, last: 3 }],
  ])('refuses an invalid range %j', (bad) => {
    const e = thrown(() => normaliseTickets({ sold: [{ first: 1, last: 1 }, bad] }));
    expect(e.problem).toBe('invalid-range');
    expect(e.at.index).toBe(1);
  });

  it('refuses a void of numbers never sold, wherever it lies', () => {
    const sold = [
      { first: 10, last: 19 },
      { first: 30, last: 39 },
    ];
    for (const [v, ticket] of [
      [{ first: 5, last: 5 }, 5],
      [{ first: 8, last: 12 }, 8],
      [{ first: 18, last: 22 }, 20],
      [{ first: 25, last: 25 }, 25],
      [{ first: 39, last: 40 }, 40],
      [{ first: 50, last: 60 }, 50],
    ] as const) {
      const e = thrown(() => normaliseTickets({ sold, voided: [v] }));
      expect(e.problem).toBe('void-not-sold');
      expect(e.message).toContain(`voids ticket ${ticket}, which was not sold`);
    }
  });

  it("with voidsOutsideSold 'ignore', cuts only the voided numbers that were sold", () => {
    const ranges = normaliseTickets({
      sold: [
        { first: 10, last: 19 },
        { first: 30, last: 39 },
      ],
      voided: [
        { first: 5, last: 11 },
        { first: 18, last: 31 },
        { first: 45, last: 50 },
      ],
      voidsOutsideSold: 'ignore',
    });
    expect(ranges.toArray()).toEqual([
      { first: 12, last: 17, offset: 0 },
      { first: 32, last: 39, offset: 6 },
    ]);
  });

  it('names the journal entry of a range through its tag', () => {
    const sold = new TicketRangeBuffer();
    sold.add(1, 5, 17);
    sold.add(3, 3, 52);
    const e = thrown(() => normaliseTickets({ sold }));
    expect([e.at.tag, e.other?.tag]).toEqual([52, 17]);
  });

  it('equals the number-by-number reference on random sales and voids (property)', () => {
    const arbitrary = fc
      .array(
        fc.record({
          gap: fc.integer({ min: 0, max: 3 }),
          size: fc.integer({ min: 1, max: 6 }),
          voided: fc.boolean(),
          part: fc.boolean(),
        }),
        {
          maxLength: 40,
        },
      )
      .chain((orders) =>
        fc.tuple(
          fc.constant(orders),
          fc.shuffledSubarray(
            orders.map((_, i) => i),
            { minLength: orders.length },
          ),
        ),
      );
    fc.assert(
      fc.property(arbitrary, ([orders, order]) => {
        const sold: TicketRange[] = [];
        const voided: TicketRange[] = [];
        let next = 1;
        for (const o of orders) {
          next += o.gap;
          const r = { first: next, last: next + o.size - 1 };
          sold.push(r);
          if (o.voided) voided.push(o.part ? { first: r.last, last: r.last } : r);
          next = r.last + 1;
        }
        const shuffled = order.map((i) => sold[i]);
        const ranges = normaliseTickets({ sold: shuffled, voided: voided.reverse() });
        expect(ranges.toArray()).toEqual(naive(sold, voided));
        SealedRanges.fromRanges(ranges.toArray()); // canonical: sorted, maximal, exact offsets
      }),
      { numRuns: 500 },
    );
  });

  it('sorts large unsorted inputs (radix path) exactly like the reference', () => {
    const mix = salesMix(60_000, 7, 0.05);
    expect(mix.sold.length).toBeGreaterThan(3000);
    const ranges = normaliseTickets({ sold: mix.sold, voided: mix.voided });
    expect(ranges.toArray()).toEqual(naive(mix.sold, mix.voided));
    expect(ranges.count).toBe(mix.soldCount - mix.voidedCount);
    // Every position maps to an eligible ticket and back.
    for (let p = 0; p < ranges.count; p += 97) {
      const t = ranges.ticketAt(p);
      expect(mix.status[t]).toBe(SOLD);
      expect(ranges.positionOf(t)).toBe(p);
    }
  });

  it('reports overlaps found only after sorting a large input', () => {
    const mix = salesMix(60_000, 8);
    const sold = [...mix.sold, { first: mix.sold[1234].last, last: mix.sold[1234].last }];
    const e = thrown(() => normaliseTickets({ sold }));
    expect(e.problem).toBe('overlapping-sales');
    expect([e.at.index, e.other?.index].sort((a, b) => a! - b!)).toEqual([1234, sold.length - 1]);
  });
});
