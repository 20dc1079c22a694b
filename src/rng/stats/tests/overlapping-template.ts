import type { Bits } from '../bits.js';
import { igamc, lgam } from '../special/gamma.js';
import { type NistTestResult } from './test-result.js';

export interface OverlappingTemplateOptions {
  /** Length m of the all-ones template (SP 800-22 recommends 9 or 10). */
  templateLength: number;
  /** Block length M; the NIST STS fixes M = 1032 (K = 5 degrees of freedom). */
  blockLength?: number;
}

const K = 5;

/**
 * Class probabilities of the NIST STS 2.1.2 code: pi_0 = e^-eta and, for u >= 1,
 * pi_u = sum_{l=1}^{u} e^-eta 2^-u eta^l / l! C(u-1, l-1), with eta = (M - m + 1) / 2^(m+1), and
 * pi_5 = 1 - sum. SP 800-22 rev1a section 3.8 prints corrected values (0.364091, 0.185659, ...);
 * its examples and Appendix B (P = 0.110434 for e) were computed with these, as is this code.
 */
export function overlappingClassProbabilities(eta: number): number[] {
  const pi: number[] = [];
  for (let u = 0; u < K; u++) {
    if (u === 0) {
      pi.push(Math.exp(-eta));
      continue;
    }
    let sum = 0;
    for (let l = 1; l <= u; l++) {
      sum += Math.exp(
        -eta - u * Math.LN2 + l * Math.log(eta) - lgam(l + 1) + lgam(u) - lgam(l) - lgam(u - l + 1),
      );
    }
    pi.push(sum);
  }
  pi.push(1 - pi.reduce((a, b) => a + b, 0));
  return pi;
}

/** SP 800-22 section 2.8, Overlapping Template Matching with the all-ones template. */
export function overlappingTemplateTest(bits: Bits, options: OverlappingTemplateOptions): NistTestResult {
  const m = options.templateLength;
  const M = options.blockLength ?? 1032;
  if (!Number.isSafeInteger(m) || m < 1 || m > M) throw new RangeError(`template length must be 1..${M}`);
  const N = Math.floor(bits.length / M);
  if (N < 1) throw new RangeError(`OverlappingTemplate needs at least ${M} bits`);
  const nu = new Array<number>(K + 1).fill(0);
  for (let block = 0; block < N; block++) {
    let run = 0;
    let matches = 0;
    for (let i = block * M, end = i + M; i < end; i++) {
      run = bits[i] === 1 ? run + 1 : 0;
      if (run >= m) matches++;
    }
    nu[Math.min(matches, K)]++;
  }
  const lambda = (M - m + 1) / 2 ** m;
  const eta = lambda / 2;
  const pi = overlappingClassProbabilities(eta);
  let chiSquare = 0;
  for (let i = 0; i <= K; i++) chiSquare += (nu[i] - N * pi[i]) ** 2 / (N * pi[i]);
  return {
    name: 'OverlappingTemplate',
    pValues: [igamc(K / 2, chiSquare / 2)],
    labels: [''],
    applicable: true,
    statistics: { n: bits.length, m, M, N, lambda, eta, nu, pi, chiSquare },
  };
}
