import type { Bits } from '../bits.js';
import { igamc } from '../special/gamma.js';
import { notApplicable, type NistTestResult } from './test-result.js';

const STATES = [-4, -3, -2, -1, 1, 2, 3, 4];

/**
 * pi_k(x): probability that a cycle visits state x exactly k times (k = 5 means 5 or more),
 * SP 800-22 section 3.14, to the 10 digits the NIST STS uses; row |x| - 1.
 */
const PI = [
  [0.5, 0.25, 0.125, 0.0625, 0.03125, 0.03125],
  [0.75, 0.0625, 0.046875, 0.03515625, 0.0263671875, 0.0791015625],
  [0.8333333333, 0.02777777778, 0.02314814815, 0.01929012346, 0.01607510288, 0.0803755143],
  [0.875, 0.015625, 0.013671875, 0.01196289063, 0.0104675293, 0.0732727051],
];

export interface ExcursionOptions {
  /**
   * Fewest cycles J for the test to apply: max(0.005 sqrt(n), 500) per section 2.14.7 and the NIST
   * STS. Only the worked examples of short sequences lower it.
   */
  minimumCycles?: number;
}

export function minimumCycles(n: number): number {
  return Math.max(0.005 * Math.sqrt(n), 500);
}

/** SP 800-22 section 2.14, Random Excursions: eight P-values, one per state -4..-1, 1..4. */
export function randomExcursionsTest(bits: Bits, options: ExcursionOptions = {}): NistTestResult {
  const n = bits.length;
  // nu[state][k]: cycles that visit the state k times (k capped at 5).
  const nu = STATES.map(() => new Array<number>(6).fill(0));
  const visits = new Array<number>(STATES.length).fill(0);
  let cycles = 0;
  let position = 0;
  const closeCycle = () => {
    cycles++;
    visits.forEach((count, s) => {
      nu[s][Math.min(count, 5)]++;
      visits[s] = 0;
    });
  };
  for (let i = 0; i < n; i++) {
    position += 2 * bits[i] - 1;
    if (position === 0) closeCycle();
    else if (position >= -4 && position <= 4) visits[position < 0 ? position + 4 : position + 3]++;
  }
  if (position !== 0 || n === 0) closeCycle();
  const required = options.minimumCycles ?? minimumCycles(n);
  if (cycles < required) {
    return notApplicable(
      'RandomExcursions',
      `too few cycles: J = ${cycles} < ${required}`,
      { n, J: cycles },
      STATES.map(stateLabel),
    );
  }
  const chiSquares = STATES.map((x, s) => {
    const pi = PI[Math.abs(x) - 1];
    return nu[s].reduce((sum, observed, k) => sum + (observed - cycles * pi[k]) ** 2 / (cycles * pi[k]), 0);
  });
  return {
    name: 'RandomExcursions',
    pValues: chiSquares.map((chi) => igamc(2.5, chi / 2)),
    labels: STATES.map(stateLabel),
    applicable: true,
    statistics: { n, J: cycles, chiSquare: chiSquares, nu: nu.flat() },
  };
}

export function stateLabel(x: number): string {
  return x > 0 ? `x=+${x}` : `x=${x}`;
}
