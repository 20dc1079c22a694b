/**
 * Ticket-number allocation for one batch of orders of one raffle, as pure arithmetic over the
 * raffle's counter row (locked by the batch): numbers are consecutive and never reused, each
 * accepted order gets the next contiguous range, and an order that does not fit (window, capacity,
 * buyer limit) is refused on its own without disturbing its neighbours.
 */

export interface CounterState {
  /** The next number to issue; 1..nextNumber-1 are issued (sold, voided, or in a reserved block). */
  nextNumber: number;
  maxTickets: number;
  /** Tickets paid and not voided. */
  sold: number;
  /** Tickets held by orders awaiting payment (no numbers yet). */
  held: number;
  /** Unsold numbers in reserved blocks still out on seller devices. */
  reserved: number;
  voided: number;
  returned: number;
  paidTotalMinor: number;
  soldOrders: number;
  salesOpen: boolean;
  salesOpenAt: Date;
  salesCloseAt: Date;
}

export type Demand =
  /** A sale paid in the same transaction (cash, test provider): numbers now. */
  | { kind: 'sale'; tickets: number; priceMinor: number; buyerKey: string | null }
  /** An online order awaiting payment: capacity held, numbers only once paid. */
  | { kind: 'hold'; tickets: number; priceMinor: number; buyerKey: string | null }
  /** The payment of a held order arrived: its numbers now. */
  | { kind: 'issue'; tickets: number; priceMinor: number };

export type Refusal = 'SALES_CLOSED' | 'SALES_NOT_STARTED' | 'SOLD_OUT' | 'BUYER_LIMIT';

export type Allocation =
  | { ok: true; first: number; last: number }
  | { ok: true; first: null; last: null }
  | { ok: false; refusal: Refusal };

export interface BuyerLimits {
  /** Most tickets one identified buyer may hold in the raffle, or null for no limit. */
  limit: number | null;
  /** Tickets each buyer already holds (sold or awaiting payment). */
  tallies: ReadonlyMap<string, number>;
}

export interface BatchAllocation {
  allocations: Allocation[];
  counter: CounterState;
  /** Tickets to add to each buyer's tally. */
  buyerIncrements: Map<string, number>;
}

export function committedTickets(counter: CounterState): number {
  return counter.sold + counter.held + counter.reserved;
}

export function windowRefusal(counter: CounterState, now: Date): Refusal | undefined {
  if (!counter.salesOpen || now.getTime() >= counter.salesCloseAt.getTime()) return 'SALES_CLOSED';
  if (now.getTime() < counter.salesOpenAt.getTime()) return 'SALES_NOT_STARTED';
  return undefined;
}

export function allocate(
  start: CounterState,
  demands: readonly Demand[],
  now: Date,
  buyers: BuyerLimits = { limit: null, tallies: new Map() },
): BatchAllocation {
  const counter = { ...start };
  const buyerIncrements = new Map<string, number>();
  const closed = windowRefusal(counter, now);
  const allocations = demands.map((demand): Allocation => {
    if (demand.kind === 'issue') {
      if (closed) {
        // Paid too late: the hold is released and the caller refunds the payment.
        counter.held -= demand.tickets;
        return { ok: false, refusal: closed };
      }
      counter.held -= demand.tickets;
      return sell(counter, demand.tickets, demand.priceMinor);
    }
    if (closed) return { ok: false, refusal: closed };
    if (committedTickets(counter) + demand.tickets > counter.maxTickets)
      return { ok: false, refusal: 'SOLD_OUT' };
    if (demand.buyerKey !== null && buyers.limit !== null) {
      const held = (buyers.tallies.get(demand.buyerKey) ?? 0) + (buyerIncrements.get(demand.buyerKey) ?? 0);
      if (held + demand.tickets > buyers.limit) return { ok: false, refusal: 'BUYER_LIMIT' };
    }
    if (demand.buyerKey !== null) {
      buyerIncrements.set(demand.buyerKey, (buyerIncrements.get(demand.buyerKey) ?? 0) + demand.tickets);
    }
    if (demand.kind === 'hold') {
      counter.held += demand.tickets;
      return { ok: true, first: null, last: null };
    }
    return sell(counter, demand.tickets, demand.priceMinor);
  });
  return { allocations, counter, buyerIncrements };
}

function sell(counter: CounterState, tickets: number, priceMinor: number): Allocation {
  const first = counter.nextNumber;
  counter.nextNumber += tickets;
  counter.sold += tickets;
  counter.paidTotalMinor += priceMinor;
  counter.soldOrders += 1;
  return { ok: true, first, last: first + tickets - 1 };
}
