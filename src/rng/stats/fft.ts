/**
 * Discrete Fourier transform X_k = sum_j x_j exp(-2 pi i j k / n) for any length n: a mixed-radix
 * Stockham FFT when n factors into primes <= 61 (10^6 = 2^6 5^6, 10^7 = 2^7 5^7), otherwise
 * Bluestein's algorithm over a power-of-two FFT. The NIST STS uses FFTPACK's mixed-radix real
 * FFT; any exact DFT gives the same magnitudes up to rounding.
 */
export interface Complex {
  re: Float64Array;
  im: Float64Array;
}

const LARGEST_DIRECT_RADIX = 61;

export function dft(input: Complex): Complex {
  const n = input.re.length;
  if (input.im.length !== n) throw new RangeError('real and imaginary parts differ in length');
  if (n <= 1) return { re: Float64Array.from(input.re), im: Float64Array.from(input.im) };
  const factors = factorize(n);
  if (factors[factors.length - 1] <= LARGEST_DIRECT_RADIX) return stockham(input, factors);
  return bluestein(input);
}

/** Radix order: 4s first (cheapest butterflies), then the remaining primes ascending. */
function factorize(n: number): number[] {
  const factors: number[] = [];
  let rest = n;
  while (rest % 4 === 0) {
    factors.push(4);
    rest /= 4;
  }
  for (let p = 2; p * p <= rest; p++) {
    while (rest % p === 0) {
      factors.push(p);
      rest /= p;
    }
  }
  if (rest > 1) factors.push(rest);
  return factors.sort((a, b) => (a === 4 ? -1 : b === 4 ? 1 : a - b));
}

/**
 * Stockham autosort, decimation in frequency. A stage of radix p on sub-transforms of length L
 * (stride s = n / L, m = L / p) maps x[q + s(j + r m)] to
 * y[q + s(p j + t)] = W_L^(j t) * sum_r x[q + s(j + r m)] W_p^(r t); the output ends in natural order.
 */
function stockham(input: Complex, factors: number[]): Complex {
  const n = input.re.length;
  let xr = Float64Array.from(input.re);
  let xi = Float64Array.from(input.im);
  let yr = new Float64Array(n);
  let yi = new Float64Array(n);
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let k = 0; k < n; k++) {
    const angle = (-2 * Math.PI * k) / n;
    cos[k] = Math.cos(angle);
    sin[k] = Math.sin(angle);
  }
  let stride = 1;
  let length = n;
  for (const p of factors) {
    const m = length / p;
    if (p === 2) radix2(xr, xi, yr, yi, m, stride, cos, sin);
    else if (p === 4) radix4(xr, xi, yr, yi, m, stride, cos, sin);
    else radixGeneric(xr, xi, yr, yi, p, m, stride, cos, sin, n);
    [xr, yr] = [yr, xr];
    [xi, yi] = [yi, xi];
    stride *= p;
    length = m;
  }
  return { re: xr, im: xi };
}

function radix2(
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  m: number,
  s: number,
  cos: Float64Array,
  sin: Float64Array,
): void {
  for (let j = 0; j < m; j++) {
    const wr = cos[j * s];
    const wi = sin[j * s];
    for (let q = 0; q < s; q++) {
      const a = q + s * j;
      const b = a + s * m;
      const ar = xr[a];
      const ai = xi[a];
      const br = xr[b];
      const bi = xi[b];
      const out = q + s * 2 * j;
      yr[out] = ar + br;
      yi[out] = ai + bi;
      const dr = ar - br;
      const di = ai - bi;
      yr[out + s] = dr * wr - di * wi;
      yi[out + s] = dr * wi + di * wr;
    }
  }
}

