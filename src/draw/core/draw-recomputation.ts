// Recomputing a DRAW_RESULT or DRAW_REDRAWN entry against the journal before it: the seal it names
// exists and recomputed, the prize belongs to the seal and was not drawn before (a redraw replaces a
// current winner instead), the excluded tickets are exactly those the exclusion rule gives
// (docs/draws.md section 4.3), and the journaled RNG calls replay to the journaled winners.

import { DRAW_ALGORITHM } from './draw-algorithm.js';
import type { DrawCheckSummary, DrawState, RaffleState, SealState } from './draw-check-state.js';
import type { DrawRecord } from './draw-entries.js';
import { DrawReplayError } from './draw-replay-error.js';
import { currentWinners, excludedTickets } from './exclusion.js';
import { compareWinners, replayWinners } from './replay-winners.js';

export interface DrawJournalState {
  raffle(raffleId: string): RaffleState;
  seals: Map<string, SealState>;
  /** DRAW_RESULT entries by draw id. */
  draws: Map<string, DrawState>;
  /** Every draw id used (results and redraws) -> seq. */
  drawIds: Map<string, number>;
  summary: DrawCheckSummary;
}

function list(tickets: Iterable<number>): string {
  const sorted = [...tickets].sort((a, b) => a - b);
  return sorted.length === 0 ? 'none' : sorted.join(', ');
}

/** Checks one draw entry and records its winners; returns the problems found. */
export function checkDraw(state: DrawJournalState, seq: number, record: DrawRecord): string[] {
  const p = record.payload;
  const problems: string[] = [];
  const name = `draw ${p.drawId} (prize ${p.prizeId} of raffle ${p.raffleId})`;
  state.summary.draws++;
  if (record.kind === 'redraw') state.summary.redraws++;
  if (!p.rng.certified) state.summary.uncertifiedDraws++;
  if (p.algorithm !== DRAW_ALGORITHM)
    problems.push(`${name}: unknown algorithm ${JSON.stringify(p.algorithm)}`);
  const usedAt = state.drawIds.get(p.drawId);
  if (usedAt !== undefined) problems.push(`${name}: draw id ${p.drawId} already used at entry ${usedAt}`);
  else state.drawIds.set(p.drawId, seq);

  const seal = state.seals.get(p.sealId);
  if (seal === undefined) {
    problems.push(`${name}: names seal ${p.sealId}, which no earlier DRAW_SEALED entry journals`);
    return problems;
  }
  const raffle = state.raffle(p.raffleId);
  if (seal.raffleId !== p.raffleId)
    problems.push(`${name}: seal ${p.sealId} belongs to raffle ${seal.raffleId}`);
  if (!seal.prizeIds.has(p.prizeId))
    problems.push(`${name}: seal ${p.sealId} is not sealed for prize ${p.prizeId}`);
  for (const key of ['count', 'rangeCount', 'root'] as const) {
    if (p.sealed[key] !== seal.commitment[key]) {
      problems.push(
        `${name}: sealed.${key} is ${p.sealed[key]}, seal ${p.sealId} (entry ${seal.seq}) journaled ${seal.commitment[key]}`,
      );
    }
  }

  const replaces = record.kind === 'redraw' ? record.payload.replaces : undefined;
  if (record.kind === 'result') {
    const first = raffle.prizeDraws.get(p.prizeId);
    if (first !== undefined) {
      problems.push(
        `${name}: prize ${p.prizeId} was already drawn by draw ${first} (entry ${state.draws.get(first)?.seq}); a second draw is refused, only a redraw may follow`,
      );
    }
  } else {
    const { drawId, ticket } = record.payload.replaces;
    const replaced = state.draws.get(drawId);
    const winners = currentWinners(drawId, raffle.draws) ?? [];
    if (replaced === undefined) {
      problems.push(
        `${name}: replaces a winner of draw ${drawId}, which is no DRAW_RESULT journaled before it`,
      );
    } else if (
      replaced.raffleId !== p.raffleId ||
      replaced.prizeId !== p.prizeId ||
      replaced.sealId !== p.sealId
    ) {
      problems.push(
        `${name}: replaces a winner of draw ${drawId}, which is of prize ${replaced.prizeId}, raffle ${replaced.raffleId}, seal ${replaced.sealId}`,
      );
    } else if (!winners.includes(ticket)) {
      problems.push(
        `${name}: replaces ticket ${ticket}, which is not a current winner of draw ${drawId} (winners: ${list(winners)})`,
      );
    }
  }

  const expected = excludedTickets({
    exclusion: p.exclusion,
    sealId: p.sealId,
    priorDraws: raffle.draws,
    ...(replaces && { replaces: { drawId: replaces.drawId, ticket: replaces.ticket } }),
    ...(seal.ranges && { ranges: seal.ranges }),
  });
  if (expected.join() !== p.excluded.join()) {
    problems.push(
      `${name}: excluded tickets are ${list(p.excluded)}; exclusion '${p.exclusion}' gives ${list(expected)}`,
    );
  }

  if (seal.status === 'unverifiable') {
    state.summary.notChecked.push(
      `${name} (entry ${seq}): not replayed, seal ${p.sealId} (entry ${seal.seq}) could not be rebuilt`,
    );
  } else if (seal.status !== 'recomputed' || seal.ranges === undefined) {
    problems.push(
      `${name}: not replayed: seal ${p.sealId} (entry ${seal.seq}) does not recompute from the journal`,
    );
  } else {
    try {
      const replay = replayWinners({
        ranges: seal.ranges,
        k: p.k,
        repeats: p.repeats,
        excluded: p.excluded,
        rngCalls: p.rngCalls,
      });
      const differences = compareWinners(p, replay);
      if (differences.length > 0) problems.push(`${name}: ${differences.join('; ')}`);
      else if (problems.length === 0) state.summary.drawsReplayed++;
    } catch (error) {
      if (!(error instanceof DrawReplayError)) throw error;
      problems.push(`${name}: the journaled RNG calls do not replay: ${error.message}`);
    }
  }

  // Record the journal's view, so a later entry is judged against what was announced.
  raffle.draws.push({
    drawId: p.drawId,
    sealId: p.sealId,
    repeats: p.repeats,
    tickets: [...p.tickets],
    ...(replaces && { replaces: { drawId: replaces.drawId, ticket: replaces.ticket } }),
  });
  if (record.kind === 'result') {
    if (!raffle.prizeDraws.has(p.prizeId)) raffle.prizeDraws.set(p.prizeId, p.drawId);
    if (usedAt === undefined)
      state.draws.set(p.drawId, { raffleId: p.raffleId, prizeId: p.prizeId, sealId: p.sealId, seq });
  }
  return problems;
}
