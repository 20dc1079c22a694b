import { randomBytes } from 'node:crypto';
import { bufferSource, type RandomBytes } from '../core/random-bytes.js';
import { rangeEncoding } from '../core/range-encoding.js';
import { chiSquareOfValues, scaledChiSquare } from './scaled-chi-square.js';

const osSource: RandomBytes = async (n) => randomBytes(n);

describe('scaledChiSquare', () => {
  it.each([
    [6, 60_000],
    [10, 50_000],
    [37, 37_000],
    [1000, 100_000],
    [12345, 150_000],
    [1_000_003, 100_000],
    [2 ** 53 - 1, 50_000],
  ])('bins range %d and draws %d values through uniformInt', async (range, draws) => {
    const result = await scaledChiSquare(osSource, range, draws);
    expect(result.draws).toBe(draws);
    expect(result.bins).toBeLessThanOrEqual(Math.min(range, draws / 10));
    expect(result.bins).toBeGreaterThan(Math.min(range, draws / 10) * 0.98);
    expect(result.binning).toBe(result.bins === range ? 'value' : 'ranges');
    expect(result.smallestExpectedCount).toBeGreaterThanOrEqual(10);
    expect(result.degreesOfFreedom).toBe(result.bins - 1);
    expect(result.pValue).toBeGreaterThanOrEqual(0);
    expect(result.pValue).toBeLessThanOrEqual(1);
    // Rejection sampling costs on average 2^bits / n attempts per draw; allow 10 sigma.
    const spread = 10 * Math.sqrt(result.expectedAttempts);
    expect(Math.abs(result.attempts - result.expectedAttempts)).toBeLessThan(spread);
    expect(result.bytesConsumed).toBe(result.attempts * rangeEncoding(range).byteCount);
  });

  it('a modulo-biased scaler fails where rejection sampling passes', () => {
    // 1 byte mod 10: values 0..5 come up 26 times in 256, 6..9 only 25 times.
    const bytes = randomBytes(400_000);
    const modulo = Array.from(bytes, (b) => b % 10);
    expect(chiSquareOfValues(10, modulo).pValue).toBeLessThan(1e-6);
  });

  it('uses exact unequal expected counts when the bins do not divide the range', () => {
    // range 7 into 3 bins: [0,3) [3,5) [5,7) -> sizes 3, 2, 2.
    const values = [0, 1, 2, 3, 4, 5, 6].flatMap((v) => Array.from({ length: 10 }, () => v));
    const result = chiSquareOfValues(7, values, { minimumExpectedPerBin: 20 });
    expect(result).toMatchObject({ bins: 3, binning: 'ranges', statistic: 0, pValue: 1 });
    expect(result.smallestExpectedCount).toBe(20);
  });

  it('stops at the end of a finite source when allowed, and says so', async () => {
    const result = await scaledChiSquare(bufferSource(randomBytes(3000)), 6, 10_000, {
      allowShortfall: true,
    });
    expect(result.drawsRequested).toBe(10_000);
    expect(result.draws).toBeLessThan(3000);
    expect(result.draws).toBeGreaterThan(1000);
    await expect(scaledChiSquare(bufferSource(randomBytes(30)), 6, 10_000)).rejects.toThrow(/exhausted/);
  });

  it('fails the range, without throwing, when the source stops producing values in range', async () => {
    const stuck: RandomBytes = async (n) => Buffer.alloc(n, 0xff);
    const result = await scaledChiSquare(stuck, 6, 1000);
    expect(result).toMatchObject({ range: 6, draws: 0, passed: false, pValue: 0, attempts: 0 });
    expect(result.sourceFailure).toMatch(/not working/);
  });

  it('refuses too few draws for the range and values outside it', () => {
    expect(() => chiSquareOfValues(6, [1, 2, 3])).toThrow(/too few/);
    expect(() =>
      chiSquareOfValues(
        2,
        Array.from({ length: 100 }, () => 2),
      ),
    ).toThrow(/out of range/);
  });
});
