/**
 * How a draw in [0, n) reads random bytes (RNG-3): the smallest number of whole bytes that can
 * hold n - 1, read big-endian, with the first (most significant) byte masked down to the bit
 * length of n - 1. Every masked value in [0, 2^bits) is equally likely; values >= n are rejected.
 */
export interface RangeEncoding {
  /** Size of the range; a draw returns an integer in [0, n). */
  readonly n: number;
  /** Bit length of n - 1 (0 for n = 1). */
  readonly bits: number;
  /** ceil(bits / 8): bytes read per attempt (0 for n = 1: nothing is read). */
  readonly byteCount: number;
  /** Mask applied to the first byte of each attempt. */
  readonly topByteMask: number;
}

/** 2^53: the largest range whose every value is a safe JavaScript integer. */
export const MAX_RANGE = 2 ** 53;

export function rangeEncoding(n: number): RangeEncoding {
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 1 || n > MAX_RANGE) {
    throw new RangeError(`range must be an integer from 1 to 2^53, got ${String(n)}`);
  }
  const bits = bitLength(n - 1);
  const byteCount = Math.ceil(bits / 8);
  const topBits = bits - 8 * (byteCount - 1);
  return { n, bits, byteCount, topByteMask: byteCount === 0 ? 0 : 2 ** topBits - 1 };
}

/**
 * The candidate value of one attempt: bytes[offset .. offset + byteCount) big-endian, first byte
 * masked. At most 53 bits, so plain arithmetic is exact.
 */
export function candidateValue(encoding: RangeEncoding, bytes: Uint8Array, offset = 0): number {
  if (encoding.byteCount === 0) return 0;
  let value = bytes[offset] & encoding.topByteMask;
  for (let i = 1; i < encoding.byteCount; i++) value = value * 256 + bytes[offset + i];
  return value;
}

function bitLength(value: number): number {
  let bits = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) bits++;
  return bits;
}
