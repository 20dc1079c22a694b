import type { RandomBytes } from '../random-bytes.js';
import { runRngSelfTest, type SelfTestResult } from '../self-test.js';
import { AdaptiveProportionTest } from './adaptive-proportion-test.js';
import {
  DEFAULT_HEALTH_PARAMETERS,
  healthCutoffs,
  type HealthCutoffs,
  type HealthTestParameters,
} from './health-parameters.js';
import { RepetitionCountTest, type HealthTestTrip } from './repetition-count-test.js';
import { RngHealthError, type HealthTestName } from './rng-health-error.js';

export type HealthState = 'awaiting-start-up' | 'starting' | 'healthy' | 'failed';

/** SP 800-90B section 4.3 (1): start-up tests run the continuous tests over >= 1024 samples. */
export const START_UP_SAMPLES = 1024;

export interface StartUpResult {
  passed: boolean;
  selfTest: SelfTestResult;
  /** Fresh samples drawn, tested and discarded before any output is released. */
  samplesTested: number;
  failure?: RngHealthError;
}

/**
 * Runs every byte of every block through both continuous tests. A failure latches: every later
 * call throws until `startUp` passes again (a new start-up self-test), so draws stay disabled
 * until the RNG is known good (RNG-8). A new monitor is latched closed until its first start-up.
 */
export class HealthMonitor {
  readonly cutoffs: HealthCutoffs;
  private repetition: RepetitionCountTest;
  private proportion: AdaptiveProportionTest;
  private currentState: HealthState = 'awaiting-start-up';
  private latchedFailure?: RngHealthError;
  private inspected = 0;

  constructor(readonly parameters: HealthTestParameters = DEFAULT_HEALTH_PARAMETERS) {
    this.cutoffs = healthCutoffs(parameters);
    this.repetition = new RepetitionCountTest(this.cutoffs.repetitionCount);
    this.proportion = new AdaptiveProportionTest(this.cutoffs.windowSize, this.cutoffs.adaptiveProportion);
  }

  get state(): HealthState {
    return this.currentState;
  }

  /** The failure that latched the monitor, if it is failed. */
  get failure(): RngHealthError | undefined {
    return this.latchedFailure;
  }

  /** Samples inspected since the last successful start-up. */
  get samplesInspected(): number {
    return this.inspected;
  }

  /**
   * Tests a block before it may be used; throws RngHealthError on a failure (or if the monitor
   * is failed or not started). The block is never partly accepted: callers discard it on throw.
   */
  inspect(block: Uint8Array): void {
    this.assertHealthy();
    this.scan(block);
  }

  private scan(block: Uint8Array): void {
    for (let i = 0; i < block.length; i++) {
      const sample = block[i];
      const trip = this.repetition.feed(sample);
      if (trip) this.fail('repetition-count', trip, this.inspected + i);
      const proportionTrip = this.proportion.feed(sample);
      if (proportionTrip) this.fail('adaptive-proportion', proportionTrip, this.inspected + i);
    }
    this.inspected += block.length;
  }

  /**
   * Start-up (and the only recovery after a failure): the known-answer self-test, then
   * START_UP_SAMPLES fresh bytes through new RCT and APT instances; those bytes are discarded.
   */
  async startUp(source: RandomBytes): Promise<StartUpResult> {
    // No output while the start-up runs, even to a draw that arrives during the await below.
    this.currentState = 'starting';
    const selfTest = runRngSelfTest();
    if (!selfTest.passed) {
      this.currentState = 'failed';
      const failure = new RngHealthError({
        test: 'start-up',
        message: `RNG self-test failed: ${failedChecks(selfTest)}`,
      });
      this.latchedFailure = failure;
      return { passed: false, selfTest, samplesTested: 0, failure };
    }
    this.resetTests();
    try {
      const bytes = await source(START_UP_SAMPLES);
      if (bytes.length !== START_UP_SAMPLES) throw new Error(`start-up read returned ${bytes.length} bytes`);
      this.scan(bytes);
    } catch (error) {
      const failure =
        error instanceof RngHealthError
          ? error
          : new RngHealthError({
              test: 'start-up',
              message: `RNG start-up test could not run: ${String(error)}`,
              cause: error,
            });
      this.currentState = 'failed';
      this.latchedFailure = failure;
      return { passed: false, selfTest, samplesTested: this.inspected, failure };
    }
    const samplesTested = this.inspected;
    this.resetTests();
    this.currentState = 'healthy';
    return { passed: true, selfTest, samplesTested };
  }

  private resetTests(): void {
    this.repetition = new RepetitionCountTest(this.cutoffs.repetitionCount);
    this.proportion = new AdaptiveProportionTest(this.cutoffs.windowSize, this.cutoffs.adaptiveProportion);
    this.inspected = 0;
    this.latchedFailure = undefined;
  }

  private assertHealthy(): void {
    if (this.currentState === 'healthy') return;
    if (this.currentState === 'awaiting-start-up' || this.currentState === 'starting') {
      throw new RngHealthError({
        test: 'start-up',
        message:
          this.currentState === 'starting'
            ? 'RNG start-up test in progress: no output until it passes'
            : 'RNG not started: run the start-up self-test first',
        latched: true,
      });
    }
    const cause = this.latchedFailure;
    throw new RngHealthError({
      test: cause?.test ?? 'start-up',
      message: `RNG disabled since an earlier health test failure: ${cause?.message ?? 'unknown'}`,
      sample: cause?.sample,
      count: cause?.count,
      cutoff: cause?.cutoff,
      sampleIndex: cause?.sampleIndex,
      latched: true,
      cause,
    });
  }

  private fail(test: HealthTestName, trip: HealthTestTrip, sampleIndex: number): never {
    const what =
      test === 'repetition-count' ? 'times in a row' : `times in a window of ${this.cutoffs.windowSize}`;
    const failure = new RngHealthError({
      test,
      message: `${test} test failed: byte 0x${trip.sample.toString(16).padStart(2, '0')} seen ${trip.count} ${what} (cutoff ${trip.cutoff}) at sample ${sampleIndex}`,
      ...trip,
      sampleIndex,
    });
    this.currentState = 'failed';
    this.latchedFailure = failure;
    throw failure;
  }
}

function failedChecks(result: SelfTestResult): string {
  return result.checks
    .filter((check) => !check.passed)
    .map((check) => check.name)
    .join(', ');
}
