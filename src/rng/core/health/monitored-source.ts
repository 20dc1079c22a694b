import type { RandomBytes } from '../random-bytes.js';
import type { HealthMonitor } from './health-monitor.js';

/** A source whose every block passes through `monitor` before anyone sees it. */
export function monitoredSource(raw: RandomBytes, monitor: HealthMonitor): RandomBytes {
  return async (n: number) => {
    const block = await raw(n);
    if (block.length !== n)
      throw new Error(`random source returned ${block.length} bytes when ${n} were requested`);
    monitor.inspect(block);
    return block;
  };
}
