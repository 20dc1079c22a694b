import type { Bits } from '../bits.js';
import { erfc } from '../special/error-function.js';
import { notApplicable, type NistTestResult } from './test-result.js';

/** expectedValue(L) and variance(L) (SP 800-22 section 2.9.4 (5), from Maurer's paper). */
const EXPECTED: Record<number, [number, number]> = {
  1: [0.7326495, 0.69],
  2: [1.5374383, 1.338],
  3: [2.4016068, 1.901],
  4: [3.3112247, 2.358],
  5: [4.2534266, 2.705],
  6: [5.2177052, 2.954],
  7: [6.1962507, 3.125],
  8: [7.1836656, 3.238],
  9: [8.1764248, 3.311],
  10: [9.1723243, 3.356],
  11: [10.170032, 3.384],
  12: [11.168765, 3.401],
  13: [12.16807, 3.41],
  14: [13.167693, 3.416],
  15: [14.167488, 3.419],
  16: [15.167379, 3.421],
};

/** Smallest n for each L (section 2.9.7: n >= (Q + K) L with Q = 10 * 2^L, K = 1000 * 2^L). */
const MINIMUM_LENGTH: Array<[number, number]> = [
  [16, 1059061760],
  [15, 496435200],
  [14, 231669760],
  [13, 107560960],
  [12, 49643520],
  [11, 22753280],
  [10, 10342400],
  [9, 4654080],
  [8, 2068480],
  [7, 904960],
  [6, 387840],
];

export interface UniversalOptions {
  /** L; by default chosen from n (section 2.9.7). Only the worked example sets it. */
  blockLength?: number;
  /** Q, the initialisation blocks; default 10 * 2^L. */
  initializationBlocks?: number;
}

/**
 * SP 800-22 section 2.9, Maurer's "Universal Statistical" test, with L and Q = 10 * 2^L chosen
 * from n as in section 2.9.7 and the NIST STS (n = 10^6 gives L = 7, Q = 1280).
 */
export function universalTest(bits: Bits, options: UniversalOptions = {}): NistTestResult {
  const n = bits.length;
  const L = options.blockLength ?? MINIMUM_LENGTH.find(([, minimum]) => n >= minimum)?.[0];
  if (L === undefined) {
    return notApplicable('Universal', `needs at least 387840 bits (L = 6), got ${n}`, { n });
  }
  if (!(L in EXPECTED)) throw new RangeError(`Universal block length must be 1..16, got ${L}`);
  const Q = options.initializationBlocks ?? 10 * 2 ** L;
  const K = Math.floor(n / L) - Q;
  if (K < 1) throw new RangeError(`Universal needs more than ${Q} blocks of ${L} bits`);
  const lastSeen = new Float64Array(2 ** L);
  const blockValue = (index: number): number => {
    let value = 0;
    for (let j = (index - 1) * L, end = j + L; j < end; j++) value = value * 2 + bits[j];
    return value;
  };
  for (let i = 1; i <= Q; i++) lastSeen[blockValue(i)] = i;
  let sum = 0;
  for (let i = Q + 1; i <= Q + K; i++) {
    const value = blockValue(i);
    sum += Math.log2(i - lastSeen[value]);
    lastSeen[value] = i;
  }
  const fn = sum / K;
  const [expected, variance] = EXPECTED[L];
  const c = 0.7 - 0.8 / L + ((4 + 32 / L) * K ** (-3 / L)) / 15;
  const sigma = c * Math.sqrt(variance / K);
  return {
    name: 'Universal',
    pValues: [erfc(Math.abs(fn - expected) / (Math.SQRT2 * sigma))],
    labels: [''],
    applicable: true,
    statistics: {
      n,
      L,
      Q,
      K,
      fn,
      expectedValue: expected,
      variance,
      c,
      sigma,
      discardedBits: n - (Q + K) * L,
    },
  };
}
