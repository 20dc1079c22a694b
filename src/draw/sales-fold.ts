// A raffle's sales and voids folded from its journal entries, read in seq order and kept, so that a
// seal reads only the entries journaled since the last read instead of the whole raffle again. The
// entries are read through the ticket module's mapping into the draw core's RaffleSales, exactly as
// the offline verifier reads them, so the set sealed from a fold is the set an auditor recomputes.
//
// Why a fold may be read past the sizes of a seal: every range carries the seq of the entry that sold
// or voided it, and a seal keeps only the ranges below its tree sizes (sealedRangesAt), so entries read
// later change nothing in an earlier seal's set. The paid total is a plain sum and has no such filter:
// it is exact only at `through`.

import type { JournalEntry } from '../ledger/core/index.js';
import { TICKETS_SOLD, type TicketSalesJournal, ticketSalesMapping } from '../ticket/core/sales-journal.js';
import { RaffleSales, type SealSizes, type SealedRanges } from './core/index.js';

export class SalesFold {
  private readonly mapping: TicketSalesJournal = ticketSalesMapping();
  readonly sales: RaffleSales;
  /** Every sale and void of the raffle with seq < through has been read, and nothing else. */
  private readTo = 0;
  private paid = 0;
  private cutoffSize = 0;

  /**
   * @param cutoffMs an early-bird cut-off (epoch ms): the fold then also finds 1 + the seq of the last
   * sale journaled before it (docs/draws.md section 11.1).
   */
  constructor(
    readonly raffleId: string,
    private readonly cutoffMs?: number,
  ) {
    this.sales = new RaffleSales(raffleId, this.mapping);
  }

  get through(): number {
    return this.readTo;
  }

  /** Paid, not voided sales (minor units) of every entry with seq < through. */
  get paidTotalMinor(): number {
    return this.paid;
  }

  /** 1 + the seq of the last sale journaled before the cut-off (0 if none or no cut-off). */
  get cutoffTreeSize(): number {
    return this.cutoffSize;
  }

  /**
   * Reads the raffle's sale and void entries with through <= seq < `to`, in seq order (the ledger's
   * entries about the raffle, of the sales types). Throws RaffleSalesError at the first entry that
   * cannot be read; the fold is then unusable (part of the page may have been read).
   */
  add(entries: readonly JournalEntry[], to: number): void {
    if (to < this.readTo) throw new Error(`the fold is read to ${this.readTo}, not back to ${to}`);
    for (const entry of entries) {
      if (entry.seq < this.readTo || entry.seq >= to) {
        throw new Error(`entry ${entry.seq} is outside [${this.readTo}, ${to})`);
      }
      this.sales.add(entry);
      const amount = this.mapping.amount(entry);
      if (amount?.raffleId === this.raffleId) this.paid += amount.deltaMinor;
      if (
        this.cutoffMs !== undefined &&
        entry.type === TICKETS_SOLD &&
        Date.parse(entry.time) < this.cutoffMs
      ) {
        this.cutoffSize = entry.seq + 1;
      }
    }
  }

  /** How many sales recorded at a device (offline POS) before `timeMs` the fold has read. */
  deviceSalesBefore(timeMs: number): number {
    return this.sales.state.deviceSalesBefore(timeMs);
  }

  /** Marks every entry with seq < `to` as read (after the pages up to it were added). */
  readUpTo(to: number): void {
    if (to < this.readTo) throw new Error(`the fold is read to ${this.readTo}, not back to ${to}`);
    this.readTo = to;
  }

  /** The sealed ranges at these sizes; both must be <= through. Throws RaffleSalesError. */
  sealedRanges(sizes: SealSizes): SealedRanges {
    if (sizes.cutoffTreeSize > this.readTo || sizes.ledgerTreeSize > this.readTo) {
      throw new Error(
        `the fold is read to ${this.readTo}: it cannot seal at ${sizes.cutoffTreeSize}/${sizes.ledgerTreeSize}`,
      );
    }
    return this.sales.sealedRanges(sizes);
  }
}
