import { dft } from './fft.js';

function naiveDft(re: Float64Array, im: Float64Array): { re: Float64Array; im: Float64Array } {
  const n = re.length;
  const outRe = new Float64Array(n);
  const outIm = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < n; j++) {
      const angle = (-2 * Math.PI * ((j * k) % n)) / n;
      sr += re[j] * Math.cos(angle) - im[j] * Math.sin(angle);
      si += re[j] * Math.sin(angle) + im[j] * Math.cos(angle);
    }
    outRe[k] = sr;
    outIm[k] = si;
  }
  return { re: outRe, im: outIm };
}

function randomSignal(n: number): { re: Float64Array; im: Float64Array } {
  return {
    re: Float64Array.from({ length: n }, () => Math.random() * 2 - 1),
    im: Float64Array.from({ length: n }, () => Math.random() * 2 - 1),
  };
}

describe('dft', () => {
  it.each([
    1,
    2,
    3,
    4,
    5,
    6,
    7,
    8,
    12,
    16,
    30,
    49,
    60,
    64,
    100,
    128,
    243,
    250,
    360,
    1000,
    1024,
    61,
    67,
    97,
    101,
    127 * 3,
    1009,
  ])('matches the naive DFT for n=%d', (n) => {
    const signal = randomSignal(n);
    const fast = dft(signal);
    const slow = naiveDft(signal.re, signal.im);
    for (let k = 0; k < n; k++) {
      expect(Math.abs(fast.re[k] - slow.re[k])).toBeLessThan(1e-9 * Math.max(1, n));
      expect(Math.abs(fast.im[k] - slow.im[k])).toBeLessThan(1e-9 * Math.max(1, n));
    }
  });

  it('leaves its input untouched', () => {
    const signal = randomSignal(20);
    const copy = { re: Float64Array.from(signal.re), im: Float64Array.from(signal.im) };
    dft(signal);
    expect(signal).toEqual(copy);
  });

  it('satisfies Parseval on 10^6 points, fast', () => {
    const n = 1_000_000;
    const re = Float64Array.from({ length: n }, () => (Math.random() < 0.5 ? -1 : 1));
    const started = performance.now();
    const spectrum = dft({ re, im: new Float64Array(n) });
    const elapsed = performance.now() - started;
    let energy = 0;
    for (let k = 0; k < n; k++) energy += spectrum.re[k] ** 2 + spectrum.im[k] ** 2;
    expect(energy / n).toBeCloseTo(n, 3);
    expect(elapsed).toBeLessThan(15_000); // about 1 s here; generous for a loaded CI runner
  });
});
