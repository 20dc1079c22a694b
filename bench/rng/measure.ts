import { performance } from 'node:perf_hooks';

export interface Rate {
  operations: number;
  seconds: number;
  perSecond: number;
}

/**
 * Runs `operation` back to back for at least `minSeconds` and `minOperations`, after a warm-up
 * of a fifth of that time so the JIT has settled before the clock starts.
 */
export async function measureRate(
  operation: () => Promise<unknown>,
  minSeconds: number,
  minOperations = 5,
): Promise<Rate> {
  const warmUpEnds = performance.now() + minSeconds * 200;
  for (let i = 0; i < 3 || performance.now() < warmUpEnds; i++) await operation();
  const started = performance.now();
  let operations = 0;
  let elapsed = 0;
  while (elapsed < minSeconds * 1000 || operations < minOperations) {
    await operation();
    operations++;
    elapsed = performance.now() - started;
  }
  const seconds = elapsed / 1000;
  return { operations, seconds, perSecond: operations / seconds };
}
