import type { Bits } from './bits.js';
import { APPENDIX_B_PARAMETERS, type SuiteParameters } from './suite-parameters.js';
import { approximateEntropyTest } from './tests/approximate-entropy.js';
import { blockFrequencyTest } from './tests/block-frequency.js';
import { cumulativeSumsTest } from './tests/cumulative-sums.js';
import { frequencyTest } from './tests/frequency.js';
import { linearComplexityTest } from './tests/linear-complexity.js';
import { longestRunTest } from './tests/longest-run.js';
import { matrixRankTest } from './tests/matrix-rank.js';
import { nonOverlappingTemplateTest } from './tests/non-overlapping-template.js';
import { overlappingTemplateTest } from './tests/overlapping-template.js';
import { randomExcursionsVariantTest } from './tests/random-excursions-variant.js';
import { randomExcursionsTest } from './tests/random-excursions.js';
import { runsTest } from './tests/runs.js';
import { serialTest } from './tests/serial.js';
import { spectralTest } from './tests/spectral.js';
import type { NistTestResult } from './tests/test-result.js';
import { universalTest } from './tests/universal.js';

/** Smallest sequence the whole suite accepts: the Linear Complexity and Rank blocks must fit. */
export const MINIMUM_SEQUENCE_LENGTH = 1024;

/** All fifteen SP 800-22 tests on one sequence, in the order of the NIST STS report. */
export function runNistSuite(
  bits: Bits,
  parameters: SuiteParameters = APPENDIX_B_PARAMETERS,
): NistTestResult[] {
  if (bits.length < Math.max(MINIMUM_SEQUENCE_LENGTH, parameters.linearComplexityBlockLength)) {
    throw new RangeError(
      `the suite needs at least ${MINIMUM_SEQUENCE_LENGTH} bits per sequence, got ${bits.length}`,
    );
  }
  return [
    frequencyTest(bits),
    blockFrequencyTest(bits, parameters.blockFrequencyBlockLength),
    cumulativeSumsTest(bits),
    runsTest(bits),
    longestRunTest(bits),
    matrixRankTest(bits),
    spectralTest(bits),
    nonOverlappingTemplateTest(bits, {
      templateLength: parameters.nonOverlappingTemplateLength,
      templates: parameters.nonOverlappingTemplates,
    }),
    overlappingTemplateTest(bits, { templateLength: parameters.overlappingTemplateLength }),
    universalTest(bits),
    approximateEntropyTest(bits, parameters.approximateEntropyBlockLength),
    randomExcursionsTest(bits),
    randomExcursionsVariantTest(bits),
    serialTest(bits, parameters.serialBlockLength),
    linearComplexityTest(bits, parameters.linearComplexityBlockLength),
  ];
}
