import {
  HealthMonitor,
  RngAttemptsExceededError,
  RngHealthError,
  selectDistinct,
  selectWithRepeats,
  type HealthTestParameters,
  type Selection,
  type StartUpResult,
} from './core/index.js';
import { RngProviderError, type RandomSource, type RandomSourceInfo } from './providers/index.js';
import { faultOf, RngStartUpError, RngUnavailableError, type RngFault } from './rng-fault.js';

/** The name of the scaling and selection algorithm of docs/rng.md sections 2 and 3, journaled with each draw. */
export const RNG_ALGORITHM = 'fairdraw-rejection-v1';

/**
 * `new` until start() opened the source; `starting` while a start-up test runs; `healthy` when
 * bytes may be served; `failed` after a health test failure or a provider fault (latched until a
 * start-up test passes again); `closed` after close().
 */
export type RngState = 'new' | 'starting' | 'healthy' | 'failed' | 'closed';

/** One request to the provider made on behalf of a draw: how many bytes, and when. */
export interface RngCall {
  bytes: number;
  /** UTC ISO-8601 time the request was made. */
  at: string;
}

export interface RngSelectionRequest {
  /** Winners to select. */
  k: number;
  /** Positions to select from: [0, n). */
  n: number;
  /** Independent draws (a position may win twice) instead of k distinct positions. */
  repeats?: boolean;
}

/** What the engine tells its owner (metrics, logs, journal), synchronously. */
export interface RngEngineObserver {
  /** Every provider request, served or not (start-up samples and probes included). */
  call?(observation: { bytes: number; seconds: number; ok: boolean }): void;
  /** The failure that latched the engine (once per failure, not for every refused request). */
  fault?(fault: RngFault, error: unknown): void;
}

export interface RngEngineOptions {
  parameters?: HealthTestParameters;
  observer?: RngEngineObserver;
  now?: () => Date;
}

export interface RngStats {
  /** Bytes handed to consumers after passing the health tests (start-up samples not included). */
  bytesServed: number;
  /** Requests made to the provider, including start-up samples and readiness probes. */
  providerCalls: number;
  /** Latched failures by test ('repetition-count', 'adaptive-proportion', 'start-up', 'provider', ...). */
  healthFailures: Record<string, number>;
  lastLatencyMs: number | null;
  lastCallAt: string | null;
}

export interface RngStartUpRecord {
  passed: boolean;
  at: string;
  samplesTested: number;
  checks: Array<{ name: string; passed: boolean }>;
  failure?: string;
}

/**
 * The one path from a provider to a draw, shared by the service and the lab's command-line tools:
 * open the provider, run the start-up test (the known-answer self-test and 1024 fresh samples
 * through the SP 800-90B tests), then serve bytes only after every block has passed the
 * continuous tests, and select winners with the exact rejection sampling of src/rng/core.
 *
 * A health test failure or a provider fault latches: nothing more is served (RNG-8) until a
 * start-up test passes again. There is no other source to fall back to, by design (RNG-10).
 */
export class RngEngine {
  private readonly monitor: HealthMonitor;
  private readonly now: () => Date;
  private opened = false;
  private closed = false;
  private latched?: RngFault;
  private lastStartUp?: RngStartUpRecord;
  private readonly counters: RngStats = {
    bytesServed: 0,
    providerCalls: 0,
    healthFailures: {},
    lastLatencyMs: null,
    lastCallAt: null,
  };

  constructor(
    readonly source: RandomSource,
    private readonly options: RngEngineOptions = {},
  ) {
    this.monitor = new HealthMonitor(options.parameters);
    this.now = options.now ?? (() => new Date());
  }

  /** Provider, certification and identity, read from the source (a PKCS#11 identity is complete once open). */
  get info(): RandomSourceInfo {
    return {
      provider: this.source.provider,
      certified: this.source.certified,
      identity: this.source.identity,
    };
  }

  get state(): RngState {
    if (this.closed) return 'closed';
    if (this.monitor.state === 'starting') return 'starting';
    if (this.latched !== undefined || this.monitor.state === 'failed') return 'failed';
    return this.monitor.state === 'healthy' ? 'healthy' : 'new';
  }

  /** The failure that latched the engine, while it is failed. */
  get fault(): RngFault | undefined {
    return this.latched;
  }

  get stats(): RngStats {
    return { ...this.counters, healthFailures: { ...this.counters.healthFailures } };
  }

  get startUpRecord(): RngStartUpRecord | undefined {
    return this.lastStartUp;
  }

