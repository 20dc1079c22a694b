// What the draw recomputation remembers while it reads a journal in seq order.

import type { PriorDraw } from './exclusion.js';
import type { SealedRanges } from './sealed-ranges.js';
import type { SetCommitment } from './set-commitment.js';
import { TicketRangeBuffer } from './ticket-range-buffer.js';

export class RaffleState {
  /** Sold ranges, tagged with the seq of the entry that sold them. */
  readonly sold = new TicketRangeBuffer();
  /** Voided ranges, tagged with the seq of the entry that voided them. */
  readonly voided = new TicketRangeBuffer();
  /** The sold ranges recorded at a device (offline POS): their index in `sold`, ascending... */
  readonly deviceSaleIndexes: number[] = [];
  /** ... and the sale time the device recorded (epoch ms). */
  readonly deviceSaleTimes: number[] = [];
  /** The raffle's draws so far, in journal order (what the exclusion rule is computed from). */
  readonly draws: PriorDraw[] = [];
  /** The first draw of each prize: prize id -> draw id. */
  readonly prizeDraws = new Map<string, string>();
  /** The seal that closed the raffle's sales, if any: later sales are in no draw set. */
  closedBy: { sealId: string; seq: number; cutoff: number } | undefined;

  /** Records a sale (tagged with its entry's seq), with the time a device recorded it, if any. */
  addSold(first: number, last: number, seq: number, deviceSaleTime?: number): void {
    if (deviceSaleTime !== undefined) {
      this.deviceSaleIndexes.push(this.sold.length);
      this.deviceSaleTimes.push(deviceSaleTime);
    }
    this.sold.add(first, last, seq);
  }

  /** How many sales recorded at a device before `timeMs` were read. */
  deviceSalesBefore(timeMs: number): number {
    let count = 0;
    for (const time of this.deviceSaleTimes) if (time < timeMs) count++;
    return count;
  }
}

/**
 * 'recomputed': the journaled commitment is the one recomputed; 'mismatch': it is not; 'inconsistent':
 * the sales and voids before it cannot form a set (a number sold twice...); 'unverifiable': the
 * journal read does not hold every sale (a partial export) or the seal's algorithm is unknown.
 */
export type SealStatus = 'recomputed' | 'mismatch' | 'inconsistent' | 'unverifiable';

export interface SealState {
  raffleId: string;
  prizeIds: ReadonlySet<string>;
  seq: number;
  /** As journaled. */
  commitment: SetCommitment;
  /** The set recomputed from the journal; undefined when it could not be (partial export, bad sales). */
  ranges: SealedRanges | undefined;
  status: SealStatus;
}

/** A DRAW_RESULT: the draw of a prize, whose winners redraws may replace. */
export interface DrawState {
  raffleId: string;
  prizeId: string;
  sealId: string;
  seq: number;
}

export interface DrawCheckSummary {
  /** DRAW_SEALED entries read. */
  seals: number;
  /** Seals whose count, range count and root were recomputed and matched. */
  sealsRecomputed: number;
  /** DRAW_RESULT and DRAW_REDRAWN entries read. */
  draws: number;
  /** Draws whose winners were replayed from the journaled bytes and matched. */
  drawsReplayed: number;
  redraws: number;
  /** Draws made with an RNG not marked certified (allowed in development, never in production). */
  uncertifiedDraws: number;
  /** Things that could not be checked, and why (not failures: e.g. a partial export). */
  notChecked: string[];
  /**
   * Warnings: RNG requests journaled for a draw (`draw` member) that no draw used and none abandoned by
   * the end of the read: a draw that crashed after its request and has not run again yet, or is running
   * (docs/draws.md 7). The service reuses such a request when the draw runs again.
   */
  rngRequestsPending: string[];
  /** Warnings: draws' RNG requests given up (RNG_REQUEST_ABANDONED), with the reason journaled. */
  rngRequestsAbandoned: string[];
}

export function newSummary(): DrawCheckSummary {
  return {
    seals: 0,
    sealsRecomputed: 0,
    draws: 0,
    drawsReplayed: 0,
    redraws: 0,
    uncertifiedDraws: 0,
    notChecked: [],
    rngRequestsPending: [],
    rngRequestsAbandoned: [],
  };
}
