// A live draw: random bytes pick k positions of the pool (the sealed set minus excluded tickets) by
// the RNG core's exact rejection sampling, and the positions are mapped to ticket numbers through the
// sealed ranges. Everything a replay needs is returned: the RNG calls with their bytes.

import { type RandomBytes, selectDistinct, selectWithRepeats } from '../../rng/core/index.js';
import { DrawPool } from './draw-pool.js';
import { recordingSource, type RngCallRecord } from './rng-calls.js';
import type { SealedRanges } from './sealed-ranges.js';
import { checkSelection, type WinnerSelection } from './winner-selection.js';

export interface PickWinnersInput extends WinnerSelection {
  ranges: SealedRanges;
  /** Tickets out of this draw (earlier winners, disqualified tickets), each in the set; ascending. */
  excluded?: readonly number[];
  /** Random bytes, e.g. `(n) => rngEngine.read(n)` (health-tested) or bufferSource(journaled bytes). */
  source: RandomBytes;
}

export interface DrawnWinners {
  /** Positions in the pool drawn, in prize order: what the RNG produced. */
  positions: number[];
  /** The same winners as positions in the sealed set. */
  sealedPositions: number[];
  /** The winning ticket numbers, in prize order. */
  tickets: number[];
  /** Size of the pool the draw selected from. */
  poolSize: number;
}

export interface PickedWinners extends DrawnWinners {
  /** Every RNG request of the draw with its bytes, in order. */
  rngCalls: RngCallRecord[];
  /** All bytes, concatenated. */
  bytes: Buffer;
}

export function winnersFromPositions(
  ranges: SealedRanges,
  pool: DrawPool,
  positions: number[],
): DrawnWinners {
  const sealedPositions = positions.map((p) => pool.sealedPosition(p));
  return {
    positions,
    sealedPositions,
    tickets: sealedPositions.map((p) => ranges.ticketAt(p)),
    poolSize: pool.size,
  };
}

export async function pickWinners(input: PickWinnersInput): Promise<PickedWinners> {
  const excluded = [...(input.excluded ?? [])].sort((a, b) => a - b);
  const pool = DrawPool.excluding(input.ranges, excluded);
  checkSelection(pool, input);
  const rngCalls: RngCallRecord[] = [];
  const source = recordingSource(input.source, rngCalls);
  const selection =
    input.k === 0
      ? { values: [] }
      : input.repeats
        ? await selectWithRepeats(input.k, pool.size, source)
        : await selectDistinct(input.k, pool.size, source);
  return {
    ...winnersFromPositions(input.ranges, pool, selection.values),
    rngCalls,
    bytes: Buffer.concat(rngCalls.map((c) => Buffer.from(c.bytes, 'hex'))),
  };
}
