/**
 * The 50/50 (and progressive) prize estimate shown before the draw (PRIZE-1/2/3): the share of
 * recorded paid, not voided, sales (never of cash held by sellers) plus any seeded amount, in
 * integer minor units. The share itself is the draw's own arithmetic (`fiftyFiftyPrize`, rounded
 * DOWN to the minor unit), so the estimate and the prize the draw announces cannot disagree.
 */
import { BASIS_POINTS, fiftyFiftyPrize } from '../draw/core/fifty-fifty-prize.js';

export { BASIS_POINTS };

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
  return fiftyFiftyPrize({ paidTotalMinor: paidSalesMinor, shareBasisPoints: shareBps }).prizeMinor;
}

export function estimatePrize(paidSalesMinor: number, shareBps: number, seedMinor: number): PrizeEstimate {
  if (!Number.isSafeInteger(seedMinor) || seedMinor < 0) {
    throw new RangeError(`seed must be a non-negative safe integer, got ${seedMinor}`);
  }
  const split = fiftyFiftyPrize({ paidTotalMinor: paidSalesMinor, shareBasisPoints: shareBps });
  return {
    amountMinor: split.prizeMinor + seedMinor,
    paidSalesMinor,
    shareBps,
    seedMinor,
    beneficiaryMinor: split.charityMinor,
  };
}
