import { criticalBinomial, exactCriticalBinomial, floatingCriticalBinomial } from './binomial-quantile.js';

/** CRITBINOM straight from its definition, with exact rational arithmetic (BigInt). */
function bruteForceCritbinom(
  trials: number,
  numerator: bigint,
  denominatorBits: number,
  alphaBits: number,
): number {
  // p = numerator / 2^denominatorBits; cdf(k) * 2^(trials*denominatorBits) compared to (1 - 2^-alphaBits).
  const scale = 1n << BigInt(trials * denominatorBits);
  const q = (1n << BigInt(denominatorBits)) - numerator;
  let cdf = 0n;
  let binom = 1n;
  for (let k = 0; k <= trials; k++) {
    cdf += binom * numerator ** BigInt(k) * q ** BigInt(trials - k);
    if (cdf * (1n << BigInt(alphaBits)) >= scale * ((1n << BigInt(alphaBits)) - 1n)) return k;
    binom = (binom * BigInt(trials - k)) / BigInt(k + 1);
  }
  return trials;
}

describe('criticalBinomial (CRITBINOM(trials, p, 1 - alpha))', () => {
  it('matches the definition evaluated from below with exact rationals', () => {
    for (const trials of [1, 2, 7, 20, 64, 200]) {
      for (const h of [1, 2, 3, 5, 8]) {
        for (const a of [1, 3, 10, 20]) {
          expect(exactCriticalBinomial(trials, h, a)).toBe(bruteForceCritbinom(trials, 1n, h, a));
        }
      }
    }
  });

  it('agrees between the exact and the floating-point evaluation', () => {
    for (const trials of [512, 1024]) {
      for (let h = 1; h <= 8; h++) {
        for (const a of [20, 30, 40]) {
          expect(floatingCriticalBinomial(trials, 2 ** -h, 2 ** -a)).toBe(
            exactCriticalBinomial(trials, h, a),
          );
        }
      }
    }
  });

  it('handles p that is not a power of two', () => {
    // p = 3/8 exactly representable: compare the floating path with exact rationals.
    for (const trials of [10, 100, 512]) {
      expect(criticalBinomial(trials, 3 / 8, 2 ** -20)).toBe(bruteForceCritbinom(trials, 3n, 3, 20));
    }
  });

  it('reproduces spreadsheet CRITBINOM examples', () => {
    expect(criticalBinomial(6, 0.5, 0.25)).toBe(4); // CRITBINOM(6, 0.5, 0.75) = 4
    expect(criticalBinomial(10, 0.5, 0.5)).toBe(5); // CRITBINOM(10, 0.5, 0.5) = 5
  });

  it('rejects nonsense', () => {
    expect(() => criticalBinomial(0, 0.5, 0.01)).toThrow(RangeError);
    expect(() => criticalBinomial(10, 1, 0.01)).toThrow(RangeError);
    expect(() => criticalBinomial(10, 0.5, 0)).toThrow(RangeError);
  });
});
