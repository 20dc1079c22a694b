// How the ticket module's journal entries sell and void ticket numbers, for whoever reads the
// journal without the service: the draw service when it seals a draw set, and the offline verifier
// when it recomputes one (docs/draws.md section 7). Both run this same mapping over the same entries,
// so the set the service seals is by construction the set an auditor recomputes.
//
//   TICKETS_SOLD     {orderId, raffleId, first, last, priceMinor, ...}   one paid order's numbers
//   TICKETS_VOIDED   {orderId, raffleId, first, last, priceMinor, ...}   one order voided
//   TICKETS_VOIDED   {raffleId, orders, tickets, amountMinor, ...}        a cancellation: every number
//                                                                         still sold is voided
//
// Entries are about `raffle/<raffleId>`; an entry whose subject names another raffle is refused
// (thrown, so the verifier reports it at the entry), because a reader that selects a raffle's
// entries by subject would otherwise see a different set from one that reads the payload.

import type { JournalEntry } from '../../ledger/core/index.js';
import type { RaffleRanges, SalesMapping } from '../../draw/core/draw-journal-adapter.js';
import { normaliseTickets } from '../../draw/core/normalise-tickets.js';
import { TicketRangeBuffer } from '../../draw/core/ticket-range-buffer.js';

export const TICKETS_SOLD = 'TICKETS_SOLD';
export const TICKETS_VOIDED = 'TICKETS_VOIDED';
/** The entry types that change which numbers are sold. */
export const SALES_ENTRY_TYPES: readonly string[] = [TICKETS_SOLD, TICKETS_VOIDED];

/** Money moved by one entry: + for a sale, - for a void (integer minor units). */
export interface SalesAmount {
  raffleId: string;
  deltaMinor: number;
}

function field(payload: Record<string, unknown>, name: string, type: 'string' | 'number'): unknown {
  const value = payload[name];
  if (typeof value !== type || (type === 'number' && !Number.isSafeInteger(value))) {
    throw new Error(`payload.${name} must be ${type === 'number' ? 'an integer' : 'a string'}`);
  }
  return value;
}

function raffleOf(entry: Readonly<JournalEntry>): string {
  const raffleId = field(entry.payload, 'raffleId', 'string') as string;
  if (entry.subject !== `raffle/${raffleId}`) {
    throw new Error(
      `${entry.type} of raffle ${raffleId} is journaled under subject ${String(entry.subject)}`,
    );
  }
  return raffleId;
}

function rangeOf(entry: Readonly<JournalEntry>): { first: number; last: number } {
  return {
    first: field(entry.payload, 'first', 'number') as number,
    last: field(entry.payload, 'last', 'number') as number,
  };
}

/** Offline point-of-sale sales are recorded at the device and uploaded later (src/ticket/offline-pos). */
export const DEVICE_SALE_CHANNEL = 'POS_OFFLINE';

/**
 * The time a device recorded an offline sale (`soldAt`, epoch ms); undefined for other sales, whose
 * place in the journal is their time. An offline sale must name a valid time: the upload refuses one
 * without it, or after the upload.
 */
function deviceSaleTimeOf(entry: Readonly<JournalEntry>): number | undefined {
  if (entry.payload.channel !== DEVICE_SALE_CHANNEL) return undefined;
  const soldAt = entry.payload.soldAt;
  const time = typeof soldAt === 'string' ? Date.parse(soldAt) : NaN;
  if (!Number.isFinite(time) || new Date(time).toISOString() !== soldAt) {
    throw new Error('payload.soldAt of an offline sale must be a UTC ISO-8601 time with milliseconds');
  }
  return time;
}

/** A cancellation voids every number of the raffle still sold; per-order voids carry their range. */
function isCancellation(entry: Readonly<JournalEntry>): boolean {
  return entry.payload.orderId === undefined;
}

/**
 * The mapping of the ticket module's entries, with the state it needs (per raffle, the ranges sold
 * and voided so far, for a cancellation). Feed it every entry in seq order.
 */
export class TicketSalesJournal implements SalesMapping {
  private readonly raffles = new Map<string, { sold: TicketRangeBuffer; voided: TicketRangeBuffer }>();

  soldRanges(entry: Readonly<JournalEntry>): readonly RaffleRanges[] | undefined {
    if (entry.type !== TICKETS_SOLD) return undefined;
    const raffleId = raffleOf(entry);
    const range = rangeOf(entry);
    this.ranges(raffleId).sold.add(range.first, range.last);
    const deviceSaleTime = deviceSaleTimeOf(entry);
    return [{ raffleId, ranges: [range], ...(deviceSaleTime === undefined ? {} : { deviceSaleTime }) }];
  }

  voidedRanges(entry: Readonly<JournalEntry>): readonly RaffleRanges[] | undefined {
    if (entry.type !== TICKETS_VOIDED) return undefined;
    const raffleId = raffleOf(entry);
    const state = this.ranges(raffleId);
    if (!isCancellation(entry)) {
      const range = rangeOf(entry);
      state.voided.add(range.first, range.last);
      return [{ raffleId, ranges: [range] }];
    }
    // Everything still sold, as maximal ranges (a cancellation names counts, not numbers).
    const remaining = normaliseTickets({ sold: state.sold, voided: state.voided }).toArray();
    for (const r of remaining) state.voided.add(r.first, r.last);
    return [{ raffleId, ranges: remaining.map((r) => ({ first: r.first, last: r.last })) }];
  }

  /** The money of a sale (+) or void (-); call once per entry, in seq order, like the mapping. */
  amount(entry: Readonly<JournalEntry>): SalesAmount | undefined {
    if (entry.type === TICKETS_SOLD) {
      return {
        raffleId: raffleOf(entry),
        deltaMinor: field(entry.payload, 'priceMinor', 'number') as number,
      };
    }
    if (entry.type === TICKETS_VOIDED) {
      const name = isCancellation(entry) ? 'amountMinor' : 'priceMinor';
      return { raffleId: raffleOf(entry), deltaMinor: -(field(entry.payload, name, 'number') as number) };
    }
    return undefined;
  }

  private ranges(raffleId: string) {
    let state = this.raffles.get(raffleId);
    if (state === undefined) {
      state = { sold: new TicketRangeBuffer(), voided: new TicketRangeBuffer() };
      this.raffles.set(raffleId, state);
    }
    return state;
  }
}

/** A fresh mapping of the ticket module's sale and void entries (it keeps state: one per journal read). */
export function ticketSalesMapping(): TicketSalesJournal {
  return new TicketSalesJournal();
}
