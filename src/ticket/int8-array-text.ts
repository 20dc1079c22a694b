// A raffle's millions of paid orders read as two PostgreSQL arrays in text form, array_agg(first)::text
// and array_agg(last)::text from one scan (so in the same order), instead of one row per order: the
// driver then builds two strings instead of millions of row objects, and a single pass reads them.

import { TicketRangeBuffer } from '../draw/core/ticket-range-buffer.js';

const ZERO = 48;
const NINE = 57;
const COMMA = 44;

/**
 * The non-negative integers of an int8[] in PostgreSQL's text form (`{1,6,11}`, `{}`). Throws on
 * anything else: another element form, a sign, a number above 2^53 - 1.
 */
export function parseInt8ArrayText(text: string): Float64Array {
  const end = text.length - 1;
  if (text.charCodeAt(0) !== 0x7b || text.charCodeAt(end) !== 0x7d) {
    throw new Error('an int8[] in text form starts with { and ends with }');
  }
  const values = new Float64Array(text.length >> 1);
  let count = 0;
  let value = 0;
  let digits = 0;
  for (let i = 1; i <= end; i++) {
    const c = text.charCodeAt(i);
    if (c >= ZERO && c <= NINE) {
      value = value * 10 + (c - ZERO);
      digits++;
      continue;
    }
    if ((c !== COMMA && i !== end) || (digits === 0 && !(i === end && count === 0 && end === 1))) {
      throw new Error(`unexpected ${JSON.stringify(text[i])} at ${i} in an int8[] in text form`);
    }
    if (digits > 0) {
      if (!Number.isSafeInteger(value) || digits > 16) {
        throw new Error(`element ${count} of an int8[] is above 2^53 - 1`);
      }
      values[count++] = value;
    }
    value = 0;
    digits = 0;
  }
  return values.subarray(0, count);
}

/** The ranges of two aligned arrays of first and last numbers, in text form. */
export function rangesFromArrayTexts(firsts: string, lasts: string): TicketRangeBuffer {
  const f = parseInt8ArrayText(firsts);
  const l = parseInt8ArrayText(lasts);
  if (f.length !== l.length) throw new Error(`${f.length} first numbers but ${l.length} last numbers`);
  const ranges = new TicketRangeBuffer(f.length);
  for (let i = 0; i < f.length; i++) ranges.add(f[i], l[i]);
  return ranges;
}
