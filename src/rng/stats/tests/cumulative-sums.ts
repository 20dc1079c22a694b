import type { Bits } from '../bits.js';
import { normalCdf } from '../special/normal.js';
import { assertLength, type NistTestResult } from './test-result.js';

/**
 * SP 800-22 section 2.13, Cumulative Sums, forward (z = max |S_k|) and reverse
 * (z = max |S_n - S_k|, the walk of the reversed sequence).
 */
export function cumulativeSumsTest(bits: Bits): NistTestResult {
  assertLength(bits, 1, 'CumulativeSums');
  const n = bits.length;
  let sum = 0;
  let highest = 0;
  let lowest = 0;
  for (let i = 0; i < n; i++) {
    sum += 2 * bits[i] - 1;
    if (sum > highest) highest = sum;
    if (sum < lowest) lowest = sum;
  }
  const forward = Math.max(highest, -lowest);
  const reverse = Math.max(highest - sum, sum - lowest);
  return {
    name: 'CumulativeSums',
    pValues: [cusumPValue(n, forward), cusumPValue(n, reverse)],
    labels: ['forward', 'reverse'],
    applicable: true,
    statistics: { n, zForward: forward, zReverse: reverse },
  };
}

/**
 * SP 800-22 section 2.13.4 (4): the P-value of a maximal excursion z over n steps. The summation
 * bounds use C integer division (truncation toward zero) as the NIST STS code does, which the
 * worked example of section 2.13.8 reflects (P = 0.4116588 for n = 10, z = 4; the real-valued
 * floor bounds printed in 2.13.4 give 0.4115847). For n >= 100 the two differ by less than 1e-15.
 */
export function cusumPValue(n: number, z: number): number {
  if (z === 0) return 1; // only possible for n = 0; no excursion cannot be extreme
  const root = Math.sqrt(n);
  const ratio = Math.trunc(n / z);
  let first = 0;
  for (let k = Math.trunc((-ratio + 1) / 4); k <= Math.trunc((ratio - 1) / 4); k++) {
    first += normalCdf(((4 * k + 1) * z) / root) - normalCdf(((4 * k - 1) * z) / root);
  }
  let second = 0;
  for (let k = Math.trunc((-ratio - 3) / 4); k <= Math.trunc((ratio - 1) / 4); k++) {
    second += normalCdf(((4 * k + 3) * z) / root) - normalCdf(((4 * k + 1) * z) / root);
  }
  return 1 - first + second;
}
