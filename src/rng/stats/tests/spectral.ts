import type { Bits } from '../bits.js';
import { dft } from '../fft.js';
import { erfc } from '../special/error-function.js';
import { assertLength, type NistTestResult } from './test-result.js';

/**
 * SP 800-22 section 2.6, Discrete Fourier Transform (Spectral), rev1a form: threshold
 * T = sqrt(ln(1/0.05) n), N0 = 0.95 n / 2, d = (N1 - N0) / sqrt(n 0.95 0.05 / 4). N1 counts the
 * moduli below T among the first floor(n/2) DFT terms, the zero-frequency term included, exactly
 * as the NIST STS 2.1.2 code does.
 */
export function spectralTest(bits: Bits): NistTestResult {
  assertLength(bits, 2, 'FFT');
  const n = bits.length;
  const re = new Float64Array(n);
  for (let i = 0; i < n; i++) re[i] = 2 * bits[i] - 1;
  const spectrum = dft({ re, im: new Float64Array(n) });
  const threshold = Math.sqrt(Math.log(1 / 0.05) * n);
  const half = Math.floor(n / 2);
  let below = 0;
  for (let k = 0; k < half; k++) {
    if (Math.hypot(spectrum.re[k], spectrum.im[k]) < threshold) below++;
  }
  const expected = (0.95 * n) / 2;
  const d = (below - expected) / Math.sqrt((n * 0.95 * 0.05) / 4);
  return {
    name: 'FFT',
    pValues: [erfc(Math.abs(d) / Math.SQRT2)],
    labels: [''],
    applicable: true,
    statistics: { n, threshold, N0: expected, N1: below, d },
  };
}
