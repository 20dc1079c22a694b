// Recomputing a DRAW_SEALED entry from the journal before it: the set is every number sold by an
// entry at seq < cutoff.treeSize (under fairdraw-seal-v2, also by a sale recorded at a device before
// cutoff.time and journaled at seq < ledger.treeSize) and not voided by an entry at seq <
// ledger.treeSize (docs/draws.md sections 1.1, 5.1). All voids are checked against all sales up to
// ledger.treeSize, so a void of a number never sold is reported even when it concerns a sale after an
// early-bird cut-off.

import { normaliseTickets } from './normalise-tickets.js';
import { SEAL_ALGORITHM_DEVICE_TIME } from './draw-algorithm.js';
import type { DrawSealedPayload } from './draw-entries.js';
import type { RaffleState } from './draw-check-state.js';
import type { SealedRanges } from './sealed-ranges.js';
import { sealSet } from './sealed-set.js';
import type { TicketRangeBuffer } from './ticket-range-buffer.js';
import { describeRange } from './ticket-range.js';
import { type IndexedRange, TicketRangeError } from './ticket-range-error.js';

export interface SealRecomputation {
  /** The recomputed set; undefined when the sales and voids themselves are inconsistent. */
  ranges: SealedRanges | undefined;
  /** True when the recomputed set has the journaled count, range count and root. */
  matches: boolean;
  problems: string[];
}

function located(r: IndexedRange, verb: string): string {
  return `${describeRange(r.range.first, r.range.last)} ${verb} at entry ${r.tag}`;
}

/** A TicketRangeError in the words of the journal: which entries sold or voided what. */
function journalMessage(error: TicketRangeError): string {
  switch (error.problem) {
    case 'overlapping-sales':
      return `${located(error.at, 'sold')} overlaps ${located(error.other!, 'sold')}: ticket ${error.at.range.first} sold twice`;
    case 'overlapping-voids':
      return `${located(error.at, 'voided')} overlaps ${located(error.other!, 'voided')}: ticket ${error.at.range.first} voided twice`;
    case 'void-not-sold':
      return `${located(error.at, 'voided')}, but not all of them were sold before entry ${error.at.tag}: ${error.message}`;
    default:
      return error.message;
  }
}

/** The tree sizes a seal is taken at (docs/draws.md section 1.1). */
export interface SealSizes {
  /** Sales journaled at seq < cutoffTreeSize are in. */
  cutoffTreeSize: number;
  /** Voids journaled at seq < ledgerTreeSize are out. */
  ledgerTreeSize: number;
  /**
   * `fairdraw-seal-v2` (a set sealed during sales): the cut-off instant (epoch ms). Sales recorded at a
   * device before it and journaled at cutoffTreeSize <= seq < ledgerTreeSize are in too.
   */
  deviceCutoffMs?: number;
}

/** The sizes (and, under fairdraw-seal-v2, the cut-off instant) a journaled seal was taken at. */
export function sealSizesOf(seal: DrawSealedPayload): SealSizes {
  return {
    cutoffTreeSize: seal.cutoff.treeSize,
    ledgerTreeSize: seal.ledger.treeSize,
    ...(seal.algorithm === SEAL_ALGORITHM_DEVICE_TIME
      ? { deviceCutoffMs: Date.parse(seal.cutoff.time) }
      : {}),
  };
}

/**
 * The sales in a seal's set: those journaled below the cut-off size, and under fairdraw-seal-v2 those
 * recorded at a device before the cut-off instant and journaled (uploaded) later, below the ledger size.
 */
function soldInSet(raffle: RaffleState, sizes: SealSizes): TicketRangeBuffer {
  const sold = raffle.sold.filterTagBelow(sizes.cutoffTreeSize);
  if (sizes.deviceCutoffMs === undefined) return sold;
  raffle.deviceSaleIndexes.forEach((i, k) => {
    const seq = raffle.sold.tag(i)!;
    if (
      raffle.deviceSaleTimes[k] < sizes.deviceCutoffMs! &&
      seq >= sizes.cutoffTreeSize &&
      seq < sizes.ledgerTreeSize
    )
      sold.add(raffle.sold.first(i), raffle.sold.last(i), seq);
  });
  return sold;
}

/**
 * The set of a seal from a raffle's sales and voids (tagged with their seq): sales below the cut-off,
 * minus voids below the ledger size, every void checked against every sale below the ledger size.
 * The service seals with it and the recomputation checks with it. Throws TicketRangeError.
 */
export function sealedRangesAt(raffle: RaffleState, sizes: SealSizes): SealedRanges {
  const voided = raffle.voided.filterTagBelow(sizes.ledgerTreeSize);
  const earlyBird = sizes.cutoffTreeSize < sizes.ledgerTreeSize;
  if (earlyBird) normaliseTickets({ sold: raffle.sold.filterTagBelow(sizes.ledgerTreeSize), voided });
  return normaliseTickets({
    sold: soldInSet(raffle, sizes),
    voided,
    voidsOutsideSold: earlyBird ? 'ignore' : 'reject',
  });
}

/** A TicketRangeError in the words of the journal (which entries sold or voided what). */
export function describeSealFailure(error: TicketRangeError): string {
  return journalMessage(error);
}

export function recomputeSeal(raffle: RaffleState, seal: DrawSealedPayload): SealRecomputation {
  try {
    const ranges = sealedRangesAt(raffle, sealSizesOf(seal));
    const set = sealSet(ranges);
    const problems: string[] = [];
    const differences = (['count', 'rangeCount', 'root'] as const)
      .filter((key) => set[key] !== seal[key])
      .map((key) => `${key} ${seal[key]} journaled, ${set[key]} recomputed`);
    if (differences.length > 0) {
      problems.push(
        `seal ${seal.sealId} of raffle ${seal.raffleId} does not match its sales (entries before ${seal.cutoff.treeSize}` +
          (seal.algorithm === SEAL_ALGORITHM_DEVICE_TIME
            ? `, and sales recorded at a device before ${seal.cutoff.time} journaled before ${seal.ledger.treeSize}) `
            : ') ') +
          `and voids (entries before ${seal.ledger.treeSize}): ${differences.join(', ')}`,
      );
    }
    return { ranges, matches: problems.length === 0, problems };
  } catch (error) {
    if (!(error instanceof TicketRangeError)) throw error;
    return {
      ranges: undefined,
      matches: false,
      problems: [
        `seal ${seal.sealId} of raffle ${seal.raffleId} cannot be recomputed: ${journalMessage(error)}`,
      ],
    };
  }
}
