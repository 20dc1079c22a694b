/* eslint-disable no-loss-of-precision -- Cephes coefficients keep their published 21 digits so
   they can be checked against the source; like a C compiler, JS rounds each to the nearest double. */
import { p1evl, polevl } from './polynomial.js';

// Cephes Math Library gamma.c / igam.c (S. L. Moshier): lgam, igam, igamc, the functions the
// NIST STS reference code calls cephes_lgam, cephes_igam and cephes_igamc.

const MACHEP = 1.11022302462515654042e-16; // 2^-53
const MAXLOG = 7.09782712893383996732e2;
const BIG = 4.503599627370496e15;
const BIG_INVERSE = 2.22044604925031308085e-16;
const LOG_SQRT_2PI = 0.91893853320467274178; // log(sqrt(2 pi))
const MAXLGM = 2.556348e305;

/** Stirling's formula expansion of log gamma. */
const A = [
  8.116141674705084503e-4, -5.95061904284301438324e-4, 7.93650340457716943945e-4, -2.77777777730099687205e-3,
  8.33333333333331927722e-2,
];
/** log gamma between 2 and 3: x B(x) / C(x). */
const B = [
  -1.378251525691208591e3, -3.88016315134637840924e4, -3.31612992738871184744e5, -1.16237097492762307383e6,
  -1.72173700820839662146e6, -8.53555664245765465627e5,
];
const C = [
  -3.51815701436523470549e2, -1.70642106651881159223e4, -2.20528590553854454839e5, -1.13933444367982507207e6,
  -2.53252307177582951285e6, -2.01889141433532773231e6,
];

/** Natural logarithm of |Gamma(x)|. */
export function lgam(x: number): number {
  if (!Number.isFinite(x)) return x === -Infinity || Number.isNaN(x) ? NaN : Infinity;
  if (x < -34) {
    const q = -x;
    const w = lgam(q);
    let p = Math.floor(q);
    if (p === q) return Infinity; // pole
    let z = q - p;
    if (z > 0.5) {
      p += 1;
      z = p - q;
    }
    z = q * Math.sin(Math.PI * z);
    if (z === 0) return Infinity;
    return Math.log(Math.PI) - Math.log(Math.abs(z)) - w;
  }
  if (x < 13) {
    let z = 1;
    let p = 0;
    let u = x;
    while (u >= 3) {
      p -= 1;
      u = x + p;
      z *= u;
    }
    while (u < 2) {
      if (u === 0) return Infinity;
      z /= u;
      p += 1;
      u = x + p;
    }
    z = Math.abs(z);
    if (u === 2) return Math.log(z);
    p -= 2;
    const shifted = x + p;
    return Math.log(z) + (shifted * polevl(shifted, B)) / p1evl(shifted, C);
  }
  if (x > MAXLGM) return Infinity;
  let q = (x - 0.5) * Math.log(x) - x + LOG_SQRT_2PI;
  if (x > 1e8) return q;
  const p = 1 / (x * x);
  if (x >= 1000) {
    q += ((7.9365079365079365079365e-4 * p - 2.7777777777777777777778e-3) * p + 0.0833333333333333333333) / x;
  } else {
    q += polevl(p, A) / x;
  }
  return q;
}

/** Regularised lower incomplete gamma P(a, x) = 1/Gamma(a) * integral_0^x t^(a-1) e^-t dt. */
export function igam(a: number, x: number): number {
  if (x <= 0 || a <= 0) return 0;
  if (x > 1 && x > a) return 1 - igamc(a, x);
  const logAx = a * Math.log(x) - x - lgam(a);
  if (logAx < -MAXLOG) return 0;
  const ax = Math.exp(logAx);
  // Power series.
  let r = a;
  let c = 1;
  let sum = 1;
  do {
    r += 1;
    c *= x / r;
    sum += c;
  } while (c / sum > MACHEP);
  return (sum * ax) / a;
}

/**
 * Regularised upper incomplete gamma Q(a, x) = 1 - P(a, x): the P-value of a chi-square statistic
 * X with k degrees of freedom is igamc(k/2, X/2) (SP 800-22 section 5.5.3).
 */
export function igamc(a: number, x: number): number {
  if (x <= 0 || a <= 0) return 1;
  if (x < 1 || x < a) return 1 - igam(a, x);
  const logAx = a * Math.log(x) - x - lgam(a);
  if (logAx < -MAXLOG) return 0;
  const ax = Math.exp(logAx);
  // Continued fraction.
  let y = 1 - a;
  let z = x + y + 1;
  let c = 0;
  let pkm2 = 1;
  let qkm2 = x;
  let pkm1 = x + 1;
  let qkm1 = z * x;
  let ans = pkm1 / qkm1;
  let t: number;
  do {
    c += 1;
    y += 1;
    z += 2;
    const yc = y * c;
    const pk = pkm1 * z - pkm2 * yc;
    const qk = qkm1 * z - qkm2 * yc;
    if (qk !== 0) {
      const r = pk / qk;
      t = Math.abs((ans - r) / r);
      ans = r;
    } else {
      t = 1;
    }
    pkm2 = pkm1;
    pkm1 = pk;
    qkm2 = qkm1;
    qkm1 = qk;
    if (Math.abs(pk) > BIG) {
      pkm2 *= BIG_INVERSE;
      pkm1 *= BIG_INVERSE;
      qkm2 *= BIG_INVERSE;
      qkm1 *= BIG_INVERSE;
    }
  } while (t > MACHEP);
  return ans * ax;
}
