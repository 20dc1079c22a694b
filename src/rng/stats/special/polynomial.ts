/** Cephes polevl: coefficients[0] * x^N + ... + coefficients[N], by Horner's rule. */
export function polevl(x: number, coefficients: readonly number[]): number {
  let result = coefficients[0];
  for (let i = 1; i < coefficients.length; i++) result = result * x + coefficients[i];
  return result;
}

/** Cephes p1evl: like polevl with an implied leading coefficient of 1. */
export function p1evl(x: number, coefficients: readonly number[]): number {
  let result = x + coefficients[0];
  for (let i = 1; i < coefficients.length; i++) result = result * x + coefficients[i];
  return result;
}
