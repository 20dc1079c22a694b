// Every request made to the RNG for a draw, with its bytes: what DRAW_RESULT journals. One call is
// one attempt of docs/rng.md section 2 (the draw asks for exactly the bytes of one attempt), so a
// replay can check that the calls line up with the attempts, not only that the bytes add up.

import { candidateValue, rangeEncoding, type RandomBytes } from '../../rng/core/index.js';
import { DrawReplayError } from './draw-replay-error.js';
import { DrawFormatError } from './draw-format-error.js';
import { readArray, readCount, readHexBytes, readObject } from './json-fields.js';

export interface RngCallRecord {
  /** Bytes requested. */
  byteCount: number;
  /** The bytes returned, lowercase hex (2 * byteCount digits). */
  bytes: string;
}

/** Wraps a byte source so that each request and its bytes are appended to `calls`. */
export function recordingSource(source: RandomBytes, calls: RngCallRecord[]): RandomBytes {
  return async (n: number) => {
    const bytes = await source(n);
    calls.push({ byteCount: n, bytes: bytes.toString('hex') });
    return bytes;
  };
}

export function readRngCalls(value: unknown, field = 'rngCalls'): RngCallRecord[] {
  return readArray(value, field, (v, f) => {
    const o = readObject(v, f, ['byteCount', 'bytes']);
    const call = {
      byteCount: readCount(o.byteCount, `${f}.byteCount`),
      bytes: readHexBytes(o.bytes, `${f}.bytes`),
    };
    if (call.bytes.length !== 2 * call.byteCount) {
      throw new DrawFormatError(
        `${f}.bytes`,
        `holds ${call.bytes.length / 2} bytes, byteCount says ${call.byteCount}`,
      );
    }
    return call;
  });
}

/**
 * Walks the calls through the attempts of `k` draws, draw i from a range of `rangeOf(i)` values: each
 * attempt must be exactly one call of the attempt's byte count, a range of 1 reads nothing, and no
 * call may be left over. Returns all bytes concatenated, for the RNG core's replay.
 */
export function bytesOfAttempts(
  calls: readonly RngCallRecord[],
  k: number,
  rangeOf: (draw: number) => number,
): Buffer {
  let c = 0;
  for (let draw = 0; draw < k; draw++) {
    const range = rangeOf(draw);
    const encoding = rangeEncoding(range);
    if (encoding.byteCount === 0) continue;
    for (let attempt = 1; ; attempt++) {
      const call = calls[c];
      if (call === undefined) {
        throw new DrawReplayError(
          `draw ${draw + 1} of ${k} (range ${range}) needs attempt ${attempt}, but the RNG calls end after call ${c}`,
        );
      }
      if (call.byteCount !== encoding.byteCount) {
        throw new DrawReplayError(
          `RNG call ${c} holds ${call.byteCount} bytes, but draw ${draw + 1} (range ${range}) reads ${encoding.byteCount} bytes per attempt`,
        );
      }
      c++;
      if (candidateValue(encoding, Buffer.from(call.bytes, 'hex')) < range) break;
    }
  }
  if (c !== calls.length) {
    throw new DrawReplayError(`the draw completed after ${c} RNG calls, but ${calls.length} were journaled`);
  }
  return Buffer.concat(calls.map((call) => Buffer.from(call.bytes, 'hex')));
}
