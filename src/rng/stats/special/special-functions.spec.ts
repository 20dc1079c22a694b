import { erf, erfc } from './error-function.js';
import { igam, igamc, lgam } from './gamma.js';
import { normalCdf } from './normal.js';

function expectRelative(actual: number, expected: number, tolerance: number): void {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe('erf and erfc (Cephes ndtr.c)', () => {
  // Reference values: glibc libm (Python math.erf / erfc / lgamma), independent of Cephes.
  it.each([
    [0.1, 0.1124629160182849],
    [0.5, 0.5204998778130465],
    [1, 0.8427007929497149],
    [1.5, 0.9661051464753108],
    [2, 0.9953222650189527],
    [3, 0.9999779095030014],
  ])('erf(%d) = %d', (x, value) => {
    expectRelative(erf(x), value, 2e-15);
    expectRelative(erf(-x), -value, 2e-15);
  });

  it.each([
    [0.5, 0.4795001221869535],
    [1, 0.15729920705028513],
    [2, 0.004677734981047265],
    [3, 2.2090496998585438e-5],
    [5, 1.5374597944280351e-12],
    [8, 1.1224297172982928e-29],
    [10, 2.088487583762545e-45],
    [20, 5.3958656116079005e-176],
  ])('erfc(%d) = %d', (x, value) => {
    expectRelative(erfc(x), value, 1e-13);
    expectRelative(erfc(-x), 2 - value, 1e-15);
  });

  it('handles the edges', () => {
    expect(erf(0)).toBe(0);
    expect(erfc(0)).toBe(1);
    expect(erfc(30)).toBe(0);
    expect(erfc(-30)).toBe(2);
    expect(erf(Number.NaN)).toBeNaN();
    expect(erfc(Number.NaN)).toBeNaN();
  });
});

describe('normalCdf', () => {
  it.each([
    [0, 0.5],
    [1, 0.8413447460685429],
    [1.959963984540054, 0.975],
    [-1, 0.15865525393145707],
    [-3, 0.0013498980316300957],
    [-8, 6.220960574271819e-16],
  ])('Phi(%d) = %d', (x, value) => {
    expectRelative(normalCdf(x), value, 1e-13);
  });
});

describe('lgam', () => {
  it('equals log((n-1)!) for integers', () => {
    let logFactorial = 0;
    for (let n = 1; n <= 300; n++) {
      expectRelative(lgam(n) + 1e-300, logFactorial + 1e-300, 1e-13);
      logFactorial += Math.log(n);
    }
  });

  it.each([
    [0.5, 0.5723649429247004], // log sqrt(pi)
    [1.5, -0.12078223763524543], // log(sqrt(pi)/2)
    [2.5, 0.2846828704729196],
    [12.5, 18.73434751193645],
    [1000.5, 5908.674175848678],
    [1e6, 12815504.569147611],
  ])('lgam(%d) = %d', (x, value) => {
    expectRelative(lgam(x), value, 1e-14);
  });

  it('uses the reflection formula below -34', () => {
    // Gamma(-34.5) = pi / (sin(pi * -34.5) * Gamma(35.5)) in absolute value.
    expectRelative(lgam(-34.5), Math.log(Math.PI) - lgam(35.5), 1e-13);
    expect(lgam(-35)).toBe(Infinity);
  });
});

describe('igam and igamc (Cephes igam.c)', () => {
  it('igamc(1, x) = exp(-x)', () => {
    for (const x of [0.01, 0.5, 1, 2, 10, 50, 300]) expectRelative(igamc(1, x), Math.exp(-x), 1e-13);
  });

  it('igamc(1/2, x) = erfc(sqrt(x))', () => {
    for (const x of [0.01, 0.3, 1, 4, 25, 100]) expectRelative(igamc(0.5, x), erfc(Math.sqrt(x)), 1e-12);
  });

  it('igamc(n, x) = exp(-x) sum_{k<n} x^k / k! for integer n (Poisson tail)', () => {
    for (const n of [2, 3, 5, 8, 16, 64]) {
      for (const x of [0.5, 3, 7.5, 20, 70]) {
        let term = Math.exp(-x);
        let sum = 0;
        for (let k = 0; k < n; k++) {
          sum += term;
          term *= x / (k + 1);
        }
        expectRelative(igamc(n, x), sum, 1e-12);
      }
    }
  });

  it('gives the familiar chi-square critical values', () => {
    // P(chi2_k > x): 3.841459 (k=1), 5.991465 (k=2) at 5%; 15.086272 (k=5), 21.665994 (k=9) at 1%.
    expectRelative(igamc(0.5, 3.841458820694124 / 2), 0.05, 1e-9);
    expectRelative(igamc(1, 5.991464547107979 / 2), 0.05, 1e-9);
    expectRelative(igamc(2.5, 15.08627246938899 / 2), 0.01, 1e-9);
    expectRelative(igamc(4.5, 21.66599433346194 / 2), 0.01, 1e-9);
  });

  it('igam + igamc = 1 on both sides of the branch point', () => {
    for (const a of [0.5, 1, 2.5, 10, 100, 1000]) {
      for (const x of [0.1, 0.9, 1.1, a * 0.9, a, a * 1.1, a * 3]) {
        expect(Math.abs(igam(a, x) + igamc(a, x) - 1)).toBeLessThan(1e-13);
      }
    }
  });

  it('handles the edges like Cephes', () => {
    expect(igamc(2, 0)).toBe(1);
    expect(igamc(0, 2)).toBe(1);
    expect(igam(2, 0)).toBe(0);
    expect(igamc(2.5, 2000)).toBe(0);
  });
});
