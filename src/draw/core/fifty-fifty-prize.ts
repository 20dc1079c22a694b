// The 50/50 prize (PRIZE-1, PRIZE-2): a share of the recorded paid, not voided, ticket sales, in
// integer minor units. The prize is rounded DOWN to the minor unit and the remainder goes to the
// charity: an announced prize must never exceed what the pot can pay, and the regulator's "50% of
// sales" is a ceiling for the prize, not a floor for it. prize + charity = total, always.

export const BASIS_POINTS = 10_000;

export interface FiftyFiftyInput {
  /** Paid, not voided, sales of the draw, in minor units (e.g. cents): an integer >= 0. */
  paidTotalMinor: number;
  /** The prize's share of sales in basis points (5000 = 50%): an integer from 0 to 10 000. */
  shareBasisPoints: number;
}

export interface FiftyFiftySplit {
  /** floor(paidTotalMinor * shareBasisPoints / 10 000). */
  prizeMinor: number;
  /** paidTotalMinor - prizeMinor: the charity's part, which receives the rounding remainder. */
  charityMinor: number;
  paidTotalMinor: number;
  shareBasisPoints: number;
}

export function fiftyFiftyPrize({ paidTotalMinor, shareBasisPoints }: FiftyFiftyInput): FiftyFiftySplit {
  if (typeof paidTotalMinor !== 'number' || !Number.isSafeInteger(paidTotalMinor) || paidTotalMinor < 0) {
    throw new RangeError(
      `paidTotalMinor must be an integer from 0 to 2^53-1 minor units, got ${String(paidTotalMinor)}`,
    );
  }
  if (
    typeof shareBasisPoints !== 'number' ||
    !Number.isInteger(shareBasisPoints) ||
    shareBasisPoints < 0 ||
    shareBasisPoints > BASIS_POINTS
  ) {
    throw new RangeError(
      `shareBasisPoints must be an integer from 0 to ${BASIS_POINTS}, got ${String(shareBasisPoints)}`,
    );
  }
  // BigInt: the product passes 2^53 long before the total does (at about 9 * 10^11 minor units).
  const prizeMinor = Number((BigInt(paidTotalMinor) * BigInt(shareBasisPoints)) / BigInt(BASIS_POINTS));
  return { prizeMinor, charityMinor: paidTotalMinor - prizeMinor, paidTotalMinor, shareBasisPoints };
}
