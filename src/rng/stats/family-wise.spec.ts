import { binomialUpperTail, evidencePValue } from './family-wise.js';

describe('family-wise evidence', () => {
  it('binomialUpperTail sums the exact binomial tail', () => {
    expect(binomialUpperTail(10, 0.01, 0)).toBe(1);
    expect(binomialUpperTail(10, 0.01, 1)).toBeCloseTo(1 - 0.99 ** 10, 14);
    expect(binomialUpperTail(10, 0.01, 2)).toBeCloseTo(1 - 0.99 ** 10 - 10 * 0.01 * 0.99 ** 9, 14);
    expect(binomialUpperTail(3, 0.5, 2)).toBeCloseTo(0.5, 14);
    expect(binomialUpperTail(5, 0.3, 6)).toBe(0);
  });

  it('is the doubled P-value for one sequence below alpha, and 1 without failures', () => {
    expect(evidencePValue([0.004], 0.01)).toBeCloseTo(0.008, 14);
    expect(evidencePValue([0.5], 0.01)).toBe(1);
    expect(evidencePValue([], 0.01)).toBeNull();
  });

  it('catches one extreme sequence among many and many moderate failures', () => {
    const ten = [0.3, 0.5, 0.7, 0.2, 0.9, 0.4, 0.6, 0.8, 0.1];
    expect(evidencePValue([...ten, 1e-12], 0.01)!).toBeLessThan(1e-10);
    const moderate = [0.005, 0.006, 0.007, 0.008, 0.009, 0.5, 0.5, 0.5, 0.5, 0.5];
    expect(evidencePValue(moderate, 0.01)!).toBeLessThan(1e-7);
  });

  it('keeps the false-alarm rate of uniform P-values at or below its level', () => {
    let below = 0;
    const trials = 20_000;
    for (let i = 0; i < trials; i++) {
      const pValues = Array.from({ length: 10 }, () => Math.random());
      if (evidencePValue(pValues, 0.01)! < 0.01) below++;
    }
    expect(below / trials).toBeLessThan(0.013);
  });
});
