import { randomBytes } from 'node:crypto';
import { assertByteCount } from '../byte-count.js';
import { assertOpen, type LifecycleState } from '../lifecycle.js';
import type { RandomSource } from '../random-source.js';

/**
 * The operating system's CSPRNG through Node's crypto. For development only: it is NOT a
 * certified RNG, so `certified` is false and stays false whatever the configuration says.
 */
export class OsRandomSource implements RandomSource {
  readonly provider = 'os' as const;
  readonly certified = false;
  readonly identity = 'os:node-crypto';
  private state: LifecycleState = 'new';

  async open(): Promise<void> {
    if (this.state === 'closed') assertOpen(this.provider, this.state);
    this.state = 'open';
  }

  async generate(bytes: number): Promise<Buffer> {
    assertByteCount(this.provider, bytes);
    assertOpen(this.provider, this.state);
    return randomBytes(bytes);
  }

  async close(): Promise<void> {
    this.state = 'closed';
  }
}
