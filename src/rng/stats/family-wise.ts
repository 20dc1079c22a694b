/**
 * The overall verdict of a report controls the chance that a perfect generator is rejected across
 * all its statistics, at the report's 99% confidence (GLI-31 RNG-4). The NIST section 4.2 row
 * verdicts alone cannot do that: with 41 statistics a good generator fails at least one row in a
 * large share of runs (see docs/rng.md), which is why SP 800-22 asks for investigation, not rejection.
 *
 * Each statistic gets one evidence P-value, valid under the null hypothesis of randomness:
 *   2 * min( 1 - (1 - p_min)^t , P[Binomial(t, alpha) >= failures] )
 * where t sequences were tested, p_min is the smallest P-value (Sidak: one extreme sequence) and
 * the binomial tail covers many moderately failing sequences (the section 4.2.1 proportion); the
 * factor 2 pays for taking the smaller of the two. The report fails when any evidence P-value (or
 * chi-square P-value) is below alpha / k for k statistics (Bonferroni), or when a section 4.2.2
 * uniformity P-value is below 0.0001.
 */
export function evidencePValue(pValues: readonly number[], alpha: number): number | null {
  const t = pValues.length;
  if (t === 0) return null;
  const smallest = Math.min(...pValues);
  // 1 - (1 - p)^t without cancellation for tiny p.
  const sidak = -Math.expm1(t * Math.log1p(-smallest));
  const failures = pValues.filter((p) => p < alpha).length;
  return Math.min(1, 2 * Math.min(sidak, binomialUpperTail(t, alpha, failures)));
}

/** P[X >= k] for X ~ Binomial(n, p), summed term by term (n is a number of sequences). */
export function binomialUpperTail(n: number, p: number, k: number): number {
  if (k <= 0) return 1;
  if (k > n) return 0;
  let term = Math.exp(k * Math.log(p) + (n - k) * Math.log1p(-p) + logChoose(n, k));
  let sum = 0;
  for (let j = k; j <= n; j++) {
    sum += term;
    term *= ((n - j) / (j + 1)) * (p / (1 - p));
  }
  return Math.min(1, sum);
}

function logChoose(n: number, k: number): number {
  let result = 0;
  for (let i = 1; i <= k; i++) result += Math.log(n - k + i) - Math.log(i);
  return result;
}
