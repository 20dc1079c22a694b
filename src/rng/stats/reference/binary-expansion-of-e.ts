import type { Bits } from '../bits.js';

/**
 * The first `count` binary digits of e = 10.10110111111000010101000101100010100..., starting
 * with the two integer digits "10": the convention of the NIST STS file data/data.e, whose
 * 1,000,000 digits begin "1010110111111000010101000101100010100010101110110...". SP 800-22
 * Appendix B's reference P-values are computed on those bits.
 *
 * e = sum_{k>=0} 1/k! is summed exactly as one fraction P/Q by binary splitting (BigInt), with
 * enough terms that the tail is below 2^-(count + 64); then floor(e * 2^(count-2)) in base 2.
 */
export function binaryExpansionOfE(count: number): Bits {
  if (!Number.isSafeInteger(count) || count < 2) throw new RangeError(`need at least 2 digits, got ${count}`);
  const fractionBits = count - 2;
  // The tail after term K is below 2/(K+1)!, so log2(K!) > fractionBits + 64 is more than enough.
  let terms = 1;
  for (let log2Factorial = 0; log2Factorial <= fractionBits + 64;) log2Factorial += Math.log2(++terms);
  const { p, q } = sumOfInverseFactorials(0, terms); // sum_{k=1}^{terms} 1/k!
  // e = 1 + p/q (the k = 0 term is the 1), so floor(e * 2^fractionBits) = floor((q + p) 2^f / q).
  const digits = (((q + p) << BigInt(fractionBits)) / q).toString(2);
  if (digits.length !== count) throw new Error(`internal error: got ${digits.length} digits of e`);
  const bits = new Uint8Array(count);
  for (let i = 0; i < count; i++) bits[i] = digits.charCodeAt(i) - 48;
  return bits;
}

/** sum_{k=a+1}^{b} a!/k! = p/q with q = (a+1)(a+2)...b, by binary splitting. */
function sumOfInverseFactorials(a: number, b: number): { p: bigint; q: bigint } {
  if (b - a === 1) return { p: 1n, q: BigInt(b) };
  const middle = (a + b) >>> 1;
  const left = sumOfInverseFactorials(a, middle);
  const right = sumOfInverseFactorials(middle, b);
  return { p: left.p * right.q + right.p, q: left.q * right.q };
}
