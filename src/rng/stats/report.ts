import type { Bits } from './bits.js';
import { evidencePValue } from './family-wise.js';
import type { ReferenceCheck } from './reference/appendix-b.js';
import type { ScaledChiSquareResult } from './scaled-chi-square.js';
import {
  MINIMUM_SEQUENCES_FOR_UNIFORMITY,
  UNIFORMITY_THRESHOLD,
  pValueHistogram,
  proportionInterval,
  uniformityPValue,
} from './sequence-analysis.js';
import { runNistSuite } from './suite.js';
import { APPENDIX_B_PARAMETERS, type SuiteParameters } from './suite-parameters.js';
import type { NistTestName, NistTestResult } from './tests/test-result.js';

/** Where the bits came from; free-form beyond the label, e.g. provider, identity, certified, sha256. */
export interface ReportSource {
  label: string;
  [key: string]: unknown;
}

/** One row per statistic, as in the NIST STS finalAnalysisReport (e.g. "Serial (2)"). */
export interface ReportTestRow {
  name: string;
  test: NistTestName;
  variant: string;
  /** One P-value per sequence on which the test applied, in sequence order. */
  pValues: number[];
  passed: boolean;
  verdict: 'pass' | 'fail' | 'not-applicable';
  sequences: number;
  applicableSequences: number;
  /** Sequences with P-value >= alpha, and the acceptable range of that count (section 4.2.1). */
  proportion: { passed: number; total: number; minimum: number; maximum: number };
  /** C1..C10 of section 4.2.2. */
  histogram: number[];
  /** Section 4.2.2 uniformity P-value; null below 55 sequences, where it is not meaningful. */
  uniformityPValue: number | null;
  /** Family-wise evidence P-value of this statistic (see family-wise.ts); null if not applicable. */
  evidencePValue: number | null;
  /** Intermediate values of the first sequence, for step-by-step comparison. */
  firstSequenceStatistics: NistTestResult['statistics'];
  notes: string[];
}

/** How the overall verdict was reached (99% confidence across all statistics). */
export interface ReportVerdict {
  passed: boolean;
  rule: string;
  /** Statistics counted: applicable NIST rows plus chi-square ranges. */
  statistics: number;
  /** alpha / statistics: an evidence or chi-square P-value below this fails the report. */
  threshold: number;
  /** What made the report fail, if anything. */
  reasons: string[];
  /** Rows outside the section 4.2.1 interval: expected now and then even for a perfect source. */
  nistRowFailures: string[];
}

export interface RngReport {
  generatedAt: string;
  source: ReportSource;
  parameters: SuiteParameters & {
    bitsProvided: number;
    sequenceLength: number;
    sequences: number;
    bitsDiscarded: number;
    universal: string;
  };
  tests: ReportTestRow[];
  chiSquare: ScaledChiSquareResult[];
  /** Appendix B recomputed by this very build, when the caller ran it: evidence the tool is right. */
  referenceCheck?: ReferenceCheck;
  verdict: ReportVerdict;
  /** verdict.passed, repeated at the top level for consumers that only read this. */
  passed: boolean;
  notes: string[];
}

export interface ReportOptions {
  source: ReportSource;
  parameters?: Partial<SuiteParameters>;
  /** Bits per sequence; default the whole input up to 1,000,000 (the n of Appendix B). */
  sequenceLength?: number;
  chiSquare?: ScaledChiSquareResult[];
  referenceCheck?: ReferenceCheck;
  /** Extra notes, e.g. chi-square ranges skipped for lack of data. */
  notes?: string[];
  generatedAt?: Date;
}

export const DEFAULT_SEQUENCE_LENGTH = 1_000_000;

/**
 * Runs the SP 800-22 suite on `bits` cut into sequences. Each statistic gets the section 4.2
 * verdict (proportion of passing sequences within p +/- 3 sigma and, from 55 sequences on, uniform
 * P-values; with one sequence that is "P-value >= alpha"); the report's overall verdict is the
 * family-wise test of family-wise.ts over all statistics and chi-square ranges.
 */
