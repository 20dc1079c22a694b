/**
 * Linear complexity of bits[start .. start + length) by the Berlekamp-Massey algorithm over GF(2)
 * (SP 800-22 section 2.10.4 (2)), with the connection polynomials packed 32 coefficients to a
 * word so that a block of M = 500 costs about M * M / 32 word operations instead of M^2.
 */
export function linearComplexity(bits: Uint8Array, start: number, length: number): number {
  const words = (length >>> 5) + 2;
  // reversed[t] = s_(length-1-t): then s_(N-i) = reversed[(length-1-N) + i], so the discrepancy
  // sum_i c_i s_(N-i) is the parity of C AND (reversed shifted right by length-1-N).
  // Sized so that whole-word reads past the last bit (against zero coefficients) stay in bounds.
  const reversed = new Uint32Array(2 * words + 2);
  for (let t = 0; t < length; t++) {
    if (bits[start + length - 1 - t]) reversed[t >>> 5] |= 1 << (t & 31);
  }
  const c = new Uint32Array(words);
  let b = new Uint32Array(words);
  let t = new Uint32Array(words);
  c[0] = 1;
  b[0] = 1;
  let L = 0;
  let m = -1;
  for (let N = 0; N < length; N++) {
    const offset = length - 1 - N;
    let acc = 0;
    for (let w = 0, last = L >>> 5; w <= last; w++) {
      const bit = offset + 32 * w;
      const index = bit >>> 5;
      const shift = bit & 31;
      const window =
        shift === 0 ? reversed[index] : (reversed[index] >>> shift) | (reversed[index + 1] << (32 - shift));
      acc ^= c[w] & window;
    }
    if (parity(acc) === 0) continue;
    const lengthens = L <= N / 2;
    if (lengthens) t.set(c);
    xorShifted(c, b, N - m);
    if (lengthens) {
      L = N + 1 - L;
      m = N;
      [b, t] = [t, b];
    }
  }
  return L;
}

/** target ^= source << shift (as polynomials over GF(2), coefficient i at bit i). */
function xorShifted(target: Uint32Array, source: Uint32Array, shift: number): void {
  const wordShift = shift >>> 5;
  const bitShift = shift & 31;
  for (let w = target.length - 1 - wordShift; w >= 0; w--) {
    const value = source[w];
    if (value === 0) continue;
    target[w + wordShift] ^= value << bitShift;
    if (bitShift !== 0 && w + wordShift + 1 < target.length)
      target[w + wordShift + 1] ^= value >>> (32 - bitShift);
  }
}

function parity(word: number): number {
  let x = word ^ (word >>> 16);
  x ^= x >>> 8;
  x ^= x >>> 4;
  x ^= x >>> 2;
  x ^= x >>> 1;
  return x & 1;
}
