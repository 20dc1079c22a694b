import type { HealthTestTrip } from './repetition-count-test.js';

/**
 * SP 800-90B section 4.4.2 Adaptive Proportion Test: the first sample A of each window of W
 * consecutive samples is counted (B = 1), and each later sample of the window equal to A adds
 * one; the test trips when B reaches the cutoff. Windows are consecutive and do not overlap.
 */
export class AdaptiveProportionTest {
  private reference = -1;
  private occurrences = 0;
  private seen = 0; // samples of the current window so far

  constructor(
    readonly windowSize: number,
    readonly cutoff: number,
  ) {
    if (!Number.isSafeInteger(windowSize) || windowSize < 2) throw new RangeError(`APT window must be >= 2`);
    if (!Number.isSafeInteger(cutoff) || cutoff < 2)
      throw new RangeError(`APT cutoff must be >= 2, got ${cutoff}`);
  }

  feed(sample: number): HealthTestTrip | undefined {
    if (this.seen === 0) {
      this.reference = sample;
      this.occurrences = 1;
    } else if (sample === this.reference) {
      this.occurrences++;
    }
    this.seen = this.seen + 1 === this.windowSize ? 0 : this.seen + 1;
    if (this.occurrences >= this.cutoff && sample === this.reference) {
      return { sample, count: this.occurrences, cutoff: this.cutoff };
    }
    return undefined;
  }
}
