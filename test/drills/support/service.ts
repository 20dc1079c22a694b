import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { sleep } from './report.js';

/** The built service (`node dist/src/main.js`) as its own process, as production runs it. */
export interface ServiceProcess {
  base: string;
  pid: number;
  child: ChildProcess;
  /** Resolves with the exit code (or the signal's name) once the process has gone. */
  exited: Promise<number | string>;
  /** The last 64 KiB the process wrote, for a failure message. */
  output(): string;
  kill(signal: NodeJS.Signals): Promise<number | string>;
}

const OUTPUT_KEPT = 64 * 1024;

/**
 * Starts the service from `dist` with `env` (on top of this process's PATH and HOME only, so
 * nothing from the caller's shell leaks in) and waits until /health/live answers.
 */
export async function startService(options: {
  dist: string;
  port: number;
  env: Record<string, string>;
  timeoutMs?: number;
}): Promise<ServiceProcess> {
  const child = spawn(process.execPath, [join(options.dist, 'src/main.js')], {
    env: {
      PATH: process.env.PATH ?? '',
      HOME: process.env.HOME ?? '',
      HOST: '127.0.0.1',
      PORT: String(options.port),
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString();
    if (output.length > OUTPUT_KEPT * 2) output = output.slice(-OUTPUT_KEPT);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<number | string>((resolve) =>
    child.once('exit', (code, signal) => resolve(code ?? signal ?? 'unknown')),
  );
  const base = `http://127.0.0.1:${options.port}`;
  const service: ServiceProcess = {
    base,
    pid: child.pid!,
    child,
    exited,
    output: () => output.slice(-OUTPUT_KEPT),
    async kill(signal) {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
  const deadline = Date.now() + (options.timeoutMs ?? 120_000);
  let gone = false;
  void exited.then(() => (gone = true));
  while (Date.now() < deadline) {
    if (gone)
      throw new Error(`the service exited (${await exited}) before it was live:\n${service.output()}`);
    try {
      const response = await fetch(`${base}/health/live`, { signal: AbortSignal.timeout(2_000) });
      if (response.ok) return service;
    } catch {
      // not listening yet
    }
    await sleep(50);
  }
  await service.kill('SIGKILL');
  throw new Error(`the service was not live within ${options.timeoutMs ?? 120_000} ms:\n${service.output()}`);
}
