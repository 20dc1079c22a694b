/**
 * The worked examples of SP 800-22 rev1a section 2 (subsections x.4, x.6 and x.8). Where the
 * publication's own example is inconsistent (a misprinted input, a wrong igamc evaluation, a
 * constant rounded to 4 digits), the test says so and checks what can be checked. The examples on
 * the binary expansion of e live in ../reference/appendix-b.spec.ts.
 */
import { bitsFromAscii } from '../bits.js';
import { igamc } from '../special/gamma.js';
import { approximateEntropyTest } from './approximate-entropy.js';
import { linearComplexity } from './berlekamp-massey.js';
import { blockFrequencyTest } from './block-frequency.js';
import { cumulativeSumsTest } from './cumulative-sums.js';
import { frequencyTest } from './frequency.js';
import { longestRunTest } from './longest-run.js';
import { nonOverlappingTemplateTest } from './non-overlapping-template.js';
import { overlappingClassProbabilities, overlappingTemplateTest } from './overlapping-template.js';
import { randomExcursionsVariantTest } from './random-excursions-variant.js';
import { randomExcursionsTest } from './random-excursions.js';
import { runsTest } from './runs.js';
import { serialTest } from './serial.js';
import { spectralTest } from './spectral.js';
import { universalTest } from './universal.js';

/** The 100-bit example sequence used throughout section 2 (the first bits of pi). */
const EPSILON_100 = bitsFromAscii(
  '1100100100001111110110101010001000100001011010001100001000110100110001001100011001100010100010111000',
);

/** The publication prints P-values to 6 decimals. */
function expectSix(actual: number, published: number): void {
  expect(actual.toFixed(6)).toBe(published.toFixed(6));
}

describe('2.1 Frequency (Monobit)', () => {
  it('2.1.4: epsilon = 1011010101 gives s_obs = 0.632455532, P = 0.527089', () => {
    const result = frequencyTest(bitsFromAscii('1011010101'));
    expect(result.statistics.sObs).toBeCloseTo(0.632455532, 9);
    expectSix(result.pValues[0], 0.527089);
  });

  it('2.1.8: the 100-bit example gives S_n = -16, s_obs = 1.6, P = 0.109599', () => {
    const result = frequencyTest(EPSILON_100);
    expect(result.statistics).toMatchObject({ sum: -16, sObs: 1.6 });
    expectSix(result.pValues[0], 0.109599);
  });
});

describe('2.2 Frequency within a Block', () => {
  it('2.2.4: epsilon = 0110011010, M = 3 gives chi^2 = 1, P = 0.801252', () => {
    const result = blockFrequencyTest(bitsFromAscii('0110011010'), 3);
    expect(result.statistics.chiSquare).toBeCloseTo(1, 12);
    expectSix(result.pValues[0], 0.801252);
  });

  it('2.2.8: the 100-bit example, M = 10 gives chi^2 = 7.2, P = 0.706438', () => {
    const result = blockFrequencyTest(EPSILON_100, 10);
    expect(result.statistics.chiSquare).toBeCloseTo(7.2, 12);
    expectSix(result.pValues[0], 0.706438);
  });
});

describe('2.3 Runs', () => {
  it('2.3.4: epsilon = 1001101011 gives pi = 3/5, V = 7, P = 0.147232', () => {
    const result = runsTest(bitsFromAscii('1001101011'));
    expect(result.statistics).toMatchObject({ pi: 0.6, runs: 7 });
    expectSix(result.pValues[0], 0.147232);
  });

  it('2.3.8: the 100-bit example gives pi = 0.42, V = 52, P = 0.500798', () => {
    const result = runsTest(EPSILON_100);
    expect(result.statistics).toMatchObject({ pi: 0.42, runs: 52 });
    expectSix(result.pValues[0], 0.500798);
  });

  it('returns P = 0 when the frequency prerequisite fails', () => {
    const result = runsTest(bitsFromAscii('1111111111111111111101'));
    expect(result.pValues).toEqual([0]);
    expect(result.note).toMatch(/prerequisite/);
  });
});

describe('2.4 Longest Run of Ones in a Block', () => {
  it('2.4.8: the 128-bit example, M = 8 gives nu = (4, 9, 3, 0), P = 0.180609', () => {
    const result = longestRunTest(
      bitsFromAscii(
        '11001100000101010110110001001100111000000000001001001101010100010001001111010110100000001101011111001100111001101101100010110010',
      ),
    );
    expect(result.statistics).toMatchObject({ M: 8, N: 16, nu: [4, 9, 3, 0] });
    // The publication prints chi^2 = 4.882605 from the 4-digit pi_i of section 3.4; the exact
    // pi_i for M = 8 (the NIST STS code) give 4.882457. The P-value agrees to 6 decimals.
    expect(result.statistics.chiSquare).toBeCloseTo(4.882457, 6);
    expectSix(result.pValues[0], 0.180609);
  });
});

