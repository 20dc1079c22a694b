import type { Bits } from '../bits.js';
import { igamc } from '../special/gamma.js';
import { shorterPatternCounts, wrappedPatternCounts } from './pattern-counts.js';
import { type NistTestResult } from './test-result.js';

/**
 * SP 800-22 section 2.11, Serial: psi^2_m = 2^m / n sum counts^2 - n for m, m-1, m-2 (psi^2 of
 * length 0 or less is 0); P1 = igamc(2^(m-2), del psi^2 / 2), P2 = igamc(2^(m-3), del^2 psi^2 / 2).
 */
export function serialTest(bits: Bits, blockLength: number): NistTestResult {
  const m = blockLength;
  if (!Number.isSafeInteger(m) || m < 2) throw new RangeError('Serial block length must be >= 2');
  if (bits.length < m) throw new RangeError(`Serial needs at least ${m} bits`);
  const n = bits.length;
  const countsM = wrappedPatternCounts(bits, m);
  const countsM1 = shorterPatternCounts(countsM);
  const countsM2 = shorterPatternCounts(countsM1);
  const psi = (counts: Uint32Array, length: number): number => {
    if (length <= 0) return 0;
    let sum = 0;
    for (let v = 0; v < counts.length; v++) sum += counts[v] * counts[v];
    return (sum * 2 ** length) / n - n;
  };
  const psiM = psi(countsM, m);
  const psiM1 = psi(countsM1, m - 1);
  const psiM2 = psi(countsM2, m - 2);
  const delta1 = psiM - psiM1;
  const delta2 = psiM - 2 * psiM1 + psiM2;
  return {
    name: 'Serial',
    pValues: [igamc(2 ** (m - 2), delta1 / 2), igamc(2 ** (m - 3), delta2 / 2)],
    labels: ['1', '2'],
    applicable: true,
    statistics: { n, m, psiM, psiM1, psiM2, delta1, delta2 },
  };
}
