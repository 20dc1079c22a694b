export type HealthTestName = 'repetition-count' | 'adaptive-proportion' | 'start-up';

/**
 * A continuous health test failed (SP 800-90B section 4.4). Carries what a technician and the
 * audit journal need: which test, which sample value, how often it was seen against the cutoff,
 * and where in the monitored stream it happened.
 */
export class RngHealthError extends Error {
  readonly test: HealthTestName;
  /** The byte value that repeated (RCT) or dominated its window (APT); absent for start-up. */
  readonly sample?: number;
  /** Consecutive repeats (RCT) or occurrences in the window (APT) when the test tripped. */
  readonly count?: number;
  readonly cutoff?: number;
  /** 0-based index of the failing sample in the monitored stream since the last start-up. */
  readonly sampleIndex?: number;
  /** True when thrown because the monitor is still latched by an earlier failure. */
  readonly latched: boolean;

  constructor(details: {
    test: HealthTestName;
    message: string;
    sample?: number;
    count?: number;
    cutoff?: number;
    sampleIndex?: number;
    latched?: boolean;
    cause?: unknown;
  }) {
    super(details.message, { cause: details.cause });
    this.name = 'RngHealthError';
    this.test = details.test;
    this.sample = details.sample;
    this.count = details.count;
    this.cutoff = details.cutoff;
    this.sampleIndex = details.sampleIndex;
    this.latched = details.latched ?? false;
  }
}
