// Which tickets a draw leaves out of its pool (docs/draws.md section 4.3), from the earlier draws of
// the raffle alone. The service calls this before a draw and the verifier recomputes it, so the two
// cannot disagree, and an operator cannot exclude tickets at will.

import type { Exclusion } from './draw-entries.js';
import type { SealedRanges } from './sealed-ranges.js';

/** An earlier draw of the raffle, as journaled (DRAW_RESULT, or DRAW_REDRAWN with `replaces`). */
export interface PriorDraw {
  drawId: string;
  sealId: string;
  repeats: boolean;
  tickets: readonly number[];
  /** For a redraw: the prize's DRAW_RESULT and the winner replaced. */
  replaces?: { drawId: string; ticket: number };
}

export interface ExclusionInput {
  exclusion: Exclusion;
  /** The seal this draw selects from. */
  sealId: string;
  /** The earlier draws of the same raffle, in journal order. */
  priorDraws: readonly PriorDraw[];
  /** For a redraw: the prize's DRAW_RESULT and the winner it replaces. */
  replaces?: { drawId: string; ticket: number };
  /** If given, only tickets of this set are returned (others cannot be in the pool anyway). */
  ranges?: SealedRanges;
}

/** The current winners of a DRAW_RESULT after the redraws that replaced some of them. */
export function currentWinners(drawId: string, priorDraws: readonly PriorDraw[]): number[] | undefined {
  const result = priorDraws.find((d) => d.drawId === drawId && d.replaces === undefined);
  if (result === undefined) return undefined;
  const winners = [...result.tickets];
  for (const d of priorDraws) {
    if (d.replaces?.drawId !== drawId) continue;
    const i = winners.indexOf(d.replaces.ticket);
    if (i >= 0) winners[i] = d.tickets[0];
  }
  return winners;
}

/** The excluded tickets of a draw, ascending. */
export function excludedTickets(input: ExclusionInput): number[] {
  const out = new Set<number>();
  // Disqualified: every ticket whose win a redraw replaced is out of every later draw of the raffle.
  for (const d of input.priorDraws) if (d.replaces !== undefined) out.add(d.replaces.ticket);
  if (input.replaces !== undefined) {
    out.add(input.replaces.ticket);
    // A prize with distinct winners must not go twice to one ticket.
    const replaced = input.priorDraws.find(
      (d) => d.drawId === input.replaces!.drawId && d.replaces === undefined,
    );
    if (replaced !== undefined && !replaced.repeats) {
      for (const t of currentWinners(replaced.drawId, input.priorDraws) ?? []) out.add(t);
    }
  }
  for (const d of input.priorDraws) {
    if (input.exclusion === 'raffle' || (input.exclusion === 'seal' && d.sealId === input.sealId)) {
      for (const t of d.tickets) out.add(t);
    }
  }
  const ranges = input.ranges;
  return [...out].filter((t) => ranges === undefined || ranges.has(t)).sort((a, b) => a - b);
}
