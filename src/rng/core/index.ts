export { bufferSource, SourceExhaustedError, type RandomBytes } from './random-bytes.js';
export { MAX_RANGE, candidateValue, rangeEncoding, type RangeEncoding } from './range-encoding.js';
export {
  MAX_ATTEMPTS,
  RngAttemptsExceededError,
  replayUniformInt,
  uniformInt,
  type UniformIntDraw,
  type UniformIntReplay,
} from './uniform-int.js';
export {
  replaySelectDistinct,
  replaySelectWithRepeats,
  selectDistinct,
  selectWithRepeats,
  type Selection,
  type SelectionReplay,
} from './selection.js';
export { RngReplayError } from './replay-error.js';
export { runRngSelfTest, type SelfTestCheck, type SelfTestResult } from './self-test.js';
export { AdaptiveProportionTest } from './health/adaptive-proportion-test.js';
export { RepetitionCountTest, type HealthTestTrip } from './health/repetition-count-test.js';
export { criticalBinomial } from './health/binomial-quantile.js';
export {
  DEFAULT_HEALTH_PARAMETERS,
  adaptiveProportionCutoff,
  healthCutoffs,
  repetitionCountCutoff,
  type HealthCutoffs,
  type HealthTestParameters,
} from './health/health-parameters.js';
export {
  HealthMonitor,
  START_UP_SAMPLES,
  type HealthState,
  type StartUpResult,
} from './health/health-monitor.js';
export { monitoredSource } from './health/monitored-source.js';
export { RngHealthError, type HealthTestName } from './health/rng-health-error.js';