export function buildRngReport(bits: Bits, options: ReportOptions): RngReport {
  const parameters: SuiteParameters = { ...APPENDIX_B_PARAMETERS, ...options.parameters };
  const sequenceLength = options.sequenceLength ?? Math.min(bits.length, DEFAULT_SEQUENCE_LENGTH);
  if (!Number.isSafeInteger(sequenceLength) || sequenceLength < 1)
    throw new RangeError('sequence length must be positive');
  const sequences = Math.floor(bits.length / sequenceLength);
  if (sequences < 1)
    throw new RangeError(`need at least one sequence of ${sequenceLength} bits, got ${bits.length} bits`);
  const results: NistTestResult[][] = [];
  for (let s = 0; s < sequences; s++) {
    results.push(runNistSuite(bits.subarray(s * sequenceLength, (s + 1) * sequenceLength), parameters));
  }
  const tests = rows(results, parameters.alpha);
  const chiSquare = options.chiSquare ?? [];
  const verdict = overallVerdict(tests, chiSquare, parameters.alpha, options.referenceCheck);
  const notes = [
    `${sequences} sequence(s) of ${sequenceLength} bits; each statistic passes when the proportion of sequences with P-value >= ${parameters.alpha} lies in p +/- 3 sqrt(p(1-p)/m), p = ${1 - parameters.alpha} (SP 800-22 section 4.2.1)${sequences >= MINIMUM_SEQUENCES_FOR_UNIFORMITY ? ', and the P-values are uniform (P-value_T >= 0.0001, section 4.2.2)' : '; the uniformity check of section 4.2.2 needs at least 55 sequences and is not applied'}.`,
    `Even a perfect generator fails a row now and then (SP 800-22 section 4 asks for investigation and more sequences, not rejection on one marginal row); the overall verdict therefore applies ${verdict.rule}.`,
  ];
  notes.push(...(options.notes ?? []));
  if (sequenceLength < DEFAULT_SEQUENCE_LENGTH) {
    notes.push(
      `Sequences shorter than 10^6 bits are below SP 800-22's recommended size for Universal, Linear Complexity, Overlapping Template and the excursion tests.`,
    );
  }
  return {
    generatedAt: (options.generatedAt ?? new Date()).toISOString(),
    source: options.source,
    parameters: {
      ...parameters,
      bitsProvided: bits.length,
      sequenceLength,
      sequences,
      bitsDiscarded: bits.length - sequences * sequenceLength,
      universal:
        'L and Q chosen from the sequence length (SP 800-22 section 2.9.7; L = 7, Q = 1280 for 10^6 bits)',
    },
    tests,
    chiSquare,
    ...(options.referenceCheck ? { referenceCheck: options.referenceCheck } : {}),
    verdict,
    passed: verdict.passed,
    notes,
  };
}

function rows(results: NistTestResult[][], alpha: number): ReportTestRow[] {
  const rows: ReportTestRow[] = [];
  const sequences = results.length;
  results[0].forEach((first, testIndex) => {
    first.labels.forEach((variant, variantIndex) => {
      const applicable = results.map((r) => r[testIndex]).filter((r) => r.applicable);
      const pValues = applicable.map((r) => r.pValues[variantIndex]);
      const total = pValues.length;
      const passing = pValues.filter((p) => p >= alpha).length;
      const interval = proportionInterval(Math.max(total, 1), alpha);
      const uniformity = total >= MINIMUM_SEQUENCES_FOR_UNIFORMITY ? uniformityPValue(pValues) : null;
      const proportionOk =
        total === 0 || (passing / total >= interval.minimum && passing / total <= interval.maximum);
      const uniformityOk = uniformity === null || uniformity >= UNIFORMITY_THRESHOLD;
      const verdict = total === 0 ? 'not-applicable' : proportionOk && uniformityOk ? 'pass' : 'fail';
      const notes = [
        ...new Set(results.map((r) => r[testIndex].note).filter((n): n is string => n !== undefined)),
      ];
      rows.push({
        name: variant ? `${first.name} (${variant})` : first.name,
        test: first.name,
        variant,
        pValues,
        passed: verdict !== 'fail',
        verdict,
        sequences,
        applicableSequences: total,
        proportion: {
          passed: passing,
          total,
          minimum: Math.max(0, Math.ceil(interval.minimum * total - 1e-9)),
          maximum: Math.min(total, Math.floor(interval.maximum * total + 1e-9)),
        },
        histogram: pValueHistogram(pValues),
        uniformityPValue: uniformity,
        evidencePValue: evidencePValue(pValues, alpha),
        firstSequenceStatistics: first.statistics,
        notes,
      });
    });
  });
  return rows;
}

function overallVerdict(
  tests: ReportTestRow[],
  chiSquare: ScaledChiSquareResult[],
  alpha: number,
  referenceCheck: ReferenceCheck | undefined,
): ReportVerdict {
  const applicable = tests.filter((t) => t.evidencePValue !== null);
  const statistics = applicable.length + chiSquare.length;
  const threshold = alpha / Math.max(statistics, 1);
  const reasons = [
    ...applicable
      .filter((t) => t.evidencePValue! < threshold)
      .map(
        (t) =>
          `${t.name}: evidence P-value ${t.evidencePValue!.toExponential(3)} < ${threshold.toExponential(3)}`,
      ),
    ...applicable
      .filter((t) => t.uniformityPValue !== null && t.uniformityPValue < UNIFORMITY_THRESHOLD)
      .map(
        (t) =>
          `${t.name}: P-values not uniform (P-value_T = ${t.uniformityPValue!.toExponential(3)} < 0.0001)`,
      ),
    ...chiSquare
      .filter((c) => c.sourceFailure !== undefined || c.pValue < threshold)
      .map(
        (c) =>
          `chi-square range ${c.range}: ${c.sourceFailure ?? `P-value ${c.pValue.toExponential(3)} < ${threshold.toExponential(3)}`}`,
      ),
    ...(referenceCheck && !referenceCheck.passed
      ? ['the Appendix B self-check did not reproduce the published values']
      : []),
  ];
  return {
    passed: reasons.length === 0,
    rule: `a family-wise ${+(100 * (1 - alpha)).toFixed(6)}% confidence test over ${statistics} statistics: each statistic's evidence P-value and each chi-square P-value must be >= ${alpha}/${statistics} (Bonferroni), and every SP 800-22 section 4.2.2 uniformity P-value >= 0.0001`,
    statistics,
    threshold,
    reasons,
    nistRowFailures: tests.filter((t) => t.verdict === 'fail').map((t) => t.name),
  };
}
