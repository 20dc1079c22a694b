import { SourceExhaustedError, type RandomBytes } from '../core/random-bytes.js';
import { rangeEncoding } from '../core/range-encoding.js';
import { RngAttemptsExceededError, uniformInt } from '../core/uniform-int.js';
import { igamc } from './special/gamma.js';

/**
 * Chi-square goodness of fit of scaled outputs (RNG-3, RNG-4): values drawn through uniformInt
 * exactly as draws are, counted in bins, compared with the exact uniform expectation.
 */
export interface ScaledChiSquareResult {
  range: number;
  /** Draws requested and completed (fewer only for a finite source that ran out). */
  drawsRequested: number;
  draws: number;
  /**
   * 'value': one bin per value. 'ranges': B bins [ceil(i n / B), ceil((i+1) n / B)) of equal
   * size when B divides n, otherwise sizes differing by one, each with its exact expected count
   * draws * size / n, so the statistic stays exact for any n.
   */
  binning: 'value' | 'ranges';
  bins: number;
  smallestExpectedCount: number;
  statistic: number;
  degreesOfFreedom: number;
  pValue: number;
  passed: boolean;
  /** Rejection sampling cost: attempts made against the expected draws * 2^bits / n. */
  attempts: number;
  expectedAttempts: number;
  bytesConsumed: number;
  /**
   * Set when the source stopped producing usable values (no value in range after MAX_ATTEMPTS
   * attempts): the range fails, with whatever statistic the values drawn so far allow.
   */
  sourceFailure?: string;
}

export interface ScaledChiSquareOptions {
  alpha?: number;
  /** Fewest expected draws in any bin (default 10); sets the number of bins for large ranges. */
  minimumExpectedPerBin?: number;
  /** For a finite source: stop at exhaustion instead of failing, and report the draws made. */
  allowShortfall?: boolean;
}

export async function scaledChiSquare(
  source: RandomBytes,
  range: number,
  draws: number,
  options: ScaledChiSquareOptions = {},
): Promise<ScaledChiSquareResult> {
  rangeEncoding(range);
  if (!Number.isSafeInteger(draws) || draws < 1)
    throw new RangeError(`draws must be a positive integer, got ${draws}`);
  const values: number[] = [];
  let attempts = 0;
  let bytesConsumed = 0;
  try {
    for (let i = 0; i < draws; i++) {
      const draw = await uniformInt(range, source);
      values.push(draw.value);
      attempts += draw.attempts;
      bytesConsumed += draw.bytesConsumed.length;
    }
  } catch (error) {
    if (error instanceof RngAttemptsExceededError) {
      return failedRange(range, values, options, {
        drawsRequested: draws,
        attempts,
        bytesConsumed,
        sourceFailure: error.message,
      });
    }
    if (!(options.allowShortfall && error instanceof SourceExhaustedError)) throw error;
  }
  return { ...chiSquareOfValues(range, values, options), drawsRequested: draws, attempts, bytesConsumed };
}

function failedRange(
  range: number,
  values: number[],
  options: ScaledChiSquareOptions,
  facts: Pick<ScaledChiSquareResult, 'drawsRequested' | 'attempts' | 'bytesConsumed' | 'sourceFailure'>,
): ScaledChiSquareResult {
  let statistics: Omit<ScaledChiSquareResult, 'drawsRequested' | 'attempts' | 'bytesConsumed'>;
  try {
    statistics = chiSquareOfValues(range, values, options);
  } catch {
    const encoding = rangeEncoding(range);
    statistics = {
      range,
      draws: values.length,
      binning: 'value',
      bins: 0,
      smallestExpectedCount: 0,
      statistic: 0,
      degreesOfFreedom: 0,
      pValue: 0,
      passed: false,
      expectedAttempts: values.length * (2 ** encoding.bits / range),
    };
  }
  return { ...statistics, ...facts, passed: false };
}

/** The binning and statistic alone, for values already drawn. */
export function chiSquareOfValues(
  range: number,
  values: readonly number[],
  options: Omit<ScaledChiSquareOptions, 'allowShortfall'> = {},
): Omit<ScaledChiSquareResult, 'drawsRequested' | 'attempts' | 'bytesConsumed'> {
  const encoding = rangeEncoding(range);
  const alpha = options.alpha ?? 0.01;
  const minimumExpected = options.minimumExpectedPerBin ?? 10;
  const draws = values.length;
  // The smallest bin holds floor(range / bins) values; it must expect at least minimumExpected draws.
  const smallestBinSize = Math.max(1, Math.ceil((minimumExpected * range) / draws));
  const bins = Math.min(range, Math.floor(range / smallestBinSize));
  if (bins < 2) {
    throw new RangeError(`${draws} draws are too few for a chi-square test of range ${range}`);
  }
  const binning = bins === range ? 'value' : 'ranges';
  const counts = new Float64Array(bins);
  for (const value of values) {
    if (!Number.isSafeInteger(value) || value < 0 || value >= range)
      throw new RangeError(`value ${value} out of range`);
    counts[binOf(value, bins, range)]++;
  }
  let statistic = 0;
  let smallestExpectedCount = Infinity;
  for (let i = 0; i < bins; i++) {
    const expected = (draws * binSize(i, bins, range)) / range;
    smallestExpectedCount = Math.min(smallestExpectedCount, expected);
    statistic += (counts[i] - expected) ** 2 / expected;
  }
  const degreesOfFreedom = bins - 1;
  const pValue = igamc(degreesOfFreedom / 2, statistic / 2);
  return {
    range,
    draws,
    binning,
    bins,
    smallestExpectedCount,
    statistic,
    degreesOfFreedom,
    pValue,
    passed: pValue >= alpha,
    expectedAttempts: draws * (2 ** encoding.bits / range),
  };
}

/** floor(value * bins / range), exact even when the product exceeds 2^53. */
function binOf(value: number, bins: number, range: number): number {
  if (value * bins <= Number.MAX_SAFE_INTEGER) return Math.floor((value * bins) / range);
  return Number((BigInt(value) * BigInt(bins)) / BigInt(range));
}

/** Number of integers v in [0, range) with binOf(v) = i: ceil((i+1) range / bins) - ceil(i range / bins). */
function binSize(i: number, bins: number, range: number): number {
  const ceilDiv = (a: bigint, b: bigint) => (a + b - 1n) / b;
  const r = BigInt(range);
  const b = BigInt(bins);
  return Number(ceilDiv(BigInt(i + 1) * r, b) - ceilDiv(BigInt(i) * r, b));
}
