import type { Bits } from '../bits.js';
import { erfc } from '../special/error-function.js';
import { minimumCycles, stateLabel, type ExcursionOptions } from './random-excursions.js';
import { notApplicable, type NistTestResult } from './test-result.js';

const STATES = [-9, -8, -7, -6, -5, -4, -3, -2, -1, 1, 2, 3, 4, 5, 6, 7, 8, 9];

/**
 * SP 800-22 section 2.15, Random Excursions Variant: eighteen P-values,
 * P(x) = erfc(|xi(x) - J| / sqrt(2 J (4|x| - 2))) with xi(x) the total visits to state x.
 */
export function randomExcursionsVariantTest(bits: Bits, options: ExcursionOptions = {}): NistTestResult {
  const n = bits.length;
  const visits = new Array<number>(19).fill(0); // index x + 9
  let cycles = 0;
  let position = 0;
  for (let i = 0; i < n; i++) {
    position += 2 * bits[i] - 1;
    if (position === 0) cycles++;
    else if (position >= -9 && position <= 9) visits[position + 9]++;
  }
  if (position !== 0 || n === 0) cycles++;
  const required = options.minimumCycles ?? minimumCycles(n);
  if (cycles < required) {
    return notApplicable(
      'RandomExcursionsVariant',
      `too few cycles: J = ${cycles} < ${required}`,
      { n, J: cycles },
      STATES.map(stateLabel),
    );
  }
  const xi = STATES.map((x) => visits[x + 9]);
  return {
    name: 'RandomExcursionsVariant',
    pValues: STATES.map((x, s) =>
      erfc(Math.abs(xi[s] - cycles) / Math.sqrt(2 * cycles * (4 * Math.abs(x) - 2))),
    ),
    labels: STATES.map(stateLabel),
    applicable: true,
    statistics: { n, J: cycles, xi },
  };
}
