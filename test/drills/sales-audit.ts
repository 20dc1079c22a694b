// The end-of-drill audit of one raffle's sales, as an auditor with superuser access sees them:
// what clients were told, the order rows, the counter row, and the journal. Pure (no I/O), so the
// checker itself is tested (sales-audit.spec.ts) and every drill applies the same rules.
import type { JournalEntry } from '../../src/ledger/core/entry.js';

/** A sale the service acknowledged to a client (201 with a receipt). */
export interface AcknowledgedSale {
  key: string;
  orderId: string;
  first: number;
  last: number;
  totalMinor: number;
  verificationCode: string;
}

/** An order row (ticket_order) as stored. */
export interface StoredOrder {
  id: string;
  status: 'PENDING_PAYMENT' | 'PAID' | 'VOIDED' | 'CANCELLED';
  first_number: number | null;
  last_number: number | null;
  ticket_count: number;
  price_minor: number;
  verification_code: string | null;
  payment_provider: string;
  payment_ref: string | null;
}

/** The raffle's counter row (ticket_counter). */
export interface StoredCounter {
  next_number: number;
  sold_tickets: number;
  held_tickets: number;
  voided_tickets: number;
  reserved_tickets: number;
  returned_tickets: number;
  paid_total_minor: number;
  sold_orders: number;
}

export interface SalesAuditInput {
  acknowledged: AcknowledgedSale[];
  /** Orders whose void the service acknowledged to a client. */
  voided: ReadonlySet<string>;
  orders: StoredOrder[];
  counter: StoredCounter;
  /** The journal entries about this raffle (subject raffle/<id>). */
  journal: JournalEntry[];
  /** The 50/50 figures the API reports (GET /v1/raffles/{id}/sales). */
  reported: { paidTotalMinor: number; prizeMinor: number | null; consistent: boolean };
  prize: { shareBps: number; seedMinor: number } | null;
  /**
   * Every committed sale must have been acknowledged to some client: true when clients retry
   * every unanswered request with its key until they get an answer (the crash drill's clients).
   */
  everySaleAcknowledged: boolean;
}

export interface SalesAuditCounts {
  orders: number;
  paidOrders: number;
  voidedOrders: number;
  issuedNumbers: number;
  paidTotalMinor: number;
  journalSales: number;
}

interface SoldPayload {
  orderId: string;
  first: number;
  last: number;
  priceMinor: number;
}

