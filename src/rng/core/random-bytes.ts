/**
 * The one thing the RNG logic needs from a provider (PKCS#11, KMS, OS): exactly `n` fresh random
 * bytes. Providers implement it; everything in `src/rng/core` and `src/rng/stats` consumes it.
 */
export type RandomBytes = (n: number) => Promise<Buffer>;

/** Thrown by a finite source (see `bufferSource`) asked for more bytes than it has left. */
export class SourceExhaustedError extends Error {
  constructor(
    readonly requested: number,
    readonly remaining: number,
  ) {
    super(`random source exhausted: ${requested} bytes requested, ${remaining} left`);
    this.name = 'SourceExhaustedError';
  }
}

/**
 * Serves the bytes of `data` in order, once each. Used to run draws or statistics over recorded
 * bytes (a test lab's capture file, a journal entry) exactly as they were produced.
 */
export function bufferSource(data: Uint8Array): RandomBytes & { readonly remaining: () => number } {
  let offset = 0;
  const source = async (n: number): Promise<Buffer> => {
    if (!Number.isSafeInteger(n) || n < 0)
      throw new RangeError(`byte count must be a non-negative integer, got ${n}`);
    if (n > data.length - offset) throw new SourceExhaustedError(n, data.length - offset);
    const chunk = Buffer.from(data.subarray(offset, offset + n));
    offset += n;
    return chunk;
  };
  return Object.assign(source, { remaining: () => data.length - offset });
}
