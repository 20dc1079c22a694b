import { randomBytes } from 'node:crypto';
import { bitsFromBytes, type Bits } from '../bits.js';
import { runNistSuite } from '../suite.js';
import type { NistTestName } from './test-result.js';

/** Each test must be able to fail: feed it the defect it is designed to see. */
function pValue(bits: Bits, test: NistTestName): number {
  const result = runNistSuite(bits).find((r) => r.name === test)!;
  return Math.min(...result.pValues);
}

function randomBits(n: number): Bits {
  return bitsFromBytes(randomBytes(n / 8));
}

function withOnesProbability(n: number, p: number): Bits {
  const bytes = randomBytes(n * 2);
  return Uint8Array.from({ length: n }, (_, i) => (bytes.readUInt16BE(2 * i) < p * 65536 ? 1 : 0));
}

const N = 200_000;

describe('the suite rejects defective sequences', () => {
  it('a 52% ones source fails Frequency and Cumulative Sums', () => {
    const biased = withOnesProbability(N, 0.52);
    expect(pValue(biased, 'Frequency')).toBeLessThan(1e-6);
    expect(pValue(biased, 'CumulativeSums')).toBeLessThan(1e-6);
  });

  it('a sequence that alternates too often fails Runs', () => {
    const bits = randomBits(N);
    for (let i = 1; i < N; i += 3) bits[i] = 1 - bits[i - 1];
    expect(pValue(bits, 'Runs')).toBeLessThan(1e-6);
  });

  it('a sequence without runs of 8 ones fails Longest Run and the template tests', () => {
    const bits = randomBits(N);
    for (let i = 7; i < N; i += 8) bits[i] = 0;
    expect(pValue(bits, 'LongestRun')).toBeLessThan(1e-6);
    expect(pValue(bits, 'OverlappingTemplate')).toBeLessThan(1e-6);
  });

  it('a sequence with a period of 1024 bits fails Rank, FFT, Serial and Approximate Entropy', () => {
    const period = randomBits(1024);
    const bits = new Uint8Array(N * 2);
    for (let i = 0; i < bits.length; i++) bits[i] = period[i % 1024];
    // (Linear Complexity blocks of 500 bits are shorter than the period, so it cannot see this.)
    const failing = (['Rank', 'FFT', 'Serial', 'ApproximateEntropy'] as const).filter(
      (test) => pValue(bits, test) < 1e-6,
    );
    expect(failing).toEqual(['Rank', 'FFT', 'Serial', 'ApproximateEntropy']);
  });

  it('7-bit blocks drawn from only 64 values fail Universal', () => {
    const bits = randomBits(1_000_000);
    for (let i = 6; i < bits.length; i += 7) bits[i] = 0;
    expect(pValue(bits, 'Universal')).toBeLessThan(1e-6);
  });

  it('an LFSR sequence fails Linear Complexity', () => {
    const s = [1, 0, 1, 1, 0, 0, 1, 0, 1, 1, 1, 0, 0, 0, 1, 0, 1];
    // x^17 + x^3 + 1 (primitive): period 131071, linear complexity 17 per block.
    while (s.length < N) s.push(s[s.length - 14] ^ s[s.length - 17]);
    expect(pValue(Uint8Array.from(s), 'LinearComplexity')).toBeLessThan(1e-6);
  });

  it('a walk that drifts away fails the excursion tests or is not applicable', () => {
    const drifting = withOnesProbability(1_000_000, 0.51);
    const results = runNistSuite(drifting).filter((r) => r.name.startsWith('RandomExcursions'));
    for (const result of results) {
      expect(!result.applicable || Math.min(...result.pValues) < 0.01).toBe(true);
    }
  });

  it('a template that never occurs fails Non-overlapping Template Matching', () => {
    const bits = randomBits(N);
    for (let i = 8; i < N; i++) {
      if (bits[i] === 1 && bits.subarray(i - 8, i).every((b) => b === 0)) bits[i] = 0;
    }
    expect(pValue(bits, 'NonOverlappingTemplate')).toBeLessThan(1e-6);
  });

  it('gives P-values in [0, 1] for a random sequence', () => {
    for (const result of runNistSuite(randomBits(N))) {
      for (const p of result.pValues) expect(p >= 0 && p <= 1).toBe(true);
    }
  });
});
