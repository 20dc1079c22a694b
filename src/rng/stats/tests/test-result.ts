import type { Bits } from '../bits.js';

/** The SP 800-22 tests, named as the NIST STS names them in finalAnalysisReport.txt. */
export type NistTestName =
  | 'Frequency'
  | 'BlockFrequency'
  | 'Runs'
  | 'LongestRun'
  | 'Rank'
  | 'FFT'
  | 'NonOverlappingTemplate'
  | 'OverlappingTemplate'
  | 'Universal'
  | 'LinearComplexity'
  | 'Serial'
  | 'ApproximateEntropy'
  | 'CumulativeSums'
  | 'RandomExcursions'
  | 'RandomExcursionsVariant';

export interface NistTestResult {
  name: NistTestName;
  /** One P-value per statistic; `labels[i]` names `pValues[i]` when there are several. */
  pValues: number[];
  labels: string[];
  /** False when the test's own precondition is not met (e.g. too few cycles); pValues is empty, labels stay. */
  applicable: boolean;
  /** The intermediate values the test's section lists, so a lab can compare step by step. */
  statistics: Record<string, number | number[] | string>;
  note?: string;
}

/** A result whose precondition failed; it keeps its labels so reports list every statistic. */
export function notApplicable(
  name: NistTestName,
  note: string,
  statistics: NistTestResult['statistics'] = {},
  labels: string[] = [''],
): NistTestResult {
  return { name, pValues: [], labels, applicable: false, statistics, note };
}

/** Most tests cannot say anything about an empty or absurdly short sequence. */
export function assertLength(bits: Bits, minimum: number, test: NistTestName): void {
  if (bits.length < minimum)
    throw new RangeError(`${test} needs at least ${minimum} bits, got ${bits.length}`);
}
