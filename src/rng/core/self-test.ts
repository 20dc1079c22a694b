import { AdaptiveProportionTest } from './health/adaptive-proportion-test.js';
import { adaptiveProportionCutoff, repetitionCountCutoff } from './health/health-parameters.js';
import { RepetitionCountTest } from './health/repetition-count-test.js';
import { replaySelectDistinct, replaySelectWithRepeats } from './selection.js';
import { replayUniformInt } from './uniform-int.js';

export interface SelfTestCheck {
  name: string;
  expected: unknown;
  actual: unknown;
  passed: boolean;
}

export interface SelfTestResult {
  passed: boolean;
  checks: SelfTestCheck[];
}

/**
 * Known-answer tests run at start-up, before any draw (SP 800-90B section 4.3 spirit, RNG-8).
 * Every expected value was worked out by hand from the algorithm as documented in docs/rng.md;
 * the derivation is written next to each case so an auditor can redo it.
 */
export function runRngSelfTest(): SelfTestResult {
  const checks: SelfTestCheck[] = [
    // n = 10: n-1 = 9 = 0b1001 -> 4 bits, 1 byte, mask 0x0f. ff->15, 0a->10, 1b->11 rejected; 03 -> 3.
    check('uniformInt n=10', { value: 3, attempts: 4 }, () => pick(replayUniformInt(10, hex('ff0a1b03')))),
    // n = 1000: 999 -> 10 bits, 2 bytes, mask 0x03. 03e8 = 1000 rejected; ffe7 -> 03e7 = 999.
    check('uniformInt n=1000', { value: 999, attempts: 2 }, () =>
      pick(replayUniformInt(1000, hex('03e8ffe7'))),
    ),
    // n = 2^53: 53 bits, 7 bytes, mask 0x1f; all-ones is 2^53 - 1 and always accepted.
    check('uniformInt n=2^53', { value: 2 ** 53 - 1, attempts: 1 }, () =>
      pick(replayUniformInt(2 ** 53, hex('ffffffffffffff'))),
    ),
    // n = 2^53 - 1 rejects only the all-ones candidate; the next attempt reads 1.
    check('uniformInt n=2^53-1', { value: 1, attempts: 2 }, () =>
      pick(replayUniformInt(2 ** 53 - 1, hex('ffffffffffffff00000000000001'))),
    ),
    // 3 of 5: r=4 from [0,5) (mask 07) -> swap a0,a4 -> 4; r=2 from [0,4) (mask 03) -> j=3 -> 3;
    // from [0,3) (mask 03): 03 rejected, r=1 -> j=3, which now holds 1 -> 1.
    check('selectDistinct 3 of 5', [4, 3, 1], () => replaySelectDistinct(3, 5, hex('04020301')).values),
    // 3 from [0,6) (mask 07): 05 -> 5; 07 rejected; 05 -> 5; 00 -> 0.
    check('selectWithRepeats 3 of 6', [5, 5, 0], () => replaySelectWithRepeats(3, 6, hex('05070500')).values),
    // SP 800-90B 4.4.1 with H = 4, alpha = 2^-20: 1 + ceil(20/4) = 6.
    check('RCT cutoff H=4', 6, () => repetitionCountCutoff(4, 2 ** -20)),
    // SP 800-90B 4.4.2 with W = 512, H = 4: 1 + CRITBINOM(512, 1/16, 1 - 2^-20) = 62.
    check('APT cutoff H=4', 62, () => adaptiveProportionCutoff(512, 4, 2 ** -20)),
    // Five equal samples pass a cutoff of 6; the sixth trips it.
    check('RCT trips at the 6th repeat', 5, () =>
      firstTrip(new RepetitionCountTest(6), new Array(8).fill(0x5a)),
    ),
    // 0xaa then (0x55, 0xaa) pairs: after t pairs 0xaa was seen 1 + t times; 62 at t = 61, index 122.
    check('APT trips at the 62nd occurrence', 122, () =>
      firstTrip(new AdaptiveProportionTest(512, 62), [
        0xaa,
        ...new Array<number[]>(100).fill([0x55, 0xaa]).flat(),
      ]),
    ),
  ];
  return { passed: checks.every((c) => c.passed), checks };
}

function check(name: string, expected: unknown, compute: () => unknown): SelfTestCheck {
  let actual: unknown;
  try {
    actual = compute();
  } catch (error) {
    actual = `threw: ${error instanceof Error ? error.message : String(error)}`;
  }
  return { name, expected, actual, passed: JSON.stringify(actual) === JSON.stringify(expected) };
}

function pick(replay: { value: number; attempts: number }): { value: number; attempts: number } {
  return { value: replay.value, attempts: replay.attempts };
}

function firstTrip(test: { feed(sample: number): unknown }, samples: number[]): number {
  return samples.findIndex((sample) => test.feed(sample) !== undefined);
}

function hex(text: string): Buffer {
  return Buffer.from(text, 'hex');
}
