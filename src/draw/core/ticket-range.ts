// A run of consecutive ticket numbers, both ends included: how an order holds its numbers.

/** An inclusive range of ticket numbers, first <= last. */
export interface TicketRange {
  readonly first: number;
  readonly last: number;
}

/**
 * The largest ticket number: 2^53 - 1, so that every number and `last + 1` are exact JavaScript
 * integers (at 2^53, `last + 1` would round back to 2^53 and adjacent ranges could not be told apart).
 */
export const MAX_TICKET_NUMBER = Number.MAX_SAFE_INTEGER;

/** True for integers 1 <= x <= 2^53 - 1: the numbers a raffle can sell. */
export function isTicketNumber(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 1;
}

/** True when both ends are ticket numbers and first <= last. */
export function isTicketRange(first: unknown, last: unknown): boolean {
  return isTicketNumber(first) && isTicketNumber(last) && first <= last;
}

/** Readable form for messages: "ticket 7" or "tickets 7-12". */
export function describeRange(first: number, last: number): string {
  return first === last ? `ticket ${first}` : `tickets ${first}-${last}`;
}
