// The ways a list of sold and voided ranges can be wrong. Each one is a bug upstream (a number sold
// twice, a void of a number never sold), so it is surfaced with the ranges at fault, never repaired.

import { describeRange, type TicketRange } from './ticket-range.js';

export type TicketRangeProblem =
  /** Not integers in [1, 2^53 - 1], or first > last. */
  | 'invalid-range'
  /** Two sold ranges share a number: a ticket sold twice. */
  | 'overlapping-sales'
  /** Two voided ranges share a number: a ticket voided twice. */
  | 'overlapping-voids'
  /** A voided range holds a number that was not sold. */
  | 'void-not-sold';

/** A range as given, with its index in the list it came from (for example to find its journal entry). */
export interface IndexedRange {
  readonly range: TicketRange;
  /** Index in the sold (or voided) list handed in. */
  readonly index: number;
  /** The tag given with the range, if any (e.g. the journal seq of its entry). */
  readonly tag?: number;
}

function describe(r: IndexedRange, list: 'sold' | 'voided'): string {
  const where =
    r.tag === undefined ? `${list} range #${r.index}` : `${list} range #${r.index} (tag ${r.tag})`;
  return `${describeRange(r.range.first, r.range.last)} [${where}]`;
}

export class TicketRangeError extends Error {
  override readonly name = 'TicketRangeError';

  constructor(
    readonly problem: TicketRangeProblem,
    /** The range at fault. */
    readonly at: IndexedRange,
    /** The range it collides with, for overlaps. */
    readonly other: IndexedRange | undefined,
    message: string,
  ) {
    super(message);
  }

  static invalid(at: IndexedRange, list: 'sold' | 'voided'): TicketRangeError {
    const { first, last } = at.range;
    return new TicketRangeError(
      'invalid-range',
      at,
      undefined,
      `${list} range #${at.index} {first: ${String(first)}, last: ${String(last)}} is not a range of ticket ` +
        `numbers (integers from 1 to 2^53-1, first <= last)`,
    );
  }

  /** `earlier` starts at or before `later` and reaches into it. */
  static overlap(earlier: IndexedRange, later: IndexedRange, list: 'sold' | 'voided'): TicketRangeError {
    const what = list === 'sold' ? 'sold twice' : 'voided twice';
    return new TicketRangeError(
      list === 'sold' ? 'overlapping-sales' : 'overlapping-voids',
      later,
      earlier,
      `${describe(later, list)} overlaps ${describe(earlier, list)}: ticket ${later.range.first} ${what}`,
    );
  }

  static voidNotSold(at: IndexedRange, ticket: number): TicketRangeError {
    return new TicketRangeError(
      'void-not-sold',
      at,
      undefined,
      `${describe(at, 'voided')} voids ticket ${ticket}, which was not sold`,
    );
  }
}
