import { criticalBinomial } from './binomial-quantile.js';

/**
 * Parameters of the SP 800-90B section 4.4 continuous health tests. Each byte the provider returns
 * is one sample (non-binary, 256 possible values).
 */
export interface HealthTestParameters {
  /**
   * Assessed min-entropy H per sample, in bits. The providers deliver conditioned DRBG output
   * that claims full entropy (8 bits per byte); we claim only 4. A lower H raises the cutoffs
   * (6 and 62 instead of 4 and 13), so a healthy source no longer trips the repetition test about
   * once per 16 MB (2^-24 per sample) but once per 10^12 bytes (2^-40), while a stuck source still
   * fails within 6 bytes and one repeating a value in a quarter of its output within a few windows.
   */
  minEntropyPerSample: number;
  /** False-positive probability per test decision; 800-90B recommends 2^-20 to 2^-40. */
  alpha: number;
  /** Adaptive proportion window W: 512 for non-binary samples (800-90B section 4.4.2). */
  windowSize: number;
}

export const DEFAULT_HEALTH_PARAMETERS: Readonly<HealthTestParameters> = Object.freeze({
  minEntropyPerSample: 4,
  alpha: 2 ** -20,
  windowSize: 512,
});

export interface HealthCutoffs {
  /** RCT fails when a sample repeats this many times in a row. */
  repetitionCount: number;
  /** APT fails when the first sample of a window occurs this many times within the window. */
  adaptiveProportion: number;
  windowSize: number;
}

/** SP 800-90B section 4.4.1: C = 1 + ceil(-log2(alpha) / H); with alpha = 2^-20, 1 + ceil(20/H). */
export function repetitionCountCutoff(minEntropyPerSample: number, alpha: number): number {
  assertEntropy(minEntropyPerSample);
  return 1 + Math.ceil(-Math.log2(alpha) / minEntropyPerSample);
}

/** SP 800-90B section 4.4.2: C = 1 + CRITBINOM(W, 2^-H, 1 - alpha). */
export function adaptiveProportionCutoff(
  windowSize: number,
  minEntropyPerSample: number,
  alpha: number,
): number {
  assertEntropy(minEntropyPerSample);
  return 1 + criticalBinomial(windowSize, 2 ** -minEntropyPerSample, alpha);
}

export function healthCutoffs(parameters: HealthTestParameters = DEFAULT_HEALTH_PARAMETERS): HealthCutoffs {
  return {
    repetitionCount: repetitionCountCutoff(parameters.minEntropyPerSample, parameters.alpha),
    adaptiveProportion: adaptiveProportionCutoff(
      parameters.windowSize,
      parameters.minEntropyPerSample,
      parameters.alpha,
    ),
    windowSize: parameters.windowSize,
  };
}

function assertEntropy(h: number): void {
  // A byte sample carries at most 8 bits; H <= 0 would make every cutoff infinite.
  if (!(h > 0 && h <= 8)) throw new RangeError(`min-entropy per byte sample must be in (0, 8], got ${h}`);
}
