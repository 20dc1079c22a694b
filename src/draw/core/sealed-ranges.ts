// The canonical form of a draw set: sorted, disjoint, maximal ranges of eligible ticket numbers, each
// with its offset (the number of eligible tickets before it). Position p (0-based, in ticket-number
// order) is ticket first_i + (p - offset_i) in the range i with offset_i <= p < offset_i + size_i.

import { isTicketNumber } from './ticket-range.js';

/** One range of the sealed form. */
export interface SealedRange {
  readonly first: number;
  readonly last: number;
  /** Eligible tickets before this range. */
  readonly offset: number;
}

export class SealedRangesError extends Error {
  override readonly name = 'SealedRangesError';
}

/** Largest i in [0, n) with values[i] <= x, or -1 (values ascending). */
function floorIndex(values: Float64Array, n: number, x: number): number {
  let lo = 0;
  let hi = n - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    if (values[mid] <= x) {
      found = mid;
      lo = mid + 1;
    } else {
      hi = mid - 1;
    }
  }
  return found;
}

export class SealedRanges {
  private constructor(
    private readonly firsts: Float64Array,
    private readonly lasts: Float64Array,
    private readonly offsets: Float64Array,
    /** Number of eligible tickets. */
    readonly count: number,
  ) {}

  /** Trusted constructor for normaliseTickets: the arrays are already canonical. */
  static fromCanonicalArrays(firsts: Float64Array, lasts: Float64Array, offsets: Float64Array): SealedRanges {
    const n = firsts.length;
    const count = n === 0 ? 0 : offsets[n - 1] + lasts[n - 1] - firsts[n - 1] + 1;
    return new SealedRanges(firsts, lasts, offsets, count);
  }

  static empty(): SealedRanges {
    return new SealedRanges(new Float64Array(0), new Float64Array(0), new Float64Array(0), 0);
  }

  /**
   * Reads ranges that claim to be canonical (e.g. from a proof bundle or a stored seal) and checks
   * that they are: ticket numbers, first <= last, ascending, not adjacent (maximal), offsets exact.
   */
  static fromRanges(ranges: readonly SealedRange[]): SealedRanges {
    const n = ranges.length;
    const firsts = new Float64Array(n);
    const lasts = new Float64Array(n);
    const offsets = new Float64Array(n);
    let expectedOffset = 0;
    ranges.forEach((r, i) => {
      if (!isTicketNumber(r.first) || !isTicketNumber(r.last) || r.first > r.last) {
        throw new SealedRangesError(`range ${i} is not a range of ticket numbers`);
      }
      if (i > 0 && r.first <= lasts[i - 1] + 1) {
        throw new SealedRangesError(
          `range ${i} (first ${r.first}) must start after range ${i - 1} (last ${lasts[i - 1]}) with a gap`,
        );
      }
      if (r.offset !== expectedOffset) {
        throw new SealedRangesError(`range ${i} has offset ${r.offset}, expected ${expectedOffset}`);
      }
      firsts[i] = r.first;
      lasts[i] = r.last;
      offsets[i] = r.offset;
      expectedOffset += r.last - r.first + 1;
    });
    return new SealedRanges(firsts, lasts, offsets, expectedOffset);
  }

  /** Number of ranges (the leaves of the set's Merkle tree). */
  get rangeCount(): number {
    return this.firsts.length;
  }

  range(index: number): SealedRange {
    if (!Number.isInteger(index) || index < 0 || index >= this.rangeCount) {
      throw new RangeError(`range index ${index} is out of range for ${this.rangeCount} ranges`);
    }
    return { first: this.firsts[index], last: this.lasts[index], offset: this.offsets[index] };
  }

  /** The ticket at a 0-based position in ticket-number order. */
  ticketAt(position: number): number {
    if (!Number.isSafeInteger(position) || position < 0 || position >= this.count) {
      throw new RangeError(`position ${position} is out of range for a set of ${this.count} tickets`);
    }
    const i = floorIndex(this.offsets, this.rangeCount, position);
    return this.firsts[i] + (position - this.offsets[i]);
  }

  /** The 0-based position of a ticket in the set, or undefined if it is not in the set. */
  positionOf(ticket: number): number | undefined {
    const i = this.rangeIndexOf(ticket);
    return i < 0 ? undefined : this.offsets[i] + (ticket - this.firsts[i]);
  }

  has(ticket: number): boolean {
    return this.rangeIndexOf(ticket) >= 0;
  }

  /** Index of the range holding the ticket, or -1. */
  rangeIndexOf(ticket: number): number {
    if (!isTicketNumber(ticket)) return -1;
    const i = floorIndex(this.firsts, this.rangeCount, ticket);
    return i >= 0 && ticket <= this.lasts[i] ? i : -1;
  }

  /**
   * For a ticket that is not in the set: the index of the last range below it (-1 if none); the
   * range above it is that index + 1 (rangeCount if none).
   */
  rangeIndexBelow(ticket: number): number {
    return floorIndex(this.lasts, this.rangeCount, ticket);
  }

  *[Symbol.iterator](): IterableIterator<SealedRange> {
    for (let i = 0; i < this.rangeCount; i++) yield this.range(i);
  }

  toArray(): SealedRange[] {
    return [...this];
  }
}