export function auditSales(input: SalesAuditInput): { violations: string[]; counts: SalesAuditCounts } {
  const violations: string[] = [];
  const fail = (message: string) => violations.push(message);
  const byId = new Map(input.orders.map((order) => [order.id, order]));

  // Every sale acknowledged to a client exists, exactly as the client was told.
  const keysOfOrder = new Map<string, string>();
  for (const ack of input.acknowledged) {
    const other = keysOfOrder.get(ack.orderId);
    if (other !== undefined && other !== ack.key)
      fail(`order ${ack.orderId} was acknowledged for two Idempotency-Keys (${other}, ${ack.key})`);
    keysOfOrder.set(ack.orderId, ack.key);
    const order = byId.get(ack.orderId);
    if (!order) {
      fail(
        `acknowledged sale ${ack.orderId} (key ${ack.key}, numbers ${ack.first}-${ack.last}) does not exist`,
      );
      continue;
    }
    if (order.first_number !== ack.first || order.last_number !== ack.last)
      fail(
        `order ${ack.orderId} holds ${order.first_number}-${order.last_number}, the client was told ${ack.first}-${ack.last}`,
      );
    if (order.price_minor !== ack.totalMinor)
      fail(`order ${ack.orderId} costs ${order.price_minor}, the client was told ${ack.totalMinor}`);
    if (order.verification_code !== ack.verificationCode)
      fail(`order ${ack.orderId} has another validation number than its receipt`);
    const expected = input.voided.has(ack.orderId) ? 'VOIDED' : 'PAID';
    if (order.status !== expected) fail(`order ${ack.orderId} is ${order.status}, expected ${expected}`);
  }
  for (const orderId of input.voided) {
    if (byId.get(orderId)?.status !== 'VOIDED') fail(`acknowledged void of ${orderId} is not recorded`);
  }
  if (input.everySaleAcknowledged) {
    for (const order of input.orders) {
      if ((order.status === 'PAID' || order.status === 'VOIDED') && !keysOfOrder.has(order.id))
        fail(`order ${order.id} (${order.status}) was committed but never acknowledged to any client`);
    }
  }

  // Numbers: sold and voided orders tile 1..issued, each range as long as its package.
  const numbered = input.orders
    .filter((order) => order.status === 'PAID' || order.status === 'VOIDED')
    .sort((a, b) => (a.first_number ?? 0) - (b.first_number ?? 0));
  const issued = input.counter.next_number - 1;
  let expectedNext = 1;
  for (const order of numbered) {
    const { first_number: first, last_number: last } = order;
    if (first === null || last === null) {
      fail(`order ${order.id} is ${order.status} without ticket numbers`);
      continue;
    }
    if (last - first + 1 !== order.ticket_count)
      fail(`order ${order.id} holds ${first}-${last} for ${order.ticket_count} tickets`);
    if (first < expectedNext)
      fail(`numbers ${first}-${Math.min(last, expectedNext - 1)} are sold twice (order ${order.id})`);
    else if (first > expectedNext)
      fail(`numbers ${expectedNext}-${first - 1} are lost (in no order, not voided)`);
    expectedNext = Math.max(expectedNext, last + 1);
  }
  if (expectedNext - 1 < issued) fail(`numbers ${expectedNext}-${issued} were issued but are in no order`);
  if (expectedNext - 1 > issued)
    fail(`orders hold numbers up to ${expectedNext - 1}, but only ${issued} were issued`);
  for (const order of input.orders) {
    if ((order.status === 'PENDING_PAYMENT' || order.status === 'CANCELLED') && order.first_number !== null)
      fail(
        `order ${order.id} is ${order.status} but holds numbers ${order.first_number}-${order.last_number}`,
      );
  }

  // Money and the counter row agree with the orders.
  const paid = input.orders.filter((order) => order.status === 'PAID');
  const voidedOrders = input.orders.filter((order) => order.status === 'VOIDED');
  const sum = (list: StoredOrder[], field: 'price_minor' | 'ticket_count') =>
    list.reduce((total, order) => total + order[field], 0);
  const paidTotal = sum(paid, 'price_minor');
  const c = input.counter;
  if (c.paid_total_minor !== paidTotal)
    fail(`counter paid total ${c.paid_total_minor} != paid orders ${paidTotal}`);
  if (c.sold_tickets !== sum(paid, 'ticket_count'))
    fail(`counter sold ${c.sold_tickets} != tickets of paid orders ${sum(paid, 'ticket_count')}`);
  if (c.voided_tickets !== sum(voidedOrders, 'ticket_count'))
    fail(
      `counter voided ${c.voided_tickets} != tickets of voided orders ${sum(voidedOrders, 'ticket_count')}`,
    );
  if (c.sold_orders !== paid.length)
    fail(`counter sold orders ${c.sold_orders} != paid orders ${paid.length}`);
  const held = sum(
    input.orders.filter((order) => order.status === 'PENDING_PAYMENT'),
    'ticket_count',
  );
  if (c.held_tickets !== held) fail(`counter holds ${c.held_tickets} tickets, pending orders ${held}`);
  if (c.sold_tickets + c.voided_tickets + c.reserved_tickets + c.returned_tickets !== issued)
    fail(`sold + voided + reserved + returned != issued (${issued})`);

  // The 50/50 pot the service reports is the share of paid orders.
  if (input.reported.paidTotalMinor !== paidTotal)
    fail(`reported paid total ${input.reported.paidTotalMinor} != paid orders ${paidTotal}`);
  if (!input.reported.consistent) fail('the sales summary reports its numbers inconsistent');
  if (input.prize) {
    const expected =
      Number((BigInt(paidTotal) * BigInt(input.prize.shareBps)) / 10_000n) + input.prize.seedMinor;
    if (input.reported.prizeMinor !== expected)
      fail(
        `reported 50/50 prize ${input.reported.prizeMinor} != floor(${paidTotal} × share) + seed = ${expected}`,
      );
  }

  // The journal: one TICKETS_SOLD per numbered order with its range, one TICKETS_VOIDED per void.
  const sold = new Map<string, SoldPayload>();
  const voids = new Map<string, SoldPayload>();
  for (const entry of input.journal) {
    const payload = entry.payload as unknown as SoldPayload;
    if (entry.type === 'TICKETS_SOLD') {
      if (sold.has(payload.orderId)) fail(`order ${payload.orderId} is journaled as sold twice`);
      sold.set(payload.orderId, payload);
    } else if (entry.type === 'TICKETS_VOIDED' && payload.orderId !== undefined) {
      if (voids.has(payload.orderId)) fail(`order ${payload.orderId} is journaled as voided twice`);
      voids.set(payload.orderId, payload);
    }
  }
  for (const order of numbered) {
    const entry = sold.get(order.id);
    if (!entry) fail(`order ${order.id} (${order.status}) has no TICKETS_SOLD entry`);
    else if (
      entry.first !== order.first_number ||
      entry.last !== order.last_number ||
      entry.priceMinor !== order.price_minor
    )
      fail(`the TICKETS_SOLD entry of ${order.id} differs from the order`);
    if ((order.status === 'VOIDED') !== voids.has(order.id))
      fail(
        `order ${order.id} is ${order.status} but its TICKETS_VOIDED entry is ${voids.has(order.id) ? 'present' : 'missing'}`,
      );
  }
  const numberedIds = new Set(numbered.map((order) => order.id));
  for (const orderId of sold.keys()) {
    if (!numberedIds.has(orderId)) fail(`TICKETS_SOLD for ${orderId}, which is not a sold order`);
  }
  let journalPot = 0;
  for (const entry of sold.values()) journalPot += entry.priceMinor;
  for (const entry of voids.values()) journalPot -= entry.priceMinor;
  if (journalPot !== paidTotal)
    fail(`the journal's sales minus voids ${journalPot} != paid orders ${paidTotal}`);

  return {
    violations,
    counts: {
      orders: input.orders.length,
      paidOrders: paid.length,
      voidedOrders: voidedOrders.length,
      issuedNumbers: issued,
      paidTotalMinor: paidTotal,
      journalSales: sold.size,
    },
  };
}
