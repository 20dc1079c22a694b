import type { Bits } from '../bits.js';

/**
 * Counts of every overlapping `length`-bit pattern at the n starting positions of the sequence,
 * with the first length - 1 bits appended at the end (the wrap-around of SP 800-22 sections
 * 2.11.4 and 2.12.4). counts[v] is the number of windows whose bits, read as a big-endian number,
 * equal v.
 */
export function wrappedPatternCounts(bits: Bits, length: number): Uint32Array {
  const n = bits.length;
  if (!Number.isSafeInteger(length) || length < 0 || length > 24)
    throw new RangeError(`pattern length must be 0..24`);
  const counts = new Uint32Array(2 ** length);
  if (length === 0) {
    counts[0] = n;
    return counts;
  }
  const mask = 2 ** length - 1;
  let value = 0;
  for (let i = 0; i < length - 1; i++) value = ((value << 1) | bits[i % n]) & mask;
  for (let i = 0; i < n; i++) {
    value = ((value << 1) | bits[(i + length - 1) % n]) & mask;
    counts[value]++;
  }
  return counts;
}

/** Counts for patterns one bit shorter: a window's shorter pattern is its prefix. */
export function shorterPatternCounts(counts: Uint32Array): Uint32Array {
  const shorter = new Uint32Array(counts.length / 2);
  for (let v = 0; v < shorter.length; v++) shorter[v] = counts[2 * v] + counts[2 * v + 1];
  return shorter;
}
