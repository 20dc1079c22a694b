// The parameters of one draw and their checks, shared by the live draw and its replay.

import { DrawPool } from './draw-pool.js';
import { DrawReplayError } from './draw-replay-error.js';

export interface WinnerSelection {
  /** Winners to select (k prizes, or k winners of one prize). */
  k: number;
  /** True when the rules let one ticket win more than once in this draw; false: k distinct tickets. */
  repeats: boolean;
}

/** The RNG range of draw i: the pool shrinks by one per distinct winner, and stays whole with repeats. */
export function drawRange(pool: DrawPool, selection: WinnerSelection, draw: number): number {
  return selection.repeats ? pool.size : pool.size - draw;
}

export function checkSelection(pool: DrawPool, { k, repeats }: WinnerSelection): void {
  if (!Number.isSafeInteger(k) || k < 0) throw new DrawReplayError(`k must be an integer >= 0, got ${k}`);
  if (typeof repeats !== 'boolean') throw new DrawReplayError('repeats must be true or false');
  if (k > 0 && pool.size === 0) {
    throw new DrawReplayError(
      `nothing to draw from: the set has ${pool.count} tickets and ${pool.excludedPositions.length} are excluded`,
    );
  }
  if (!repeats && k > pool.size) {
    throw new DrawReplayError(`cannot draw ${k} distinct winners from a pool of ${pool.size} tickets`);
  }
}
