// How the draw recomputation reads a journal: which entries sell or void ticket numbers, and which
// are seals and draws. The seal and draw entries are this module's own (draw-entries.ts); the sale
// and void entries belong to the ticket module, so their mapping is handed in.

import type { JournalEntry } from '../../ledger/core/index.js';
import {
  DRAW_REDRAWN,
  DRAW_RESULT,
  DRAW_SEALED,
  type DrawRecord,
  type DrawSealedPayload,
  readDrawRedrawn,
  readDrawResult,
  readDrawSealed,
} from './draw-entries.js';
import {
  readRngRequest,
  readRngRequestAbandoned,
  RNG_REQUEST,
  RNG_REQUEST_ABANDONED,
  type RngRequestAbandonment,
  type RngRequestRecord,
} from './rng-request.js';
import type { TicketRange } from './ticket-range.js';

/** Ticket ranges of one raffle named by one entry. */
export interface RaffleRanges {
  raffleId: string;
  ranges: readonly TicketRange[];
  /**
   * For a sale recorded at a device and uploaded later (offline POS): the sale time the device
   * recorded (epoch ms). A `fairdraw-seal-v2` set counts such a sale by this time (docs/draws.md 1.1).
   */
  deviceSaleTime?: number;
}

/**
 * Reads sales and voids from journal entries. Both functions are called once for every well-formed
 * entry, in seq order, so they may keep state (e.g. the range of each order, for a void entry that
 * names orders rather than numbers). Return undefined for an entry that sells (voids) nothing. Throw
 * to report a malformed entry; the message is reported at the entry.
 */
export interface SalesMapping {
  soldRanges(entry: Readonly<JournalEntry>): readonly RaffleRanges[] | undefined;
  voidedRanges(entry: Readonly<JournalEntry>): readonly RaffleRanges[] | undefined;
}

/** Reads seals and draws from journal entries; throw (e.g. DrawFormatError) for a malformed one. */
export interface DrawMapping {
  sealed(entry: Readonly<JournalEntry>): DrawSealedPayload | undefined;
  drawn(entry: Readonly<JournalEntry>): DrawRecord | undefined;
  /** The RNG module's record of a request (RNG_REQUEST), which a draw's bytes are bound to. */
  rngRequest(entry: Readonly<JournalEntry>): RngRequestRecord | undefined;
  /** A draw's request given up without a draw (RNG_REQUEST_ABANDONED); the default mapping's if absent. */
  rngRequestAbandoned?(entry: Readonly<JournalEntry>): RngRequestAbandonment | undefined;
}

export type DrawJournalAdapter = SalesMapping & DrawMapping;

/** The mapping of DRAW_SEALED, DRAW_RESULT and DRAW_REDRAWN entries as docs/draws.md specifies them. */
export const defaultDrawMapping: DrawMapping = {
  sealed: (entry) => (entry.type === DRAW_SEALED ? readDrawSealed(entry.payload) : undefined),
  drawn: (entry) => {
    if (entry.type === DRAW_RESULT) return { kind: 'result', payload: readDrawResult(entry.payload) };
    if (entry.type === DRAW_REDRAWN) return { kind: 'redraw', payload: readDrawRedrawn(entry.payload) };
    return undefined;
  },
  rngRequest: (entry) => (entry.type === RNG_REQUEST ? readRngRequest(entry.payload) : undefined),
  rngRequestAbandoned: (entry) =>
    entry.type === RNG_REQUEST_ABANDONED ? readRngRequestAbandoned(entry.payload) : undefined,
};

/** The adapter for a journal whose sales and voids `sales` reads, with this module's draw entries. */
export function drawJournalAdapter(
  sales: SalesMapping,
  draws: DrawMapping = defaultDrawMapping,
): DrawJournalAdapter {
  return {
    soldRanges: (entry) => sales.soldRanges(entry),
    voidedRanges: (entry) => sales.voidedRanges(entry),
    sealed: (entry) => draws.sealed(entry),
    drawn: (entry) => draws.drawn(entry),
    rngRequest: (entry) => draws.rngRequest(entry),
    rngRequestAbandoned: (entry) =>
      (draws.rngRequestAbandoned ?? defaultDrawMapping.rngRequestAbandoned!)(entry),
  };
}
