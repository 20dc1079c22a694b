import type { JournalEntry } from '../../src/ledger/core/entry.js';
import { auditSales, type SalesAuditInput, type StoredOrder } from './sales-audit.js';

/** Three sales (1, 2-6, 7) of which the second was voided, told to clients and journaled. */
function consistentRaffle(): SalesAuditInput {
  const order = (id: string, first: number, last: number, price: number, status: StoredOrder['status']) => ({
    id,
    status,
    first_number: first,
    last_number: last,
    ticket_count: last - first + 1,
    price_minor: price,
    verification_code: `code-${id}`,
    payment_provider: 'cash',
    payment_ref: null,
  });
  const orders = [
    order('a', 1, 1, 1_000, 'PAID'),
    order('b', 2, 6, 2_000, 'VOIDED'),
    order('c', 7, 7, 1_000, 'PAID'),
  ];
  const entry = (type: string, o: StoredOrder): JournalEntry => ({
    seq: 0,
    type,
    subject: 'raffle/r',
    payload: { orderId: o.id, first: o.first_number!, last: o.last_number!, priceMinor: o.price_minor },
    time: '2026-12-06T00:00:00.000Z',
    prevHash: '',
    hash: '',
  });
  return {
    acknowledged: orders.map((o) => ({
      key: `key-${o.id}`,
      orderId: o.id,
      first: o.first_number!,
      last: o.last_number!,
      totalMinor: o.price_minor,
      verificationCode: o.verification_code!,
    })),
    voided: new Set(['b']),
    orders,
    counter: {
      next_number: 8,
      sold_tickets: 2,
      held_tickets: 0,
      voided_tickets: 5,
      reserved_tickets: 0,
      returned_tickets: 0,
      paid_total_minor: 2_000,
      sold_orders: 2,
    },
    journal: [...orders.map((o) => entry('TICKETS_SOLD', o)), entry('TICKETS_VOIDED', orders[1])],
    reported: { paidTotalMinor: 2_000, prizeMinor: 1_000, consistent: true },
    prize: { shareBps: 5_000, seedMinor: 0 },
    everySaleAcknowledged: true,
  };
}

describe('the sales audit every drill ends with', () => {
  it('passes a consistent raffle and counts it', () => {
    const { violations, counts } = auditSales(consistentRaffle());
    expect(violations).toEqual([]);
    expect(counts).toMatchObject({
      orders: 3,
      paidOrders: 2,
      voidedOrders: 1,
      issuedNumbers: 7,
      paidTotalMinor: 2_000,
    });
  });

  it('finds an acknowledged sale that is missing', () => {
    const input = consistentRaffle();
    input.orders = input.orders.filter((o) => o.id !== 'c');
    input.journal = input.journal.slice(0, 2).concat(input.journal.slice(3));
    expect(auditSales(input).violations.join('\n')).toMatch(/acknowledged sale c .* does not exist/);
  });

  it('finds a number sold twice and a number lost without a void', () => {
    const twice = consistentRaffle();
    twice.orders[2] = { ...twice.orders[2], first_number: 6, last_number: 6 };
    expect(auditSales(twice).violations.join('\n')).toMatch(/numbers 6-6 are sold twice/);
    const lost = consistentRaffle();
    lost.orders[1] = { ...lost.orders[1], status: 'CANCELLED', first_number: null, last_number: null };
    expect(auditSales(lost).violations.join('\n')).toMatch(/numbers 2-6 are lost/);
  });

  it('finds a sale committed but never acknowledged, and a receipt that differs from the order', () => {
    const phantom = consistentRaffle();
    phantom.acknowledged = phantom.acknowledged.filter((a) => a.orderId !== 'a');
    expect(auditSales(phantom).violations.join('\n')).toMatch(
      /order a \(PAID\) was committed but never acknowledged/,
    );
    const told = consistentRaffle();
    told.acknowledged[0] = { ...told.acknowledged[0], verificationCode: 'other' };
    expect(auditSales(told).violations.join('\n')).toMatch(/another validation number/);
  });

  it('finds a 50/50 pot or counter that does not equal the paid orders', () => {
    const pot = consistentRaffle();
    pot.reported = { ...pot.reported, prizeMinor: 1_500 };
    expect(auditSales(pot).violations.join('\n')).toMatch(/reported 50\/50 prize 1500 != .* 1000/);
    const counter = consistentRaffle();
    counter.counter = { ...counter.counter, paid_total_minor: 3_000 };
    expect(auditSales(counter).violations.join('\n')).toMatch(/counter paid total 3000 != paid orders 2000/);
  });

  it('finds a sale journaled twice, a void not journaled, and a sale missing from the journal', () => {
    const input = consistentRaffle();
    input.journal = [input.journal[0], input.journal[0], input.journal[1]];
    const found = auditSales(input).violations.join('\n');
    expect(found).toMatch(/order a is journaled as sold twice/);
    expect(found).toMatch(/order b is VOIDED but its TICKETS_VOIDED entry is missing/);
    expect(found).toMatch(/order c \(PAID\) has no TICKETS_SOLD entry/);
  });
});
