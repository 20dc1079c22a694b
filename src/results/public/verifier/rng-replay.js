// @ts-check
// Replays a draw's journaled RNG calls (docs/rng.md sections 2-3, docs/draws.md 4.1-4.2): each call is
// one attempt of rejection sampling for the current range; an attempt's masked big-endian value is
// accepted when it is below the range; k draws select pool positions by partial Fisher-Yates (distinct
// winners) or independently (repeats). Pool positions map to sealed positions past the excluded ones.

import { hexToBytes } from './bytes.js';
import { VerificationFailure } from './merkle.js';

/** Attempts after which the reference stops a draw (a stuck source); a replay needing more fails. */
export const MAX_ATTEMPTS = 128;

/** @param {number} value */
function bitLength(value) {
  let bits = 0;
  for (let rest = value; rest > 0; rest = Math.floor(rest / 2)) bits++;
  return bits;
}

/** How a draw from [0, n) reads bytes: bytes per attempt and the mask of the first byte. @param {number} n */
export function rangeEncoding(n) {
  if (!Number.isInteger(n) || n < 1 || n > 2 ** 53)
    throw new VerificationFailure(`range ${n} is not an integer from 1 to 2^53`);
  const bits = bitLength(n - 1);
  const byteCount = Math.ceil(bits / 8);
  return { n, byteCount, topByteMask: byteCount === 0 ? 0 : 2 ** (bits - 8 * (byteCount - 1)) - 1 };
}

/** @param {{ byteCount: number, topByteMask: number }} encoding @param {Uint8Array} bytes */
export function candidateValue(encoding, bytes) {
  if (encoding.byteCount === 0) return 0;
  let value = bytes[0] & encoding.topByteMask;
  for (let i = 1; i < encoding.byteCount; i++) value = value * 256 + bytes[i];
  return value;
}

/**
 * The sealed set minus the excluded positions: pool position p is the p-th sealed position that is
 * not excluded.
 */
export class DrawPool {
  /** @param {number} count @param {readonly number[]} excludedPositions distinct, each below count */
  constructor(count, excludedPositions) {
    const sorted = [...excludedPositions].sort((a, b) => a - b);
    sorted.forEach((p, i) => {
      if (!Number.isSafeInteger(p) || p < 0 || p >= count)
        throw new VerificationFailure(
          `excluded position ${p} is not a position of a set of ${count} tickets`,
        );
      if (i > 0 && sorted[i - 1] === p) throw new VerificationFailure(`position ${p} is excluded twice`);
    });
    this.count = count;
    this.excludedPositions = sorted;
  }

  get size() {
    return this.count - this.excludedPositions.length;
  }

  /** @param {number} poolPosition */
  sealedPosition(poolPosition) {
    let q = poolPosition;
    for (const e of this.excludedPositions) {
      if (e > q) break;
      q++;
    }
    return q;
  }
}

/**
 * The pool positions that the RNG calls select for k winners. Throws VerificationFailure when the
 * calls are not exactly the attempts of the draw.
 * @param {{ pool: DrawPool, k: number, repeats: boolean, rngCalls: readonly { byteCount: number, bytes: string }[] }} input
 * @returns {number[]}
 */
export function replayPositions({ pool, k, repeats, rngCalls }) {
  if (k > 0 && pool.size === 0)
    throw new VerificationFailure(
      `nothing to draw from: the set has ${pool.count} tickets and ${pool.excludedPositions.length} are excluded`,
    );
  if (!repeats && k > pool.size)
    throw new VerificationFailure(`cannot draw ${k} distinct winners from a pool of ${pool.size} tickets`);
  /** @type {Map<number, number>} */
  const moved = new Map();
  const at = (/** @type {number} */ p) => moved.get(p) ?? p;
  const picked = [];
  let c = 0;
  for (let draw = 0; draw < k; draw++) {
    const range = repeats ? pool.size : pool.size - draw;
    const encoding = rangeEncoding(range);
    let value = 0;
    if (encoding.byteCount > 0) {
      for (let attempt = 1; ; attempt++) {
        const call = rngCalls[c];
        if (call === undefined)
          throw new VerificationFailure(
            `draw ${draw + 1} of ${k} (range ${range}) needs attempt ${attempt}, but the RNG calls end after call ${c}`,
          );
        if (call.byteCount !== encoding.byteCount)
          throw new VerificationFailure(
            `RNG call ${c} holds ${call.byteCount} bytes, but draw ${draw + 1} (range ${range}) reads ${encoding.byteCount} bytes per attempt`,
          );
        if (attempt > MAX_ATTEMPTS)
          throw new VerificationFailure(
            `draw ${draw + 1} has no value below ${range} within ${MAX_ATTEMPTS} attempts`,
          );
        c++;
        value = candidateValue(encoding, hexToBytes(call.bytes));
        if (value < range) break;
      }
    }
    if (repeats) {
      picked.push(value);
    } else {
      const j = draw + value;
      picked.push(at(j));
      moved.set(j, at(draw));
      moved.delete(draw);
    }
  }
  if (c !== rngCalls.length)
    throw new VerificationFailure(
      `the draw completed after ${c} RNG calls, but ${rngCalls.length} were journaled`,
    );
  return picked;
}
