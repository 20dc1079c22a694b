import { igamc } from './special/gamma.js';

/**
 * SP 800-22 section 4.2.1: with m sequences each tested at level alpha, the proportion passing
 * should lie in p +/- 3 sqrt(p (1 - p) / m), p = 1 - alpha (the NIST STS flags both sides).
 */
export function proportionInterval(sequences: number, alpha: number): { minimum: number; maximum: number } {
  const p = 1 - alpha;
  const margin = 3 * Math.sqrt((p * (1 - p)) / sequences);
  return { minimum: p - margin, maximum: p + margin };
}

/** Section 4.2.2 needs at least 55 sequences for the uniformity P-value to mean anything. */
export const MINIMUM_SEQUENCES_FOR_UNIFORMITY = 55;

/** Counts of P-values in the ten intervals [0, 0.1), ..., [0.9, 1] (C1..C10 of the NIST STS). */
export function pValueHistogram(pValues: readonly number[]): number[] {
  const bins = new Array<number>(10).fill(0);
  for (const p of pValues) bins[Math.min(Math.floor(p * 10), 9)]++;
  return bins;
}

/** Section 4.2.2: P-value_T = igamc(9/2, chi^2/2) of the histogram against uniform. */
export function uniformityPValue(pValues: readonly number[]): number {
  const expected = pValues.length / 10;
  const chiSquare = pValueHistogram(pValues).reduce(
    (sum, count) => sum + (count - expected) ** 2 / expected,
    0,
  );
  return igamc(9 / 2, chiSquare / 2);
}

/** The threshold below which section 4.2.2 calls the P-values non-uniform. */
export const UNIFORMITY_THRESHOLD = 0.0001;
