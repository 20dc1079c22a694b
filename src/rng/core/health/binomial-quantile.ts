/**
 * CRITBINOM(trials, p, 1 - alpha) of SP 800-90B section 4.4.2: the smallest k with
 * P(X <= k) >= 1 - alpha for X ~ Binomial(trials, p), i.e. the smallest k with P(X > k) <= alpha.
 *
 * When p = 2^-h and alpha = 2^-a for integers h and a (our configuration), it is computed exactly
 * with integers: 2^(h*trials) * P(X > k) = sum_{j>k} C(trials, j) * (2^h - 1)^(trials - j).
 * Otherwise the upper tail is summed in log space from the top term down (no cancellation), which
 * is accurate to about 1e-13 relative, far below any gap between consecutive tail values.
 */
export function criticalBinomial(trials: number, p: number, alpha: number): number {
  if (!Number.isSafeInteger(trials) || trials < 1) throw new RangeError(`trials must be a positive integer`);
  if (!(p > 0 && p < 1)) throw new RangeError(`p must be in (0, 1), got ${p}`);
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1), got ${alpha}`);
  const h = -Math.log2(p);
  const a = -Math.log2(alpha);
  if (Number.isInteger(h) && Number.isInteger(a) && 2 ** -h === p && 2 ** -a === alpha) {
    return exactCriticalBinomial(trials, h, a);
  }
  return floatingCriticalBinomial(trials, p, alpha);
}

/** Exact integer evaluation for p = 2^-h, alpha = 2^-a. */
export function exactCriticalBinomial(trials: number, h: number, a: number): number {
  const q = (1n << BigInt(h)) - 1n; // 2^h * (1 - p)
  const scale = 1n << (BigInt(h) * BigInt(trials)); // 2^(h * trials)
  const alphaDenominator = 1n << BigInt(a);
  // Scanning j downward, `tail` holds 2^(h*trials) * P(X > j). P(X > k) only shrinks as k grows,
  // so the first j whose tail exceeds alpha means j + 1 is the smallest acceptable k.
  let tail = 0n;
  let binom = 1n; // C(trials, j)
  let qPower = 1n; // q^(trials - j)
  for (let j = trials; j >= 0; j--) {
    if (tail * alphaDenominator > scale) return j + 1;
    tail += binom * qPower;
    binom = (binom * BigInt(j)) / BigInt(trials - j + 1);
    qPower *= q;
  }
  return 0;
}

export function floatingCriticalBinomial(trials: number, p: number, alpha: number): number {
  const logP = Math.log(p);
  const logQ = Math.log1p(-p);
  // log C(trials, j) built from the top: C(trials, trials) = 1.
  let logBinom = 0;
  let tail = 0; // P(X > j) while scanning j downward, as in exactCriticalBinomial
  for (let j = trials; j >= 0; j--) {
    if (tail > alpha) return j + 1;
    tail += Math.exp(logBinom + j * logP + (trials - j) * logQ);
    if (j > 0) logBinom += Math.log(j) - Math.log(trials - j + 1);
  }
  return 0;
}