  /**
   * Opens the provider and runs the start-up test. A provider that cannot be opened throws its
   * RngProviderError unchanged (wrong PIN, module missing, endpoint unreachable); a start-up test
   * that fails throws RngStartUpError. Either way the engine serves nothing.
   */
  async start(): Promise<StartUpResult> {
    if (this.opened || this.closed) throw new Error('the RNG engine was already started');
    try {
      await this.source.open();
    } catch (error) {
      this.latch(faultOf(error, this.now()), error);
      throw error;
    }
    this.opened = true;
    const result = await this.startUp();
    if (!result.passed) throw new RngStartUpError(this.latched!, result);
    return result;
  }

  /**
   * Runs the start-up test again: the only way out of a latched failure (SP 800-90B 4.3). The
   * result says whether the engine serves again; a failure keeps (or sets) the latch.
   */
  async selfTest(): Promise<StartUpResult> {
    if (!this.opened || this.closed) {
      throw new RngUnavailableError(this.state, this.latched, 'the RNG is not open: start it first');
    }
    return this.startUp();
  }

  /** Raw provider bytes that passed the continuous health tests; `calls` collects each provider request. */
  async read(count: number, calls?: RngCall[]): Promise<Buffer> {
    this.assertServing();
    if (count === 0) return Buffer.alloc(0);
    calls?.push({ bytes: count, at: this.now().toISOString() });
    let block: Buffer;
    try {
      block = await this.generate(count);
      this.monitor.inspect(block);
    } catch (error) {
      throw this.failed(error);
    }
    this.counters.bytesServed += count;
    return block;
  }

  /**
   * k winners from [0, n), exactly as a draw makes them: every byte comes through read(), so it
   * passed the health tests, and `calls` lists every provider request (also when this throws).
   */
  async select(request: RngSelectionRequest, calls: RngCall[] = []): Promise<Selection> {
    this.assertServing();
    const source = (count: number) => this.read(count, calls);
    try {
      return request.repeats
        ? await selectWithRepeats(request.k, request.n, source)
        : await selectDistinct(request.k, request.n, source);
    } catch (error) {
      if (error instanceof RngAttemptsExceededError) throw this.failed(error);
      throw error;
    }
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.source.close();
  }

  private async startUp(): Promise<StartUpResult> {
    const result = await this.monitor.startUp((count) => this.generate(count));
    const at = this.now();
    this.lastStartUp = {
      passed: result.passed,
      at: at.toISOString(),
      samplesTested: result.samplesTested,
      checks: result.selfTest.checks.map((check) => ({ name: check.name, passed: check.passed })),
      ...(result.failure ? { failure: result.failure.message } : {}),
    };
    if (result.passed) {
      this.latched = undefined;
    } else {
      this.latched = undefined; // a new start-up failure replaces whatever latched before
      this.latch(faultOf(result.failure, at), result.failure);
    }
    return result;
  }

  /** One timed provider request; checks the length, leaves latching to the caller. */
  private async generate(count: number): Promise<Buffer> {
    const started = process.hrtime.bigint();
    this.counters.providerCalls++;
    this.counters.lastCallAt = this.now().toISOString();
    let ok = false;
    try {
      const block = await this.source.generate(count);
      if (block.length !== count) {
        throw new RngProviderError(
          this.source.provider,
          'bad-response',
          `${this.source.provider}: ${block.length} bytes returned for a request of ${count}`,
        );
      }
      ok = true;
      return block;
    } finally {
      const seconds = Number(process.hrtime.bigint() - started) / 1e9;
      this.counters.lastLatencyMs = seconds * 1000;
      this.options.observer?.call?.({ bytes: count, seconds, ok });
    }
  }

  private assertServing(): void {
    const state = this.state;
    if (state === 'healthy') return;
    const why: Record<Exclude<RngState, 'healthy'>, string> = {
      new: 'the RNG has not passed its start-up test yet',
      starting: 'the RNG start-up test is running',
      failed: `the RNG is disabled since ${this.latched?.message ?? 'a health test failure'}`,
      closed: 'the RNG is closed',
    };
    throw new RngUnavailableError(state, this.latched, why[state]);
  }

  /** Latches the first failure and returns the error the caller sees. */
  private failed(error: unknown): RngUnavailableError {
    const alreadyLatched = error instanceof RngHealthError && error.latched && this.latched !== undefined;
    if (!alreadyLatched && this.latched === undefined) this.latch(faultOf(error, this.now()), error);
    return new RngUnavailableError('failed', this.latched, `RNG failure: ${this.latched!.message}`, error);
  }

  private latch(fault: RngFault, error: unknown): void {
    if (this.latched !== undefined) return;
    this.latched = fault;
    this.counters.healthFailures[fault.test] = (this.counters.healthFailures[fault.test] ?? 0) + 1;
    this.options.observer?.fault?.(fault, error);
  }
}
