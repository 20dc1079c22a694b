// Deterministic "random" bytes for tests: SHA-256 in counter mode over a seed, so a failing test
// fails the same way every run. Never a substitute for the RNG in production code.
import { createHash } from 'node:crypto';
import type { RandomBytes } from '../../../rng/core/index.js';

export function seededBytes(seed: string): RandomBytes {
  let counter = 0;
  let pool = Buffer.alloc(0);
  return async (n: number) => {
    while (pool.length < n) {
      const block = createHash('sha256').update(`${seed}:${counter++}`).digest();
      pool = Buffer.concat([pool, block]);
    }
    const out = pool.subarray(0, n);
    pool = pool.subarray(n);
    return Buffer.from(out);
  };
}
