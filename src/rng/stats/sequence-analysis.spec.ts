import { pValueHistogram, proportionInterval, uniformityPValue } from './sequence-analysis.js';

describe('SP 800-22 section 4.2 interpretation', () => {
  it('4.2.1: 0.99 +/- 3 sqrt(0.99 * 0.01 / m): 0.99 +/- 0.0094392 for m = 1000, as in the text', () => {
    const { minimum, maximum } = proportionInterval(1000, 0.01);
    expect(minimum).toBeCloseTo(0.9805607, 7);
    expect(maximum).toBeCloseTo(0.9994393, 7);
  });

  it('needs 9 of 10 sequences, or the single one, to pass', () => {
    expect(proportionInterval(10, 0.01).minimum * 10).toBeGreaterThan(8);
    expect(proportionInterval(10, 0.01).minimum * 10).toBeLessThanOrEqual(9);
    expect(proportionInterval(1, 0.01).minimum).toBeGreaterThan(0);
  });

  it('bins P-values into C1..C10 with 1.0 in the last bin', () => {
    expect(pValueHistogram([0, 0.05, 0.1, 0.55, 0.99, 1])).toEqual([2, 1, 0, 0, 0, 1, 0, 0, 0, 2]);
  });

  it('4.2.2: uniform P-values give P-value_T = 1 and clustered ones give a tiny value', () => {
    const uniform = Array.from({ length: 100 }, (_, i) => (i + 0.5) / 100);
    expect(uniformityPValue(uniform)).toBeCloseTo(1, 12);
    const clustered = Array.from({ length: 100 }, () => 0.42);
    expect(uniformityPValue(clustered)).toBeLessThan(1e-50);
  });

  it('4.2.2: counts 14, 6, 10, ... over 100 sequences give chi^2 = 3.2 and P-value_T = 0.955835', () => {
    // Q(9/2, 1.6) = erfc(sqrt(1.6)) + e^-1.6 sum_{k=1..4} 1.6^(k-1/2) / Gamma(k+1/2) = 0.9558347256
    const pValues = [
      ...Array.from({ length: 14 }, () => 0.05),
      ...Array.from({ length: 6 }, () => 0.15),
      ...Array.from({ length: 80 }, (_, i) => 0.2 + (Math.floor(i / 10) + 0.5) / 10),
    ];
    expect(pValueHistogram(pValues)).toEqual([14, 6, 10, 10, 10, 10, 10, 10, 10, 10]);
    expect(uniformityPValue(pValues)).toBeCloseTo(0.9558347256, 9);
  });
});
