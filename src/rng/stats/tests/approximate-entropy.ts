import type { Bits } from '../bits.js';
import { igamc } from '../special/gamma.js';
import { shorterPatternCounts, wrappedPatternCounts } from './pattern-counts.js';
import { type NistTestResult } from './test-result.js';

/**
 * SP 800-22 section 2.12, Approximate Entropy: phi(m) = sum pi_i ln pi_i over wrapped m-bit
 * patterns, ApEn = phi(m) - phi(m+1), chi^2 = 2n (ln 2 - ApEn), P = igamc(2^(m-1), chi^2 / 2).
 */
export function approximateEntropyTest(bits: Bits, blockLength: number): NistTestResult {
  const m = blockLength;
  if (!Number.isSafeInteger(m) || m < 1) throw new RangeError('ApproximateEntropy block length must be >= 1');
  if (bits.length <= m) throw new RangeError(`ApproximateEntropy needs more than ${m} bits`);
  const n = bits.length;
  const countsM1 = wrappedPatternCounts(bits, m + 1);
  const countsM = shorterPatternCounts(countsM1);
  const phi = (counts: Uint32Array): number => {
    let sum = 0;
    for (let v = 0; v < counts.length; v++) if (counts[v] > 0) sum += counts[v] * Math.log(counts[v] / n);
    return sum / n;
  };
  const phiM = phi(countsM);
  const phiM1 = phi(countsM1);
  const apEn = phiM - phiM1;
  const chiSquare = 2 * n * (Math.LN2 - apEn);
  return {
    name: 'ApproximateEntropy',
    pValues: [igamc(2 ** (m - 1), chiSquare / 2)],
    labels: [''],
    applicable: true,
    statistics: { n, m, phiM, phiM1, apEn, chiSquare },
  };
}
