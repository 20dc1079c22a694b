import fc from 'fast-check';
import { estimatePrize, prizeShareOf } from './prize-estimate.js';

describe('50/50 prize arithmetic', () => {
  it('takes the share of paid sales and rounds down to the minor unit', () => {
    expect(prizeShareOf(0, 5_000)).toBe(0);
    expect(prizeShareOf(1_001, 5_000)).toBe(500);
    expect(prizeShareOf(999, 3_333)).toBe(332);
    expect(prizeShareOf(2_000, 10_000)).toBe(2_000);
  });

  it('adds the seed to the estimate and leaves the rest to the beneficiary', () => {
    expect(estimatePrize(1_001, 5_000, 250)).toEqual({
      amountMinor: 750,
      paidSalesMinor: 1_001,
      shareBps: 5_000,
      seedMinor: 250,
      beneficiaryMinor: 501,
    });
  });

  it('stays exact where paid × share passes 2^53', () => {
    const paid = Number.MAX_SAFE_INTEGER - 1;
    expect(prizeShareOf(paid, 5_000)).toBe(Number((BigInt(paid) * 5_000n) / 10_000n));
  });

  it('never gives more than the share and loses less than one minor unit (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: 2 ** 50 }), fc.integer({ min: 0, max: 10_000 }), (paid, bps) => {
        const share = prizeShareOf(paid, bps);
        const exact = BigInt(paid) * BigInt(bps) * 1n;
        expect(BigInt(share) * 10_000n <= exact).toBe(true);
        expect(exact - BigInt(share) * 10_000n < 10_000n).toBe(true);
      }),
    );
  });

  it('refuses amounts that are not safe non-negative integers', () => {
    expect(() => prizeShareOf(-1, 5_000)).toThrow(RangeError);
    expect(() => prizeShareOf(1.5, 5_000)).toThrow(RangeError);
    expect(() => prizeShareOf(100, 10_001)).toThrow(RangeError);
    expect(() => estimatePrize(100, 5_000, -5)).toThrow(RangeError);
  });
});
