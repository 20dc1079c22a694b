import type { Bits } from '../bits.js';
import { igamc } from '../special/gamma.js';
import { linearComplexity } from './berlekamp-massey.js';
import { type NistTestResult } from './test-result.js';

/**
 * Class probabilities as in the NIST STS 2.1.2 code. The first is printed 0.01047 there, while
 * section 3.10 gives 0.010417 (= 1/96); Appendix B's P = 0.826335 for e was computed with 0.01047.
 */
const PI = [0.01047, 0.03125, 0.125, 0.5, 0.25, 0.0625, 0.020833];
const K = 6;

/** SP 800-22 section 2.10, Linear Complexity over N = floor(n/M) blocks of M bits. */
export function linearComplexityTest(bits: Bits, blockLength: number): NistTestResult {
  const M = blockLength;
  if (!Number.isSafeInteger(M) || M < 1) throw new RangeError('block length must be >= 1');
  const N = Math.floor(bits.length / M);
  if (N < 1) throw new RangeError(`LinearComplexity needs at least ${M} bits`);
  const sign = M % 2 === 0 ? 1 : -1; // (-1)^M
  const mean = M / 2 + (9 - sign) / 36 - (M / 3 + 2 / 9) / 2 ** M; // (9 + (-1)^(M+1)) / 36
  const nu = new Array<number>(K + 1).fill(0);
  for (let block = 0; block < N; block++) {
    const T = sign * (linearComplexity(bits, block * M, M) - mean) + 2 / 9;
    nu[classOf(T)]++;
  }
  let chiSquare = 0;
  for (let i = 0; i <= K; i++) chiSquare += (nu[i] - N * PI[i]) ** 2 / (N * PI[i]);
  return {
    name: 'LinearComplexity',
    pValues: [igamc(K / 2, chiSquare / 2)],
    labels: [''],
    applicable: true,
    statistics: { n: bits.length, M, N, nu, chiSquare, discardedBits: bits.length - N * M },
  };
}

function classOf(T: number): number {
  if (T <= -2.5) return 0;
  if (T <= -1.5) return 1;
  if (T <= -0.5) return 2;
  if (T <= 0.5) return 3;
  if (T <= 1.5) return 4;
  if (T <= 2.5) return 5;
  return 6;
}
