// When a prize can be claimed and when a raffle can be settled (docs/draws.md section 13). Plain
// TypeScript, no NestJS: the claim service, the settlement guard and the reports ask the same rules.

import type { UnclaimedPrizeHandling } from '../jurisdiction/jurisdiction-profiles.js';
import { currentWinners, type PriorDraw } from './core/index.js';

const DAY_MS = 86_400_000;

/**
 * The end of a winner's claim period, counted from the draw that drew the ticket (a redraw's winner
 * gets a period of their own): the rules' `claimDeadlineDays`, never shorter than the profile's
 * minimum hold (Ontario holds an unclaimed prize in trust for 183 days, so a claim made within them is
 * accepted whatever the rules print). Rules without a deadline give none: a claim is accepted until the
 * prize is redrawn or the raffle settled. This is the same instant from which a redraw for UNCLAIMED
 * is allowed where the profile allows it.
 */
export function claimDeadline(
  drawnAt: Date,
  claimDeadlineDays: number | null,
  unclaimed: { handling: UnclaimedPrizeHandling; minimumHoldDays: number },
): Date | null {
  if (claimDeadlineDays === null) return null;
  return new Date(drawnAt.getTime() + Math.max(claimDeadlineDays, unclaimed.minimumHoldDays) * DAY_MS);
}

/** A draw as the claim rules need it (a DRAW_RESULT or DRAW_REDRAWN, in journal order). */
export interface ClaimDraw extends PriorDraw {
  prizeId: string;
  drawnAt: Date;
}

export interface StandingWinner {
  /** The draw that drew this ticket: the prize's result, or the redraw that replaced a winner. */
  drawId: string;
  prizeId: string;
  ticket: number;
  drawnAt: Date;
}

/** The winners standing now, each with the draw that drew it (the draw a claim names). */
export function standingWinners(draws: readonly ClaimDraw[]): StandingWinner[] {
  const standing: StandingWinner[] = [];
  for (const result of draws) {
    if (result.replaces !== undefined) continue;
    for (const ticket of currentWinners(result.drawId, draws) ?? []) {
      // Tickets of one prize are distinct (a redraw excludes the prize's winners), so one draw drew it.
      const drewIt =
        [...draws]
          .reverse()
          .find((d) => d.replaces?.drawId === result.drawId && d.tickets.includes(ticket)) ?? result;
      standing.push({ drawId: drewIt.drawId, prizeId: result.prizeId, ticket, drawnAt: drewIt.drawnAt });
    }
  }
  return standing;
}

/** The tickets of `drawId` that still stand as winners (empty when every one was redrawn). */
export function standingTicketsOf(drawId: string, draws: readonly ClaimDraw[]): number[] {
  return standingWinners(draws)
    .filter((w) => w.drawId === drawId)
    .map((w) => w.ticket);
}

export interface Outstanding extends StandingWinner {
  deadline: Date | null;
}

/**
 * The standing winners that stop a settlement: neither claimed nor past their claim period. A prize
 * unclaimed after its period is the profile's to handle (held in trust, or redrawn or forfeited as the
 * rules allow) and no longer holds the raffle open; RAFFLE_SETTLED lists it.
 */
export function outstandingPrizes(
  standing: readonly StandingWinner[],
  isClaimed: (winner: StandingWinner) => boolean,
  deadlineOf: (winner: StandingWinner) => Date | null,
  now: Date,
): { outstanding: Outstanding[]; unclaimedAfterDeadline: Outstanding[] } {
  const outstanding: Outstanding[] = [];
  const unclaimedAfterDeadline: Outstanding[] = [];
  for (const winner of standing) {
    if (isClaimed(winner)) continue;
    const deadline = deadlineOf(winner);
    if (deadline !== null && now.getTime() > deadline.getTime())
      unclaimedAfterDeadline.push({ ...winner, deadline });
    else outstanding.push({ ...winner, deadline });
  }
  return { outstanding, unclaimedAfterDeadline };
}
