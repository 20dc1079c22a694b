// Crash points for the draw crash tests: the built service, run with DRAW_FAULT_INJECTION set, kills
// itself with SIGKILL at that point of a draw, as a power cut or an OOM kill would. Inert unless the
// variable names the point, and the configuration refuses it when NODE_ENV=production.

import type { AppConfig } from '../config/environment.js';

export type DrawFaultPoint = 'kill-after-rng' | 'kill-after-rng-request' | 'kill-after-commit';

export function drawFaultPoint(config: AppConfig, point: DrawFaultPoint): void {
  if (config.DRAW_FAULT_INJECTION !== point) return;
  if (config.NODE_ENV === 'production') return; // belt and braces: loadEnvironment refuses it already
  process.stderr.write(`DRAW_FAULT_INJECTION: killing the process at ${point}\n`);
  process.kill(process.pid, 'SIGKILL');
}
