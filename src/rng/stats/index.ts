export { bitsFromAscii, bitsFromBytes, bitsToAscii, bytesFromBits, type Bits } from './bits.js';
export { erf, erfc } from './special/error-function.js';
export { igam, igamc, lgam } from './special/gamma.js';
export { normalCdf } from './special/normal.js';
export { dft, type Complex } from './fft.js';
export type { NistTestName, NistTestResult } from './tests/test-result.js';
export { frequencyTest } from './tests/frequency.js';
export { blockFrequencyTest } from './tests/block-frequency.js';
export { runsTest } from './tests/runs.js';
export { longestRunTest } from './tests/longest-run.js';
export { matrixRankTest } from './tests/matrix-rank.js';
export { spectralTest } from './tests/spectral.js';
export { aperiodicTemplates } from './tests/aperiodic-templates.js';
export {
  nonOverlappingTemplateTest,
  type NonOverlappingTemplateOptions,
} from './tests/non-overlapping-template.js';
export { overlappingTemplateTest, type OverlappingTemplateOptions } from './tests/overlapping-template.js';
export { universalTest, type UniversalOptions } from './tests/universal.js';
export { linearComplexityTest } from './tests/linear-complexity.js';
export { serialTest } from './tests/serial.js';
export { approximateEntropyTest } from './tests/approximate-entropy.js';
export { cumulativeSumsTest } from './tests/cumulative-sums.js';
export { randomExcursionsTest, type ExcursionOptions } from './tests/random-excursions.js';
export { randomExcursionsVariantTest } from './tests/random-excursions-variant.js';
export { APPENDIX_B_PARAMETERS, type SuiteParameters } from './suite-parameters.js';
export { runNistSuite } from './suite.js';
export { pValueHistogram, proportionInterval, uniformityPValue } from './sequence-analysis.js';
export {
  chiSquareOfValues,
  scaledChiSquare,
  type ScaledChiSquareOptions,
  type ScaledChiSquareResult,
} from './scaled-chi-square.js';
export {
  DEFAULT_SEQUENCE_LENGTH,
  buildRngReport,
  type ReportOptions,
  type ReportSource,
  type ReportTestRow,
  type RngReport,
} from './report.js';
export { renderReportMarkdown } from './report-markdown.js';
export { binaryExpansionOfE } from './reference/binary-expansion-of-e.js';
export { APPENDIX_B_E, checkAppendixB, type ReferenceCheck } from './reference/appendix-b.js';