describe('2.6 Discrete Fourier Transform (Spectral)', () => {
  // The publication's examples print N1 = 4 (n = 10) and N1 = 46 (n = 100); the exact DFT of those
  // sequences has 5 and 48 moduli below T (checked independently with a naive DFT in Python), as
  // other implementations also report. The formula itself is checked here and by Appendix B.
  it('2.6.8: d and P follow from N1 exactly as printed (N1 = 4 -> d = -2.176429, P = 0.029523)', () => {
    const result = spectralTest(bitsFromAscii('1001010011'));
    expect(result.statistics.threshold).toBeCloseTo(Math.sqrt(Math.log(20) * 10), 12);
    expect(result.statistics.N0).toBe(4.75);
    expect(result.statistics.N1).toBe(5);
    const d = (4 - 4.75) / Math.sqrt((10 * 0.95 * 0.05) / 4);
    expect(d).toBeCloseTo(-2.176429, 6);
  });

  it('counts the moduli of the 100-bit example below T = 17.308', () => {
    const result = spectralTest(EPSILON_100);
    expect(result.statistics).toMatchObject({ N0: 47.5, N1: 48 });
  });
});

describe('2.7 Non-overlapping Template Matching', () => {
  it('2.7.4: epsilon = 10100100101110010110, B = 001, N = 2 gives W = (2, 1), chi^2 = 2.133333, P = 0.344154', () => {
    const result = nonOverlappingTemplateTest(bitsFromAscii('10100100101110010110'), {
      templateLength: 3,
      templates: ['001'],
      blocks: 2,
    });
    expect(result.statistics).toMatchObject({ M: 10, lambda: 1, variance: 0.46875, W: [2, 1] });
    expectSix(result.pValues[0], 0.344154);
  });
});

describe('2.8 Overlapping Template Matching', () => {
  it('2.8.4: the class probabilities for eta = 1.125 are 0.324652, 0.182617, 0.142670, 0.106645, 0.077147, 0.166269', () => {
    // Printed to 6 decimals, the last one as 1 minus the sum of the rounded others.
    const pi = overlappingClassProbabilities(1.125);
    [0.324652, 0.182617, 0.14267, 0.106645, 0.077147, 0.166269].forEach((p, i) =>
      expect(Math.abs(pi[i] - p)).toBeLessThan(1.5e-6),
    );
  });

  it('2.8.4: nu = (0, 1, 1, 1, 1, 1) over 5 blocks of 10 gives chi^2 = 3.167729', () => {
    // The printed epsilon has one match in its second block although nu says two; with that block
    // read as 0010110110 the counts are 5, 2, 3, 4, 1. The printed P = 0.274932 is not
    // igamc(5/2, 3.167729/2) = 0.674145, which is what the formula gives.
    const result = overlappingTemplateTest(
      bitsFromAscii('10111011110010110110011100101110111110000101101001'),
      {
        templateLength: 2,
        blockLength: 10,
      },
    );
    expect(result.statistics.nu).toEqual([0, 1, 1, 1, 1, 1]);
    // 3.167729 with the 6-decimal pi_i printed; 3.167717 with them unrounded.
    expect(result.statistics.chiSquare).toBeCloseTo(3.167729, 4);
    expectSix(igamc(5 / 2, 3.167729 / 2), 0.674145);
    expect(Math.abs(result.pValues[0] - 0.674145)).toBeLessThan(5e-6);
  });
});

describe('2.9 Universal', () => {
  it('2.9.4: epsilon = 01011010011101010111, L = 2, Q = 4 gives f_n = 1.1949875', () => {
    // The printed P = 0.767189 uses sigma = sqrt(variance) instead of the c * sqrt(variance / K)
    // of step (5); Appendix B (L = 7) checks the P-value formula the NIST STS uses.
    const result = universalTest(bitsFromAscii('01011010011101010111'), {
      blockLength: 2,
      initializationBlocks: 4,
    });
    expect(result.statistics).toMatchObject({ L: 2, Q: 4, K: 6, expectedValue: 1.5374383 });
    expect(result.statistics.fn).toBeCloseTo(1.1949875, 7);
  });

  it('is not applicable below 387,840 bits when L is not given', () => {
    expect(universalTest(new Uint8Array(387_839)).applicable).toBe(false);
  });
});

describe('2.10 Linear Complexity', () => {
  it('2.10.4: the linear complexity of 1101011110001 is 4', () => {
    expect(linearComplexity(bitsFromAscii('1101011110001'), 0, 13)).toBe(4);
  });
});

