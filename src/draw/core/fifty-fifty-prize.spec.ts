import fc from 'fast-check';
import { fiftyFiftyPrize } from './fifty-fifty-prize.js';

describe('fiftyFiftyPrize', () => {
  it('rounds the prize down to the minor unit and gives the remainder to the charity', () => {
    expect(fiftyFiftyPrize({ paidTotalMinor: 12_345, shareBasisPoints: 5000 })).toEqual({
      prizeMinor: 6172,
      charityMinor: 6173,
      paidTotalMinor: 12_345,
      shareBasisPoints: 5000,
    });
    expect(fiftyFiftyPrize({ paidTotalMinor: 999, shareBasisPoints: 3333 }).prizeMinor).toBe(332); // 332.9667
    expect(fiftyFiftyPrize({ paidTotalMinor: 0, shareBasisPoints: 5000 }).prizeMinor).toBe(0);
    expect(fiftyFiftyPrize({ paidTotalMinor: 10, shareBasisPoints: 10_000 })).toMatchObject({
      prizeMinor: 10,
      charityMinor: 0,
    });
  });

  it('is exact where paid * share passes 2^53', () => {
    const paid = Number.MAX_SAFE_INTEGER;
    const split = fiftyFiftyPrize({ paidTotalMinor: paid, shareBasisPoints: 5000 });
    expect(split.prizeMinor).toBe(Number((BigInt(paid) * 5000n) / 10_000n));
    expect(split.prizeMinor + split.charityMinor).toBe(paid);
  });

  it.each([
    [{ paidTotalMinor: -1, shareBasisPoints: 5000 }, 'paidTotalMinor'],
    [{ paidTotalMinor: 10.5, shareBasisPoints: 5000 }, 'paidTotalMinor'],
    [{ paidTotalMinor: 2 ** 53, shareBasisPoints: 5000 }, 'paidTotalMinor'],
    [{ paidTotalMinor: Number.NaN, shareBasisPoints: 5000 }, 'paidTotalMinor'],
    [{ paidTotalMinor: '100' as unknown as number, shareBasisPoints: 5000 }, 'paidTotalMinor'],
    [{ paidTotalMinor: 100, shareBasisPoints: -1 }, 'shareBasisPoints'],
    [{ paidTotalMinor: 100, shareBasisPoints: 10_001 }, 'shareBasisPoints'],
    [{ paidTotalMinor: 100, shareBasisPoints: 50.5 }, 'shareBasisPoints'],
  ])('refuses %j', (input, field) => {
    expect(() => fiftyFiftyPrize(input)).toThrow(RangeError);
    expect(() => fiftyFiftyPrize(input)).toThrow(field);
  });

  it('always splits the whole total: prize + charity = paid, prize = floor(paid * share / 10000) (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
        fc.integer({ min: 0, max: 10_000 }),
        (paid, share) => {
          const { prizeMinor, charityMinor } = fiftyFiftyPrize({
            paidTotalMinor: paid,
            shareBasisPoints: share,
          });
          expect(prizeMinor + charityMinor).toBe(paid);
          expect(BigInt(prizeMinor) * 10_000n <= BigInt(paid) * BigInt(share)).toBe(true);
          expect(BigInt(prizeMinor + 1) * 10_000n > BigInt(paid) * BigInt(share)).toBe(true);
          expect(charityMinor).toBeGreaterThanOrEqual(0);
        },
      ),
      { numRuns: 2000 },
    );
  });
});
