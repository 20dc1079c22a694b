// Recomputes a draw from its journaled RNG calls, synchronously and without any source: the offline
// verifier's half of pick-winners.ts. The RNG core's replay runs the same selection generator as the
// live draw, so the two cannot disagree; this file adds the pool mapping and the call-by-call check.

import { replaySelectDistinct, replaySelectWithRepeats, RngReplayError } from '../../rng/core/index.js';
import { DrawPool } from './draw-pool.js';
import { DrawReplayError } from './draw-replay-error.js';
import { type DrawnWinners, winnersFromPositions } from './pick-winners.js';
import { bytesOfAttempts, type RngCallRecord } from './rng-calls.js';
import type { SealedRanges } from './sealed-ranges.js';
import { checkSelection, drawRange, type WinnerSelection } from './winner-selection.js';

export interface ReplayPositionsInput extends WinnerSelection {
  pool: DrawPool;
  rngCalls: readonly RngCallRecord[];
}

export interface ReplayWinnersInput extends WinnerSelection {
  ranges: SealedRanges;
  /** Tickets excluded from the draw, as journaled. */
  excluded: readonly number[];
  rngCalls: readonly RngCallRecord[];
}

/** The pool positions a draw's RNG calls select. Throws DrawReplayError. */
export function replayPositions(input: ReplayPositionsInput): number[] {
  const { pool, k } = input;
  checkSelection(pool, input);
  const bytes = bytesOfAttempts(input.rngCalls, k, (draw) => drawRange(pool, input, draw));
  if (k === 0) return [];
  try {
    const replay = input.repeats
      ? replaySelectWithRepeats(k, pool.size, bytes)
      : replaySelectDistinct(k, pool.size, bytes);
    return replay.values;
  } catch (error) {
    if (error instanceof RngReplayError || error instanceof RangeError)
      throw new DrawReplayError(error.message);
    throw error;
  }
}

/** Recomputes the winners of a draw from its journaled inputs. Throws DrawReplayError. */
export function replayWinners(input: ReplayWinnersInput): DrawnWinners {
  let pool: DrawPool;
  try {
    pool = DrawPool.excluding(input.ranges, input.excluded);
  } catch (error) {
    if (error instanceof RangeError) throw new DrawReplayError(error.message);
    throw error;
  }
  return winnersFromPositions(input.ranges, pool, replayPositions({ ...input, pool }));
}

/** The differences between journaled winners and recomputed ones, one message each; empty if equal. */
export function compareWinners(
  journaled: { positions: readonly number[]; tickets: readonly number[] },
  replayed: DrawnWinners,
): string[] {
  const problems: string[] = [];
  const k = replayed.tickets.length;
  if (journaled.positions.length !== k || journaled.tickets.length !== k) {
    problems.push(
      `journal lists ${journaled.positions.length} positions and ${journaled.tickets.length} tickets, the replay draws ${k} winners`,
    );
  }
  for (let i = 0; i < Math.max(k, journaled.tickets.length, journaled.positions.length); i++) {
    const [jp, jt, rp, rt] = [
      journaled.positions[i],
      journaled.tickets[i],
      replayed.positions[i],
      replayed.tickets[i],
    ];
    if (jp !== rp || jt !== rt) {
      problems.push(
        `winner ${i + 1}: journal says ticket ${jt ?? '(none)'} at pool position ${jp ?? '(none)'}, ` +
          `the replay gives ticket ${rt ?? '(none)'} at pool position ${rp ?? '(none)'}`,
      );
    }
  }
  return problems;
}
