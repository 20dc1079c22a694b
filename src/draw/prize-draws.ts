// The draws a raffle's rules call for, each with the prize id its journal entries carry. A prize
// with one draw time is journaled under its own id; a recurring prize (drawCron, e.g. a weekly early
// bird) is drawn once per occurrence inside the sales window, each occurrence journaled as
// `<prize id>@<UTC time>`, so that "one result per prize" holds for every occurrence.

import { cronOccurrences } from '../raffle/draw-schedule.js';
import { MAX_CRON_OCCURRENCES, type PrizeRule, type RaffleRules } from '../raffle/raffle-rules.js';

export interface PrizeDraw {
  /** The prize id journaled in DRAW_SEALED.prizeIds and DRAW_RESULT.prizeId. */
  prizeId: string;
  prize: PrizeRule;
  /** When the draw is due; for a prize drawn during sales, also its cut-off. */
  at: Date;
  /**
   * True for the MAIN prize: drawn after sales close from every ticket sold (the final seal).
   * False for prizes drawn inside the sales window (early bird, consolation): each from the tickets
   * journaled before its own cut-off, while sales go on.
   */
  final: boolean;
}

/** The seal a prize draw selects from: one final seal per raffle, one per cut-off otherwise. */
export function sealKeyOf(draw: PrizeDraw): string {
  return draw.final ? 'final' : `cutoff:${draw.prizeId}`;
}

export function prizeDraws(rules: RaffleRules): PrizeDraw[] {
  const draws: PrizeDraw[] = [];
  for (const prize of rules.prizes) {
    const final = prize.kind === 'MAIN';
    if (prize.drawAt !== null) {
      draws.push({ prizeId: prize.id, prize, at: new Date(prize.drawAt), final });
      continue;
    }
    if (prize.drawCron === null) continue;
    const times = cronOccurrences(
      prize.drawCron,
      new Date(rules.salesOpenAt),
      new Date(rules.salesCloseAt),
      MAX_CRON_OCCURRENCES,
    );
    for (const at of times) draws.push({ prizeId: `${prize.id}@${at.toISOString()}`, prize, at, final });
  }
  return draws.sort((a, b) => a.at.getTime() - b.at.getTime() || a.prizeId.localeCompare(b.prizeId));
}
