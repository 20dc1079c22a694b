import { erf, erfc } from './error-function.js';

/** Standard normal CDF, Phi(x) (Cephes ndtr): erf near zero, erfc in the tails for accuracy. */
export function normalCdf(x: number): number {
  const t = x * Math.SQRT1_2;
  if (Math.abs(t) < 1) return 0.5 + 0.5 * erf(t);
  const tail = 0.5 * erfc(Math.abs(t));
  return t > 0 ? 1 - tail : tail;
}
