import { RngReplayError } from './replay-error.js';

/** Reads journaled bytes front to back during a replay, refusing to run past the end. */
export class ByteReader {
  private offset = 0;

  constructor(private readonly bytes: Uint8Array) {}

  get position(): number {
    return this.offset;
  }

  get remaining(): number {
    return this.bytes.length - this.offset;
  }

  /** The offset at which `count` bytes start; throws if they are not all there. */
  take(count: number): number {
    if (count > this.remaining) {
      throw new RngReplayError(
        `too few bytes: an attempt needs ${count} bytes at offset ${this.offset}, only ${this.remaining} left`,
      );
    }
    const start = this.offset;
    this.offset += count;
    return start;
  }

  /** A replay must use every journaled byte: leftovers mean the journal and the draw disagree. */
  assertFullyRead(): void {
    if (this.remaining !== 0) {
      throw new RngReplayError(
        `extra bytes: the draw completed after ${this.offset} bytes but ${this.bytes.length} were given`,
      );
    }
  }

  get source(): Uint8Array {
    return this.bytes;
  }
}
