// A stand-in for the ticket module's sale and void entries, for tests only: TICKETS_SOLD carries the
// order's numbers; ORDER_VOIDED names only the order, so the mapping remembers each order's range
// (the adapter may keep state: it sees every entry in seq order).

import type { JournalEntry } from '../../../ledger/core/index.js';
import type { RaffleRanges, SalesMapping } from '../draw-journal-adapter.js';

export const SOLD_TYPE = 'TICKETS_SOLD';
export const VOIDED_TYPE = 'ORDER_VOIDED';

export function sampleSalesMapping(options: { skipUnknownOrders?: boolean } = {}): SalesMapping {
  const orders = new Map<string, RaffleRanges>();
  return {
    soldRanges(entry: Readonly<JournalEntry>) {
      if (entry.type !== SOLD_TYPE) return undefined;
      const { orderId, raffleId, first, last, channel, soldAt } = entry.payload as {
        orderId: string;
        raffleId: string;
        first: number;
        last: number;
        channel?: string;
        soldAt?: string;
      };
      // Sales recorded at a device carry the time it recorded (the ticket module's POS_OFFLINE).
      const sold: RaffleRanges = {
        raffleId,
        ranges: [{ first, last }],
        ...(channel === 'POS_OFFLINE' && soldAt !== undefined ? { deviceSaleTime: Date.parse(soldAt) } : {}),
      };
      orders.set(orderId, sold);
      return [sold];
    },
    voidedRanges(entry: Readonly<JournalEntry>) {
      if (entry.type !== VOIDED_TYPE) return undefined;
      const { orderId } = entry.payload as { orderId: string };
      const order = orders.get(orderId);
      if (order === undefined && options.skipUnknownOrders) return undefined;
      if (order === undefined) throw new Error(`voids order ${orderId}, which was never sold`);
      return [order];
    },
  };
}
