import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { assertByteCount } from '../byte-count.js';
import { assertOpen, type LifecycleState } from '../lifecycle.js';
import { RngProviderError, type RandomSource } from '../random-source.js';
import { CryptokiLibrary } from './cryptoki-library.js';
import { describeFailure, isRecoverable } from './pkcs11-errors.js';
import { SessionPool } from './session-pool.js';
import { connectToken } from './token-connection.js';
import { pkcs11Uri, type TokenIdentity } from './token-identity.js';

/**
 * pkcs11js calls are synchronous and block the event loop, so large requests are split and the
 * loop gets a turn between chunks. 64 KiB takes about 16 µs on SoftHSM; an HSM round trip more.
 */
export const PKCS11_CHUNK_BYTES = 64 * 1024;

export interface Pkcs11RandomSourceOptions {
  /** CloudHSM Client SDK 5: /opt/cloudhsm/lib/libcloudhsm_pkcs11.so; SoftHSM2: /usr/lib/softhsm/libsofthsm2.so */
  modulePath: string;
  /** Finds the slot by token label (CloudHSM SDK 5 names its token 'hsm1'). Label, slot or both. */
  tokenLabel?: string;
  slot?: number;
  /** CKU_USER PIN; for CloudHSM '<crypto user name>:<password>'. Never logged or put in messages. */
  pin: string;
  /** Sessions opened and logged in, i.e. generate calls served at once. Default 2. */
  poolSize?: number;
  /** How long a generate call waits for a free session before failing. Default 5000 ms. */
  timeoutMs?: number;
}

export interface Pkcs11SourceStatus {
  state: LifecycleState | 'faulted';
  poolSize: number;
  idle: number;
  inUse: number;
  waiting: number;
  /** Attempts to re-initialise after faults since open(). */
  reconnects: number;
  lastFault?: string;
}

interface PooledSession {
  handle: Buffer;
  /** Connection the session belongs to; a re-initialisation makes older sessions stale. */
  epoch: number;
}

/** Raised inside generate when a session was invalidated by another caller's reconnect. */
class StaleSession extends Error {}

/**
 * Random bytes from a PKCS#11 token via C_GenerateRandom: AWS CloudHSM in production, SoftHSM2
 * in tests. There is no fallback: when the token cannot be reached again, generate throws.
 */
export class Pkcs11RandomSource implements RandomSource {
  readonly provider = 'pkcs11' as const;
  readonly certified = true;
  private readonly poolSize: number;
  private readonly pool: SessionPool<PooledSession>;
  private state: LifecycleState = 'new';
  private library: CryptokiLibrary | undefined;
  private libraryGeneration = 0;
  private token: TokenIdentity | undefined;
  private sessions: PooledSession[] = [];
  private epoch = 0;
  private fault: RngProviderError | undefined;
  private reconnects = 0;

  constructor(private readonly options: Pkcs11RandomSourceOptions) {
    this.poolSize = options.poolSize ?? 2;
    const timeoutMs = options.timeoutMs ?? 5000;
    const invalid = (detail: string) => new RngProviderError('pkcs11', 'invalid-config', `pkcs11: ${detail}`);
    if (options.tokenLabel === undefined && options.slot === undefined)
      throw invalid('set tokenLabel or slot');
    if (!Number.isSafeInteger(this.poolSize) || this.poolSize < 1)
      throw invalid('poolSize must be at least 1');
    if (!(timeoutMs > 0)) throw invalid('timeoutMs must be positive');
    this.pool = new SessionPool<PooledSession>(
      timeoutMs,
      () =>
        new RngProviderError(
          'pkcs11',
          'session-timeout',
          `no PKCS#11 session became free within ${timeoutMs} ms (pool of ${this.poolSize})`,
        ),
    );
  }

  /** An RFC 7512 URI of the token and library once open; before that, only what was configured. */
  get identity(): string {
    if (this.token !== undefined) return pkcs11Uri(this.token);
    const { tokenLabel, slot } = this.options;
    return `pkcs11:${tokenLabel !== undefined ? `token=${encodeURIComponent(tokenLabel)}` : `slot-id=${slot}`}`;
  }

  get tokenIdentity(): TokenIdentity | undefined {
    return this.token;
  }

  status(): Pkcs11SourceStatus {
    return {
      state: this.state === 'open' && this.fault !== undefined ? 'faulted' : this.state,
      poolSize: this.poolSize,
      idle: this.pool.idleCount,
      inUse: this.sessions.length - this.pool.idleCount,
      waiting: this.pool.waitingCount,
      reconnects: this.reconnects,
      lastFault: this.fault?.message,
    };
  }

  async open(): Promise<void> {
    if (this.state === 'closed') assertOpen(this.provider, this.state);
    if (this.state === 'open') return;
    const library = CryptokiLibrary.acquire(this.options.modulePath);
    try {
      try {
        this.connect(library);
      } catch (error) {
        // The module may have been reset under an earlier user in this process: one fresh start.
        if (!(error instanceof RngProviderError && isRecoverable(error.cause))) throw error;
        library.reinitialise(library.generation);
        this.connect(library);
      }
    } catch (error) {
      library.release();
      throw error;
    }
    this.library = library;
    this.state = 'open';
  }