describe('2.11 Serial', () => {
  it('2.11.4: epsilon = 0011011101, m = 3 gives psi^2 = 2.8, 1.2, 0.4 and P = 0.808792, 0.670320', () => {
    // 2.11.6 prints these P-values; 2.11.8 misprints them as 0.9057 and 0.8805.
    const result = serialTest(bitsFromAscii('0011011101'), 3);
    expect(result.statistics.psiM).toBeCloseTo(2.8, 12);
    expect(result.statistics.psiM1).toBeCloseTo(1.2, 12);
    expect(result.statistics.psiM2).toBeCloseTo(0.4, 12);
    expect(result.statistics.delta1).toBeCloseTo(1.6, 12);
    expect(result.statistics.delta2).toBeCloseTo(0.8, 12);
    expectSix(result.pValues[0], 0.808792);
    expectSix(result.pValues[1], 0.67032);
  });
});

describe('2.12 Approximate Entropy', () => {
  it('2.12.4: epsilon = 0100110101, m = 3 gives ApEn = 0.190954 and P = 0.261961', () => {
    // The printed chi^2 = 0.502193 is an arithmetic slip: 2 * 10 * (0.693147 - 0.190954) = 10.043859,
    // and only that value gives the printed P-value.
    const result = approximateEntropyTest(bitsFromAscii('0100110101'), 3);
    expect(result.statistics.apEn).toBeCloseTo(0.190954, 6);
    expect(result.statistics.chiSquare).toBeCloseTo(10.043859, 5);
    expectSix(result.pValues[0], 0.261961);
  });

  it('2.12.8: the 100-bit example, m = 2 gives ApEn = 0.665393, chi^2 = 5.550792, P = 0.235301', () => {
    const result = approximateEntropyTest(EPSILON_100, 2);
    expect(result.statistics.apEn).toBeCloseTo(0.665393, 6);
    expect(result.statistics.chiSquare).toBeCloseTo(5.550792, 6);
    expectSix(result.pValues[0], 0.235301);
  });
});

describe('2.13 Cumulative Sums', () => {
  it('2.13.4: epsilon = 1011010111 gives z = 4, P = 0.4116588 (forward)', () => {
    // To 6 decimals; the real-valued floor bounds of 2.13.4 would give 0.411585 instead.
    const result = cumulativeSumsTest(bitsFromAscii('1011010111'));
    expect(result.statistics.zForward).toBe(4);
    expectSix(result.pValues[0], 0.4116588);
  });

  it('2.13.8: the 100-bit example gives z = 16, P = 0.219194 forward and z = 19, P = 0.114866 reverse', () => {
    const result = cumulativeSumsTest(EPSILON_100);
    expect(result.statistics).toMatchObject({ zForward: 16, zReverse: 19 });
    expectSix(result.pValues[0], 0.219194);
    expectSix(result.pValues[1], 0.114866);
  });
});

describe('2.14 Random Excursions', () => {
  it('2.14.4: epsilon = 0110110101 has J = 3 cycles; for x = +1, nu = (1, 1, 0, 1, 0, 0)', () => {
    const result = randomExcursionsTest(bitsFromAscii('0110110101'), { minimumCycles: 0 });
    expect(result.statistics.J).toBe(3);
    const plusOne = result.labels.indexOf('x=+1');
    expect((result.statistics.nu as number[]).slice(plusOne * 6, plusOne * 6 + 6)).toEqual([
      1, 1, 0, 1, 0, 0,
    ]);
    // Exactly 13/3 with the NIST STS's pi_k(1) (0.03125 for k = 4, 5). The publication's
    // 4.333033 and P = 0.502529 come from pi rounded to 0.0312, which this reproduces:
    expect((result.statistics.chiSquare as number[])[plusOne]).toBeCloseTo(13 / 3, 9);
    expectSix(igamc(5 / 2, 4.333033 / 2), 0.502529);
    expectSix(result.pValues[plusOne], 0.502488);
  });

  it('is not applicable below 500 cycles by default', () => {
    expect(randomExcursionsTest(bitsFromAscii('0110110101')).applicable).toBe(false);
    expect(randomExcursionsVariantTest(bitsFromAscii('0110110101')).applicable).toBe(false);
  });
});

describe('2.15 Random Excursions Variant', () => {
  it('2.15.4: epsilon = 0110110101 gives xi(+1) = 4, J = 3, P = 0.683091', () => {
    const result = randomExcursionsVariantTest(bitsFromAscii('0110110101'), { minimumCycles: 0 });
    const plusOne = result.labels.indexOf('x=+1');
    expect(result.statistics.J).toBe(3);
    expect((result.statistics.xi as number[])[plusOne]).toBe(4);
    expectSix(result.pValues[plusOne], 0.683091);
  });
});
