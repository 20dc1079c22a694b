// A growable list of ticket ranges in typed arrays: 10^7 tickets arrive as ~2*10^6 orders, and
// millions of {first, last} objects would cost far more memory and time than two Float64Arrays.

import type { TicketRange } from './ticket-range.js';

const INITIAL_CAPACITY = 64;

export class TicketRangeBuffer {
  private firstsArray: Float64Array;
  private lastsArray: Float64Array;
  private tagsArray: Float64Array;
  private size = 0;

  constructor(capacity = INITIAL_CAPACITY) {
    const n = Math.max(1, capacity);
    this.firstsArray = new Float64Array(n);
    this.lastsArray = new Float64Array(n);
    this.tagsArray = new Float64Array(n);
  }

  static from(ranges: Iterable<TicketRange>): TicketRangeBuffer {
    const buffer = new TicketRangeBuffer(Array.isArray(ranges) ? ranges.length : INITIAL_CAPACITY);
    for (const r of ranges) buffer.add(r.first, r.last);
    return buffer;
  }

  /** Number of ranges held. */
  get length(): number {
    return this.size;
  }

  /**
   * Appends a range as given; validation happens when the ranges are sealed, so the error can name
   * the range. `tag` travels with the range into error messages (e.g. the journal seq of the sale).
   */
  add(first: number, last: number, tag = -1): void {
    if (this.size === this.firstsArray.length) this.grow();
    this.firstsArray[this.size] = first;
    this.lastsArray[this.size] = last;
    this.tagsArray[this.size] = tag;
    this.size++;
  }

  first(i: number): number {
    return this.firstsArray[i];
  }

  last(i: number): number {
    return this.lastsArray[i];
  }

  /** The tag given to add(), or undefined if none was given. */
  tag(i: number): number | undefined {
    const t = this.tagsArray[i];
    return t === -1 ? undefined : t;
  }

  /** Views of the filled part (no copy). */
  get firsts(): Float64Array {
    return this.firstsArray.subarray(0, this.size);
  }

  get lasts(): Float64Array {
    return this.lastsArray.subarray(0, this.size);
  }

  /** The ranges whose tag is below `limit` (e.g. sales journaled before a cut-off), in order. */
  filterTagBelow(limit: number): TicketRangeBuffer {
    const out = new TicketRangeBuffer(this.size);
    for (let i = 0; i < this.size; i++) {
      const tag = this.tagsArray[i];
      if (tag < limit) out.add(this.firstsArray[i], this.lastsArray[i], tag);
    }
    return out;
  }

  toArray(): TicketRange[] {
    const out: TicketRange[] = [];
    for (let i = 0; i < this.size; i++) out.push({ first: this.firstsArray[i], last: this.lastsArray[i] });
    return out;
  }

  private grow(): void {
    const capacity = this.firstsArray.length * 2;
    for (const key of ['firstsArray', 'lastsArray', 'tagsArray'] as const) {
      const bigger = new Float64Array(capacity);
      bigger.set(this[key]);
      this[key] = bigger;
    }
  }
}
