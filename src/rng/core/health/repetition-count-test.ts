/** What a health test reports when a sample makes it trip. */
export interface HealthTestTrip {
  sample: number;
  count: number;
  cutoff: number;
}

/**
 * SP 800-90B section 4.4.1 Repetition Count Test, one sample at a time: trips when the same
 * sample value occurs `cutoff` times in a row. State carries across blocks, so splitting the
 * stream differently never changes a verdict.
 */
export class RepetitionCountTest {
  private last = -1;
  private run = 0;

  constructor(readonly cutoff: number) {
    if (!Number.isSafeInteger(cutoff) || cutoff < 2)
      throw new RangeError(`RCT cutoff must be >= 2, got ${cutoff}`);
  }

  /** Feeds one sample; returns the trip details when this sample makes the test fail. */
  feed(sample: number): HealthTestTrip | undefined {
    if (sample === this.last) {
      this.run++;
      if (this.run >= this.cutoff) return { sample, count: this.run, cutoff: this.cutoff };
    } else {
      this.last = sample;
      this.run = 1;
    }
    return undefined;
  }
}
