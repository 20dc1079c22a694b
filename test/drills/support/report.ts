/**
 * What a drill found: named counts and violations. A drill ends with one summary line on stdout
 * (`drill:<name> PASSED|FAILED k=v ...`) and exits 1 on any violation, so CI and a person read
 * the same verdict.
 */
export class DrillReport {
  readonly counts: Record<string, number> = {};
  readonly violations: string[] = [];
  private readonly started = Date.now();

  constructor(readonly name: string) {}

  count(name: string, by = 1): void {
    this.counts[name] = (this.counts[name] ?? 0) + by;
  }

  set(name: string, value: number): void {
    this.counts[name] = value;
  }

  violation(message: string): void {
    this.violations.push(message);
    if (this.violations.length <= 50) log(`VIOLATION: ${message}`);
  }

  /** Records a violation when `ok` is false; returns `ok`. */
  check(ok: boolean, message: string): boolean {
    if (!ok) this.violation(message);
    return ok;
  }

  /** Prints the one-line summary and sets the exit status. */
  finish(): number {
    const seconds = Math.round((Date.now() - this.started) / 1000);
    const counts = Object.entries(this.counts).map(([k, v]) => `${k}=${v}`);
    const verdict = this.violations.length === 0 ? 'PASSED' : 'FAILED';
    if (this.violations.length > 50) log(`... and ${this.violations.length - 50} more violations`);
    console.log(
      [
        `drill:${this.name}`,
        verdict,
        ...counts,
        `violations=${this.violations.length}`,
        `seconds=${seconds}`,
      ].join(' '),
    );
    return this.violations.length === 0 ? 0 : 1;
  }
}

/** Progress goes to stderr, so that stdout carries only the summary (and any tables). */
export function log(message: string): void {
  process.stderr.write(`[${new Date().toISOString().slice(11, 23)}] ${message}\n`);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** A small seeded generator (mulberry32), so a drill's choices can be replayed with --seed. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** `uptime`'s load averages, recorded beside every figure (the machine is shared). */
export async function loadAverage(): Promise<string> {
  const { loadavg } = await import('node:os');
  return loadavg()
    .map((n) => n.toFixed(2))
    .join(', ');
}

const cleanups: Array<() => Promise<unknown>> = [];

/** Registers cleanup (stop processes, drop databases) that runs however the drill ends. */
export function atExit(cleanup: () => Promise<unknown>): void {
  cleanups.unshift(cleanup);
}

/** Runs a drill's main: prints a FAILED summary on an unexpected error, cleans up, exits with its status. */
export function runDrill(name: string, main: () => Promise<number>): void {
  const cleanUp = async () => {
    for (const cleanup of cleanups.splice(0))
      await cleanup().catch((error: unknown) => log(`cleanup: ${String(error)}`));
  };
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.once(signal, () => {
      console.log(`drill:${name} FAILED interrupted=1`);
      void cleanUp().then(() => process.exit(130));
    });
  }
  main()
    .catch((error: unknown) => {
      console.error(error);
      console.log(`drill:${name} FAILED error=1`);
      return 1;
    })
    .then(async (status) => {
      await cleanUp();
      process.exit(status);
    });
}
