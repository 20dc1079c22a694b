import fc from 'fast-check';
import { allocate, committedTickets, type CounterState, type Demand } from './number-allocation.js';

const NOW = new Date('2026-12-10T12:00:00Z');

function counter(overrides: Partial<CounterState> = {}): CounterState {
  return {
    nextNumber: 1,
    maxTickets: 100,
    sold: 0,
    held: 0,
    reserved: 0,
    voided: 0,
    returned: 0,
    paidTotalMinor: 0,
    soldOrders: 0,
    salesOpen: true,
    salesOpenAt: new Date('2026-12-01T00:00:00Z'),
    salesCloseAt: new Date('2026-12-24T00:00:00Z'),
    ...overrides,
  };
}

const sale = (tickets: number, priceMinor = 1_000, buyerKey: string | null = null): Demand => ({
  kind: 'sale',
  tickets,
  priceMinor,
  buyerKey,
});

describe('ticket-number allocation', () => {
  it('gives each order the next contiguous range and moves the counter', () => {
    const result = allocate(counter({ nextNumber: 41 }), [sale(1), sale(5, 2_000), sale(30, 5_000)], NOW);
    expect(result.allocations).toEqual([
      { ok: true, first: 41, last: 41 },
      { ok: true, first: 42, last: 46 },
      { ok: true, first: 47, last: 76 },
    ]);
    expect(result.counter).toMatchObject({ nextNumber: 77, sold: 36, paidTotalMinor: 8_000, soldOrders: 3 });
  });

  it('refuses only the order that does not fit, and lets a smaller one after it through', () => {
    const result = allocate(
      counter({ maxTickets: 10, sold: 4, nextNumber: 5 }),
      [sale(5), sale(5), sale(1)],
      NOW,
    );
    expect(result.allocations).toEqual([
      { ok: true, first: 5, last: 9 },
      { ok: false, refusal: 'SOLD_OUT' },
      { ok: true, first: 10, last: 10 },
    ]);
    expect(committedTickets(result.counter)).toBe(10);
  });

  it('counts held and reserved tickets against the maximum', () => {
    const result = allocate(counter({ maxTickets: 10, held: 4, reserved: 5 }), [sale(2), sale(1)], NOW);
    expect(result.allocations.map((a) => a.ok)).toEqual([false, true]);
  });

  it('refuses everything outside the sales window', () => {
    expect(allocate(counter({ salesOpen: false }), [sale(1)], NOW).allocations).toEqual([
      { ok: false, refusal: 'SALES_CLOSED' },
    ]);
    expect(allocate(counter({ salesCloseAt: NOW }), [sale(1)], NOW).allocations[0]).toEqual({
      ok: false,
      refusal: 'SALES_CLOSED',
    });
    expect(
      allocate(counter({ salesOpenAt: new Date(NOW.getTime() + 1) }), [sale(1)], NOW).allocations[0],
    ).toEqual({
      ok: false,
      refusal: 'SALES_NOT_STARTED',
    });
  });

  it('enforces the per-buyer limit across the batch and earlier orders', () => {
    const result = allocate(counter(), [sale(5, 1, 'b'), sale(5, 1, 'b'), sale(5, 1, 'c')], NOW, {
      limit: 12,
      tallies: new Map([['b', 3]]),
    });
    expect(result.allocations.map((a) => a.ok)).toEqual([true, false, true]);
    expect(result.buyerIncrements).toEqual(
      new Map([
        ['b', 5],
        ['c', 5],
      ]),
    );
  });

  it('holds capacity for unpaid orders and issues their numbers when paid', () => {
    const held = allocate(
      counter({ nextNumber: 8 }),
      [{ kind: 'hold', tickets: 5, priceMinor: 2_000, buyerKey: null }],
      NOW,
    );
    expect(held.allocations).toEqual([{ ok: true, first: null, last: null }]);
    expect(held.counter).toMatchObject({ held: 5, nextNumber: 8, sold: 0 });
    const paid = allocate(held.counter, [{ kind: 'issue', tickets: 5, priceMinor: 2_000 }], NOW);
    expect(paid.allocations).toEqual([{ ok: true, first: 8, last: 12 }]);
    expect(paid.counter).toMatchObject({ held: 0, sold: 5, nextNumber: 13, paidTotalMinor: 2_000 });
    const late = allocate(
      { ...held.counter, salesOpen: false },
      [{ kind: 'issue', tickets: 5, priceMinor: 2_000 }],
      NOW,
    );
    expect(late.allocations).toEqual([{ ok: false, refusal: 'SALES_CLOSED' }]);
    expect(late.counter).toMatchObject({ held: 0, sold: 0, nextNumber: 8 });
  });

  it('never issues a number twice, never skips one, and never exceeds the maximum (property)', () => {
    const demand = fc.oneof(
      fc.record({
        kind: fc.constant('sale' as const),
        tickets: fc.integer({ min: 1, max: 30 }),
        priceMinor: fc.integer({ min: 1, max: 5_000 }),
        buyerKey: fc.constantFrom(null, 'x', 'y'),
      }),
      fc.record({
        kind: fc.constant('hold' as const),
        tickets: fc.integer({ min: 1, max: 30 }),
        priceMinor: fc.integer({ min: 1, max: 5_000 }),
        buyerKey: fc.constantFrom(null, 'x'),
      }),
    );
    fc.assert(
      fc.property(
        fc.array(fc.array(demand, { maxLength: 20 }), { maxLength: 10 }),
        fc.integer({ min: 1, max: 400 }),
        (batches, max) => {
          let state = counter({ maxTickets: max });
          const numbers: number[] = [];
          let paid = 0;
          for (const batch of batches) {
            const result = allocate(state, batch, NOW, { limit: 100, tallies: new Map() });
            result.allocations.forEach((a, i) => {
              if (a.ok && a.first !== null) {
                for (let n = a.first; n <= a.last; n++) numbers.push(n);
                paid += batch[i].priceMinor;
              }
            });
            state = result.counter;
            expect(committedTickets(state)).toBeLessThanOrEqual(max);
          }
          expect(numbers).toEqual(Array.from({ length: numbers.length }, (_, i) => i + 1));
          expect(state.nextNumber).toBe(numbers.length + 1);
          expect(state.paidTotalMinor).toBe(paid);
        },
      ),
    );
  });
});
