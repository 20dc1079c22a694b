// Bit operations on tree sizes and indices. JavaScript bitwise operators work on 32 bits only, while
// a ledger can outgrow 2^32 entries, so every value is split into two 32-bit halves. All inputs are
// non-negative safe integers (< 2^53); callers validate that at the API boundary.

const TWO_32 = 0x1_0000_0000;

function high(x: number): number {
  return Math.floor(x / TWO_32);
}

function low(x: number): number {
  return x >>> 0;
}

function ctz32(v: number): number {
  return 31 - Math.clz32(v & -v);
}

function popcount32(v: number): number {
  let count = 0;
  for (let rest = v >>> 0; rest !== 0; rest = (rest & (rest - 1)) >>> 0) count++;
  return count;
}

/** Number of bits needed to write x (Go's bits.Len64): 0 for 0, 1 for 1, 3 for 4..7. */
export function bitLength(x: number): number {
  const hi = high(x);
  return hi > 0 ? 64 - Math.clz32(hi) : 32 - Math.clz32(low(x));
}

/** Number of trailing zero bits (Go's bits.TrailingZeros64); 64 for 0. */
export function trailingZeros(x: number): number {
  const lo = low(x);
  if (lo !== 0) return ctz32(lo);
  const hi = high(x);
  return hi !== 0 ? 32 + ctz32(hi) : 64;
}

/** Number of one bits (Go's bits.OnesCount64). */
export function onesCount(x: number): number {
  return popcount32(high(x)) + popcount32(low(x));
}

export function xor(a: number, b: number): number {
  return ((high(a) ^ high(b)) >>> 0) * TWO_32 + ((low(a) ^ low(b)) >>> 0);
}

/** x >> n for n >= 0. */
export function shiftRight(x: number, n: number): number {
  return Math.floor(x / 2 ** n);
}

/** x << n; the caller keeps the result below 2^53. */
export function shiftLeft(x: number, n: number): number {
  return x * 2 ** n;
}

/** The lowest n bits of x (x & (2^n - 1)). */
export function lowBits(x: number, n: number): number {
  return x % 2 ** n;
}

export function isPowerOfTwo(x: number): boolean {
  return x > 0 && onesCount(x) === 1;
}

/** True for integers 0 <= x <= 2^53 - 1: the domain of every tree size and index in this module. */
export function isSafeCount(x: unknown): x is number {
  return typeof x === 'number' && Number.isSafeInteger(x) && x >= 0;
}
