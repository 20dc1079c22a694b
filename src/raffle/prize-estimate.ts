/**
 * 50/50 (and progressive) prize arithmetic in integer minor units (PRIZE-1/2/3). The prize is a
 * share of recorded paid, not voided, sales (never of cash held by sellers), rounded DOWN to the
 * minor unit, plus any seeded amount; before the draw it is shown as an estimate.
 */
export const BASIS_POINTS = 10_000;

export interface PrizeEstimate {
  /** The prize if sales ended now: floor(paid × share / 10 000) + seed. */
  amountMinor: number;
  paidSalesMinor: number;
  shareBps: number;
  seedMinor: number;
  /** What remains for the licensee: paid sales minus the share (the seed is not sales). */
  beneficiaryMinor: number;
}

export function prizeShareOf(paidSalesMinor: number, shareBps: number): number {
  if (!Number.isSafeInteger(paidSalesMinor) || paidSalesMinor < 0) {
    throw new RangeError(`paid sales must be a non-negative safe integer, got ${paidSalesMinor}`);
  }
  if (!Number.isInteger(shareBps) || shareBps < 0 || shareBps > BASIS_POINTS) {
    throw new RangeError(`share must be 0 to ${BASIS_POINTS} basis points, got ${shareBps}`);
  }
  // BigInt: paid × 10 000 can pass 2^53 long before paid itself does.
  return Number((BigInt(paidSalesMinor) * BigInt(shareBps)) / BigInt(BASIS_POINTS));
}

export function estimatePrize(paidSalesMinor: number, shareBps: number, seedMinor: number): PrizeEstimate {
  if (!Number.isSafeInteger(seedMinor) || seedMinor < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seedMinor}`);
  }
  const share = prizeShareOf(paidSalesMinor, shareBps);
  return {
    amountMinor: share + seedMinor,
    paidSalesMinor,
    shareBps,
    seedMinor,
    beneficiaryMinor: paidSalesMinor - share,
  };
}
