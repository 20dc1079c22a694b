// Sold minus voided, as the canonical sealed form (see sealed-ranges.ts).
//
// 1. Every range is checked (ticket numbers, first <= last).
// 2. Sold ranges are ordered by first number; two that share a number are refused (a ticket sold
//    twice is a bug to surface, not to merge). The same for voided ranges.
// 3. Adjacent sold ranges are merged into maximal runs, the voids are cut out of the runs, and each
//    remaining piece gets its offset. Cutting only splits a run, so the pieces stay maximal.
//
// O(n) when the ranges come in number order, plus a radix sort otherwise.

import { SealedRanges } from './sealed-ranges.js';
import { sortOrder } from './sort-order.js';
import { isTicketRange, type TicketRange } from './ticket-range.js';
import { TicketRangeBuffer } from './ticket-range-buffer.js';
import { type IndexedRange, TicketRangeError } from './ticket-range-error.js';

export interface TicketsToSeal {
  sold: TicketRangeBuffer | readonly TicketRange[];
  voided?: TicketRangeBuffer | readonly TicketRange[];
  /**
   * What to do with a voided number that is not among `sold`: 'reject' (default; it is a bug) or
   * 'ignore' (for an early-bird set, where `sold` is only the sales before the cut-off while the
   * voids may concern later sales too; check those separately against all sales).
   */
  voidsOutsideSold?: 'reject' | 'ignore';
}

function asBuffer(ranges: TicketRangeBuffer | readonly TicketRange[] | undefined): TicketRangeBuffer {
  if (ranges === undefined) return new TicketRangeBuffer(0);
  return ranges instanceof TicketRangeBuffer ? ranges : TicketRangeBuffer.from(ranges);
}

function indexed(buffer: TicketRangeBuffer, i: number): IndexedRange {
  const tag = buffer.tag(i);
  return {
    range: { first: buffer.first(i), last: buffer.last(i) },
    index: i,
    ...(tag === undefined ? {} : { tag }),
  };
}

/** Ranges in ascending order of first number, checked valid and pairwise disjoint. */
interface SortedRanges {
  buffer: TicketRangeBuffer;
  /** order[j] is the index in `buffer` of the j-th range; undefined when buffer is in order already. */
  order: Uint32Array | undefined;
  length: number;
}

function sortChecked(buffer: TicketRangeBuffer, list: 'sold' | 'voided'): SortedRanges {
  const firsts = buffer.firsts;
  const lasts = buffer.lasts;
  for (let i = 0; i < buffer.length; i++) {
    if (!isTicketRange(firsts[i], lasts[i])) throw TicketRangeError.invalid(indexed(buffer, i), list);
  }
  const order = sortOrder(firsts);
  for (let j = 1; j < buffer.length; j++) {
    const previous = order === undefined ? j - 1 : order[j - 1];
    const current = order === undefined ? j : order[j];
    if (firsts[current] <= lasts[previous]) {
      throw TicketRangeError.overlap(indexed(buffer, previous), indexed(buffer, current), list);
    }
  }
  return { buffer, order, length: buffer.length };
}

/** Appends pieces with their offsets; arrays sized for the worst case, trimmed at the end. */
class PieceWriter {
  readonly firsts: Float64Array;
  readonly lasts: Float64Array;
  readonly offsets: Float64Array;
  length = 0;
  private count = 0;

  constructor(capacity: number) {
    this.firsts = new Float64Array(capacity);
    this.lasts = new Float64Array(capacity);
    this.offsets = new Float64Array(capacity);
  }

  add(first: number, last: number): void {
    this.firsts[this.length] = first;
    this.lasts[this.length] = last;
    this.offsets[this.length] = this.count;
    this.count += last - first + 1;
    this.length++;
  }

  result(): SealedRanges {
    // slice, not subarray: the worst-case arrays can be much larger than the result.
    return SealedRanges.fromCanonicalArrays(
      this.firsts.slice(0, this.length),
      this.lasts.slice(0, this.length),
      this.offsets.slice(0, this.length),
    );
  }
}

/** The canonical sealed form of `sold` minus `voided`. Throws TicketRangeError naming the range at fault. */
export function normaliseTickets(tickets: TicketsToSeal): SealedRanges {
  const sold = sortChecked(asBuffer(tickets.sold), 'sold');
  const voided = sortChecked(asBuffer(tickets.voided), 'voided');
  const strict = (tickets.voidsOutsideSold ?? 'reject') === 'reject';
  const at = (s: SortedRanges, j: number) => (s.order === undefined ? j : s.order[j]);
  const sf = sold.buffer.firsts;
  const sl = sold.buffer.lasts;
  const vf = voided.buffer.firsts;
  const vl = voided.buffer.lasts;

  // Each void can split one piece in two: at most sold + voided pieces.
  const out = new PieceWriter(sold.length + voided.length);
  let v = 0; // next void, in sorted order
  let s = 0; // next sold range, in sorted order
  while (s < sold.length) {
    // One maximal run [runFirst, runLast] of adjacent sold ranges.
    const runFirst = sf[at(sold, s)];
    let runLast = sl[at(sold, s)];
    for (s++; s < sold.length && sf[at(sold, s)] === runLast + 1; s++) runLast = sl[at(sold, s)];

    // Voids wholly before the run fall in a gap of unsold numbers.
    for (; v < voided.length && vl[at(voided, v)] < runFirst; v++) {
      if (strict)
        throw TicketRangeError.voidNotSold(indexed(voided.buffer, at(voided, v)), vf[at(voided, v)]);
    }
    let cursor = runFirst;
    while (v < voided.length && vf[at(voided, v)] <= runLast) {
      const index = at(voided, v);
      const cutFirst = Math.max(vf[index], runFirst);
      const cutLast = Math.min(vl[index], runLast);
      if (strict && cutFirst !== vf[index])
        throw TicketRangeError.voidNotSold(indexed(voided.buffer, index), vf[index]);
      if (strict && cutLast !== vl[index])
        throw TicketRangeError.voidNotSold(indexed(voided.buffer, index), runLast + 1);
      if (cursor < cutFirst) out.add(cursor, cutFirst - 1);
      cursor = cutLast + 1;
      // A void that reaches past the run (ignored part) may also cover the next run.
      if (vl[index] > runLast) break;
      v++;
    }
    if (cursor <= runLast) out.add(cursor, runLast);
  }
  if (strict && v < voided.length) {
    throw TicketRangeError.voidNotSold(indexed(voided.buffer, at(voided, v)), vf[at(voided, v)]);
  }
  return out.result();
}
