// One raffle's sales and voids read from its journal entries, as the draw service seals them: the
// same mapping and the same set computation as the offline recomputation (draw-check.ts), so the set
// the service journals is the set an auditor recomputes. Unlike the recomputation, which reports a
// problem and reads on, this refuses at the first entry that cannot be read: nothing is sealed from
// a journal the verifier would find fault with.

import type { JournalEntry } from '../../ledger/core/index.js';
import { RaffleState } from './draw-check-state.js';
import type { SalesMapping } from './draw-journal-adapter.js';
import { describeSealFailure, type SealSizes, sealedRangesAt } from './seal-recomputation.js';
import type { SealedRanges } from './sealed-ranges.js';
import { isTicketRange } from './ticket-range.js';
import { TicketRangeError } from './ticket-range-error.js';

export class RaffleSalesError extends Error {
  override readonly name = 'RaffleSalesError';
}

export class RaffleSales {
  readonly state = new RaffleState();
  private lastSeq = -1;

  constructor(
    readonly raffleId: string,
    private readonly mapping: SalesMapping,
  ) {}

  /** Feeds one entry (in seq order); ranges of other raffles are ignored. Throws RaffleSalesError. */
  add(entry: Readonly<JournalEntry>): void {
    if (entry.seq <= this.lastSeq) {
      throw new RaffleSalesError(
        `entry ${entry.seq} comes after entry ${this.lastSeq}: entries must be in seq order`,
      );
    }
    this.lastSeq = entry.seq;
    let sold, voided;
    try {
      sold = this.mapping.soldRanges(entry);
      voided = this.mapping.voidedRanges(entry);
    } catch (error) {
      throw new RaffleSalesError(`entry ${entry.seq} (${entry.type}): ${(error as Error).message}`);
    }
    for (const [what, named] of [
      ['sold', sold],
      ['voided', voided],
    ] as const) {
      for (const { raffleId, ranges, deviceSaleTime } of named ?? []) {
        if (raffleId !== this.raffleId) continue;
        for (const { first, last } of ranges) {
          if (!isTicketRange(first, last)) {
            throw new RaffleSalesError(
              `entry ${entry.seq}: ${what} range {first: ${String(first)}, last: ${String(last)}} is not a range of ticket numbers`,
            );
          }
          if (what === 'sold') this.state.addSold(first, last, entry.seq, deviceSaleTime);
          else this.state.voided.add(first, last, entry.seq);
        }
      }
    }
  }

  /** The sealed set at these tree sizes. Throws RaffleSalesError naming the entries at fault. */
  sealedRanges(sizes: SealSizes): SealedRanges {
    try {
      return sealedRangesAt(this.state, sizes);
    } catch (error) {
      if (error instanceof TicketRangeError) {
        throw new RaffleSalesError(`raffle ${this.raffleId}: ${describeSealFailure(error)}`);
      }
      throw error;
    }
  }
}
