import { ByteReader } from './byte-reader.js';
import type { RandomBytes } from './random-bytes.js';
import { candidateValue, rangeEncoding, type RangeEncoding } from './range-encoding.js';
import { RngReplayError } from './replay-error.js';

/** One unbiased draw and everything needed to recompute it from the journal. */
export interface UniformIntDraw {
  /** Uniform integer in [0, n). */
  value: number;
  /** Every byte read from the source, in order, rejected attempts included. */
  bytesConsumed: Buffer;
  /** Attempts made (at least 1); only the last was accepted. */
  attempts: number;
}

export interface UniformIntReplay {
  value: number;
  /** Bytes the recomputation used; always equals the length of the bytes given. */
  bytesUsed: number;
  attempts: number;
}

/**
 * Each attempt is accepted with probability n / 2^bits > 1/2, so a working source needs more than
 * 128 attempts with probability below 2^-128. Stopping there turns a stuck source into an error
 * instead of an endless loop; it cannot bias the values that are returned.
 */
export const MAX_ATTEMPTS = 128;

export class RngAttemptsExceededError extends Error {
  constructor(readonly n: number) {
    super(`no value below ${n} after ${MAX_ATTEMPTS} attempts: the random source is not working`);
    this.name = 'RngAttemptsExceededError';
  }
}

/**
 * A uniform integer in [0, n) for 1 <= n <= 2^53 by rejection sampling (RNG-3: no modulo bias).
 * Reads `byteCount` bytes per attempt, masks the first byte, rejects candidates >= n.
 */
export async function uniformInt(n: number, source: RandomBytes): Promise<UniformIntDraw> {
  const encoding = rangeEncoding(n);
  const chunks: Buffer[] = [];
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const bytes = await readExactly(source, encoding.byteCount);
    chunks.push(bytes);
    const candidate = candidateValue(encoding, bytes);
    if (candidate < n) return { value: candidate, bytesConsumed: Buffer.concat(chunks), attempts: attempt };
  }
  throw new RngAttemptsExceededError(n);
}

/**
 * Recomputes a draw from its journaled bytes, synchronously and without any source. The bytes
 * must be exactly those of the draw: too few or any left over throws RngReplayError.
 */
export function replayUniformInt(n: number, bytes: Uint8Array): UniformIntReplay {
  const reader = new ByteReader(bytes);
  const { value, attempts } = readUniformInt(rangeEncoding(n), reader);
  reader.assertFullyRead();
  return { value, bytesUsed: reader.position, attempts };
}

/** The replay step shared by single draws and selections: consumes one draw's attempts. */
export function readUniformInt(
  encoding: RangeEncoding,
  reader: ByteReader,
): { value: number; attempts: number } {
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
    const offset = reader.take(encoding.byteCount);
    const candidate = candidateValue(encoding, reader.source, offset);
    if (candidate < encoding.n) return { value: candidate, attempts: attempt };
  }
  throw new RngReplayError(`no value below ${encoding.n} within ${MAX_ATTEMPTS} attempts`);
}

async function readExactly(source: RandomBytes, count: number): Promise<Buffer> {
  if (count === 0) return Buffer.alloc(0);
  const bytes = await source(count);
  if (bytes.length !== count) {
    throw new Error(`random source returned ${bytes.length} bytes when ${count} were requested`);
  }
  return bytes;
}
