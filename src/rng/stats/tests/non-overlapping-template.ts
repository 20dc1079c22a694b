import type { Bits } from '../bits.js';
import { igamc } from '../special/gamma.js';
import { aperiodicTemplates, isAperiodic } from './aperiodic-templates.js';
import { type NistTestResult } from './test-result.js';

export interface NonOverlappingTemplateOptions {
  /** Template length m (SP 800-22 recommends 9 or 10). */
  templateLength: number;
  /** Templates as '0'/'1' strings of length m, or 'all' for every aperiodic template. */
  templates: string[] | 'all';
  /** Number of blocks N; the NIST STS fixes N = 8. */
  blocks?: number;
}

/**
 * SP 800-22 section 2.7, Non-overlapping Template Matching: one P-value per template,
 * chi^2 = sum_j (W_j - lambda)^2 / sigma^2 over N blocks, P = igamc(N/2, chi^2/2). Every window
 * of every block is classified once, so all 148 templates of length 9 cost one pass.
 */
export function nonOverlappingTemplateTest(
  bits: Bits,
  options: NonOverlappingTemplateOptions,
): NistTestResult {
  const m = options.templateLength;
  const N = options.blocks ?? 8;
  const templates = options.templates === 'all' ? aperiodicTemplates(m) : options.templates;
  for (const template of templates) {
    if (template.length !== m || !/^[01]+$/.test(template) || !isAperiodic(template)) {
      throw new RangeError(`template ${template} is not an aperiodic template of length ${m}`);
    }
  }
  const M = Math.floor(bits.length / N);
  if (M < m) throw new RangeError(`NonOverlappingTemplate needs blocks of at least ${m} bits`);
  const windows = 2 ** m;
  const counts = new Uint32Array(N * windows);
  const mask = windows - 1;
  for (let block = 0; block < N; block++) {
    const start = block * M;
    let value = 0;
    for (let i = 0; i < M; i++) {
      value = ((value << 1) | bits[start + i]) & mask;
      if (i >= m - 1) counts[block * windows + value]++;
    }
  }
  const lambda = (M - m + 1) / 2 ** m;
  const variance = M * (1 / 2 ** m - (2 * m - 1) / 2 ** (2 * m));
  const pValues: number[] = [];
  const W: number[][] = [];
  for (const template of templates) {
    const value = parseInt(template, 2);
    const perBlock = Array.from({ length: N }, (_, block) => counts[block * windows + value]);
    const chiSquare = perBlock.reduce((sum, w) => sum + (w - lambda) ** 2 / variance, 0);
    pValues.push(igamc(N / 2, chiSquare / 2));
    W.push(perBlock);
  }
  return {
    name: 'NonOverlappingTemplate',
    pValues,
    labels: templates,
    applicable: true,
    statistics: { n: bits.length, m, N, M, lambda, variance, W: W.flat() },
  };
}