function radix4(
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  m: number,
  s: number,
  cos: Float64Array,
  sin: Float64Array,
): void {
  const sm = s * m;
  for (let j = 0; j < m; j++) {
    const w1r = cos[j * s];
    const w1i = sin[j * s];
    const w2r = cos[2 * j * s];
    const w2i = sin[2 * j * s];
    const w3r = cos[3 * j * s];
    const w3i = sin[3 * j * s];
    for (let q = 0; q < s; q++) {
      const i0 = q + s * j;
      const a0r = xr[i0];
      const a0i = xi[i0];
      const a1r = xr[i0 + sm];
      const a1i = xi[i0 + sm];
      const a2r = xr[i0 + 2 * sm];
      const a2i = xi[i0 + 2 * sm];
      const a3r = xr[i0 + 3 * sm];
      const a3i = xi[i0 + 3 * sm];
      // W_4 = -i: b1 = a0 - i a1 - a2 + i a3, b3 = a0 + i a1 - a2 - i a3.
      const s02r = a0r + a2r;
      const s02i = a0i + a2i;
      const d02r = a0r - a2r;
      const d02i = a0i - a2i;
      const s13r = a1r + a3r;
      const s13i = a1i + a3i;
      const d13r = a1r - a3r;
      const d13i = a1i - a3i;
      const out = q + s * 4 * j;
      yr[out] = s02r + s13r;
      yi[out] = s02i + s13i;
      const b1r = d02r + d13i;
      const b1i = d02i - d13r;
      yr[out + s] = b1r * w1r - b1i * w1i;
      yi[out + s] = b1r * w1i + b1i * w1r;
      const b2r = s02r - s13r;
      const b2i = s02i - s13i;
      yr[out + 2 * s] = b2r * w2r - b2i * w2i;
      yi[out + 2 * s] = b2r * w2i + b2i * w2r;
      const b3r = d02r - d13i;
      const b3i = d02i + d13r;
      yr[out + 3 * s] = b3r * w3r - b3i * w3i;
      yi[out + 3 * s] = b3r * w3i + b3i * w3r;
    }
  }
}

function radixGeneric(
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  p: number,
  m: number,
  s: number,
  cos: Float64Array,
  sin: Float64Array,
  n: number,
): void {
  // W_p^(r t) = W_n^((r t mod p) n / p).
  const step = n / p;
  const ar = new Float64Array(p);
  const ai = new Float64Array(p);
  for (let j = 0; j < m; j++) {
    for (let q = 0; q < s; q++) {
      for (let r = 0; r < p; r++) {
        const at = q + s * (j + r * m);
        ar[r] = xr[at];
        ai[r] = xi[at];
      }
      for (let t = 0; t < p; t++) {
        let sr = 0;
        let si = 0;
        for (let r = 0, e = 0; r < p; r++, e = (e + t) % p) {
          const cr = cos[e * step];
          const ci = sin[e * step];
          sr += ar[r] * cr - ai[r] * ci;
          si += ar[r] * ci + ai[r] * cr;
        }
        const w = j * t * s;
        const out = q + s * (p * j + t);
        yr[out] = sr * cos[w] - si * sin[w];
        yi[out] = sr * sin[w] + si * cos[w];
      }
    }
  }
}

/**
 * Bluestein: X_k = conj(c_k) sum_j (x_j conj(c_j)) c_(k-j) with c_j = exp(i pi j^2 / n), a
 * convolution evaluated with power-of-two FFTs. j^2 is reduced mod 2n to keep angles exact.
 */
function bluestein(input: Complex): Complex {
  const n = input.re.length;
  let size = 1;
  while (size < 2 * n - 1) size *= 2;
  const chirpRe = new Float64Array(n);
  const chirpIm = new Float64Array(n);
  for (let j = 0; j < n; j++) {
    const angle = (Math.PI * Number((BigInt(j) * BigInt(j)) % BigInt(2 * n))) / n;
    chirpRe[j] = Math.cos(angle);
    chirpIm[j] = Math.sin(angle);
  }
  const a: Complex = { re: new Float64Array(size), im: new Float64Array(size) };
  const b: Complex = { re: new Float64Array(size), im: new Float64Array(size) };
  for (let j = 0; j < n; j++) {
    // x_j * conj(c_j)
    a.re[j] = input.re[j] * chirpRe[j] + input.im[j] * chirpIm[j];
    a.im[j] = input.im[j] * chirpRe[j] - input.re[j] * chirpIm[j];
    b.re[j] = chirpRe[j];
    b.im[j] = chirpIm[j];
    if (j > 0) {
      b.re[size - j] = chirpRe[j];
      b.im[size - j] = chirpIm[j];
    }
  }
  const fa = dft(a);
  const fb = dft(b);
  for (let k = 0; k < size; k++) {
    const re = fa.re[k] * fb.re[k] - fa.im[k] * fb.im[k];
    const im = fa.re[k] * fb.im[k] + fa.im[k] * fb.re[k];
    // Inverse DFT through the forward one: conj(DFT(conj(z))) / size.
    fa.re[k] = re;
    fa.im[k] = -im;
  }
  const conv = dft(fa);
  const out: Complex = { re: new Float64Array(n), im: new Float64Array(n) };
  for (let k = 0; k < n; k++) {
    const cr = conv.re[k] / size;
    const ci = -conv.im[k] / size;
    // times conj(c_k)
    out.re[k] = cr * chirpRe[k] + ci * chirpIm[k];
    out.im[k] = ci * chirpRe[k] - cr * chirpIm[k];
  }
  return out;
}
