import type { Bits } from '../bits.js';
import { erfc } from '../special/error-function.js';
import { assertLength, type NistTestResult } from './test-result.js';

/** SP 800-22 section 2.1, Frequency (Monobit): P = erfc(|S_n| / sqrt(2n)). */
export function frequencyTest(bits: Bits): NistTestResult {
  assertLength(bits, 1, 'Frequency');
  let ones = 0;
  for (let i = 0; i < bits.length; i++) ones += bits[i];
  const sum = 2 * ones - bits.length;
  const sObs = Math.abs(sum) / Math.sqrt(bits.length);
  return {
    name: 'Frequency',
    pValues: [erfc(sObs / Math.SQRT2)],
    labels: [''],
    applicable: true,
    statistics: { n: bits.length, sum, sObs },
  };
}
