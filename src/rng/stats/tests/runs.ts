import type { Bits } from '../bits.js';
import { erfc } from '../special/error-function.js';
import { assertLength, type NistTestResult } from './test-result.js';

/**
 * SP 800-22 section 2.3, Runs. If the proportion of ones fails the prerequisite frequency check
 * (|pi - 1/2| >= 2/sqrt(n)), the test is not run and P = 0, as in the NIST STS.
 */
export function runsTest(bits: Bits): NistTestResult {
  assertLength(bits, 2, 'Runs');
  const n = bits.length;
  let ones = 0;
  let runs = 1;
  for (let i = 0; i < n; i++) {
    ones += bits[i];
    if (i > 0 && bits[i] !== bits[i - 1]) runs++;
  }
  const pi = ones / n;
  const tau = 2 / Math.sqrt(n);
  if (Math.abs(pi - 0.5) >= tau) {
    return {
      name: 'Runs',
      pValues: [0],
      labels: [''],
      applicable: true,
      statistics: { n, pi, tau, runs },
      note: 'frequency prerequisite not met (|pi - 1/2| >= 2/sqrt(n)); P-value set to 0 as in SP 800-22 2.3.4',
    };
  }
  const p = erfc(Math.abs(runs - 2 * n * pi * (1 - pi)) / (2 * Math.sqrt(2 * n) * pi * (1 - pi)));
  return { name: 'Runs', pValues: [p], labels: [''], applicable: true, statistics: { n, pi, tau, runs } };
}
