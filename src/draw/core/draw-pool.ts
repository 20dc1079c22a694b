// The positions a draw selects from: the sealed set minus the excluded tickets (earlier winners,
// disqualified tickets; see docs/draws.md section 4.3), in ticket-number order. Pool position p is
// the p-th sealed position that is not excluded, so the pool has count - excluded positions and every
// remaining ticket keeps exactly one pool position: a uniform pool position is a uniform eligible
// ticket. The sealed set never changes; exclusion is a pure function of journaled winners.

import type { SealedRanges } from './sealed-ranges.js';

export class DrawPool {
  private constructor(
    /** Tickets in the sealed set. */
    readonly count: number,
    /** Sealed positions left out, ascending, distinct. */
    readonly excludedPositions: readonly number[],
  ) {}

  /** A pool over `count` sealed positions without the given ones (any order, distinct, each < count). */
  static of(count: number, excludedPositions: readonly number[]): DrawPool {
    const sorted = [...excludedPositions].sort((a, b) => a - b);
    sorted.forEach((p, i) => {
      if (!Number.isSafeInteger(p) || p < 0 || p >= count) {
        throw new RangeError(`excluded position ${p} is not a position of a set of ${count} tickets`);
      }
      if (i > 0 && sorted[i - 1] === p) throw new RangeError(`position ${p} is excluded twice`);
    });
    return new DrawPool(count, sorted);
  }

  /** The pool of a sealed set without the given tickets, each of which must be in the set once. */
  static excluding(ranges: SealedRanges, excludedTickets: readonly number[]): DrawPool {
    const positions = excludedTickets.map((ticket) => {
      const position = ranges.positionOf(ticket);
      if (position === undefined) throw new RangeError(`excluded ticket ${ticket} is not in the sealed set`);
      return position;
    });
    return DrawPool.of(ranges.count, positions);
  }

  /** Number of positions to draw from. */
  get size(): number {
    return this.count - this.excludedPositions.length;
  }

  /** The sealed position of pool position p: p, moved past every excluded position at or before it. */
  sealedPosition(poolPosition: number): number {
    if (!Number.isSafeInteger(poolPosition) || poolPosition < 0 || poolPosition >= this.size) {
      throw new RangeError(`pool position ${poolPosition} is out of range for a pool of ${this.size}`);
    }
    let q = poolPosition;
    for (const e of this.excludedPositions) {
      if (e > q) break;
      q++;
    }
    return q;
  }
}