  async generate(bytes: number): Promise<Buffer> {
    assertByteCount(this.provider, bytes);
    assertOpen(this.provider, this.state);
    if (bytes === 0) return Buffer.alloc(0);
    if (this.fault !== undefined) this.reconnect();
    const output = Buffer.alloc(bytes);
    let session: PooledSession | undefined = await this.lease();
    let retried = false;
    try {
      for (let offset = 0; offset < bytes;) {
        const end = Math.min(offset + PKCS11_CHUNK_BYTES, bytes);
        try {
          this.fill(session, output.subarray(offset, end));
          offset = end;
        } catch (error) {
          if (retried || !(error instanceof StaleSession || isRecoverable(error)))
            throw this.failure(error, retried);
          retried = true;
          const failedEpoch: number = session.epoch;
          this.giveBack(session);
          session = undefined;
          if (failedEpoch === this.epoch || this.fault !== undefined) this.reconnect();
          session = await this.lease();
          continue;
        }
        if (offset < bytes) {
          await yieldToEventLoop();
          assertOpen(this.provider, this.state);
        }
      }
      return output;
    } finally {
      if (session !== undefined) this.giveBack(session);
    }
  }

  async close(): Promise<void> {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.epoch++;
    this.pool.failWaiters(new RngProviderError('pkcs11', 'closed', 'pkcs11: the random source was closed'));
    this.pool.drain();
    const library = this.library;
    this.library = undefined;
    if (library === undefined) return;
    // Closing our own sessions (not C_CloseAllSessions, not C_Logout) leaves any other user of
    // the token in this process alone; the login ends with the last session. After another
    // user re-initialised the module our handles are dead and their numbers may be reused.
    const handlesStillOurs = library.generation === this.libraryGeneration;
    for (const session of handlesStillOurs ? this.sessions : []) {
      try {
        library.api.C_CloseSession(session.handle);
      } catch {
        // Already gone with a fault; nothing to release.
      }
    }
    this.sessions = [];
    library.release();
  }

  private connect(library: CryptokiLibrary): void {
    this.libraryGeneration = library.generation;
    const connection = connectToken(library.api, this.options, this.poolSize, this.token);
    this.token = connection.identity;
    this.epoch++;
    this.sessions = connection.sessions.map((handle) => ({ handle, epoch: this.epoch }));
    for (const session of this.sessions) this.pool.release(session);
  }

  /** Close, re-initialise the module, find the same token, log in again; or record the fault and throw. */
  private reconnect(): void {
    const library = this.library;
    if (library === undefined) return assertOpen(this.provider, 'closed');
    this.reconnects++;
    this.epoch++;
    this.pool.drain();
    this.sessions = [];
    try {
      library.reinitialise(this.libraryGeneration);
      this.connect(library);
      this.fault = undefined;
    } catch (error) {
      this.fault =
        error instanceof RngProviderError
          ? error
          : new RngProviderError(
              'pkcs11',
              'device-fault',
              `re-initialising PKCS#11 failed: ${describeFailure(error)}`,
              {
                cause: error,
              },
            );
      this.pool.failWaiters(this.fault);
      throw this.fault;
    }
  }

  private async lease(): Promise<PooledSession> {
    assertOpen(this.provider, this.state);
    return this.pool.acquire();
  }

  private giveBack(session: PooledSession): void {
    if (this.state === 'open' && session.epoch === this.epoch) this.pool.release(session);
  }

  private fill(session: PooledSession, target: Buffer): void {
    // After a reconnect (ours, or another source's on the same module) the old handle number
    // may already belong to a new session, perhaps on another token: never call with it.
    const library = this.library;
    const stale = session.epoch !== this.epoch || library?.generation !== this.libraryGeneration;
    if (stale || library === undefined) throw new StaleSession();
    const filled = library.api.C_GenerateRandom(session.handle, target);
    if (filled.length !== target.length) {
      throw new RngProviderError(
        'pkcs11',
        'bad-response',
        `C_GenerateRandom returned ${filled.length} bytes for ${target.length}`,
      );
    }
    if (filled.buffer !== target.buffer || filled.byteOffset !== target.byteOffset) filled.copy(target);
  }

  private failure(error: unknown, retried: boolean): RngProviderError {
    if (error instanceof RngProviderError) return error;
    const token = this.token?.label ?? this.options.tokenLabel ?? `slot ${this.options.slot}`;
    if (retried) {
      return new RngProviderError(
        'pkcs11',
        'device-fault',
        `C_GenerateRandom on token '${token}' failed again after re-initialising the module: ${describeFailure(error)}`,
        { cause: error },
      );
    }
    return new RngProviderError(
      'pkcs11',
      'generate-failed',
      `C_GenerateRandom on token '${token}' failed: ${describeFailure(error)}`,
      { cause: error },
    );
  }
}
