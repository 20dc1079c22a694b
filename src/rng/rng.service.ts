import { createHash, randomUUID } from 'node:crypto';
import {
  Inject,
  Injectable,
  Logger,
  Optional,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { DomainException } from '../common/domain.exception.js';
import { AppConfig } from '../config/environment.js';
import { DatabaseService, type Tx } from '../database/database.service.js';
import { insideTransaction } from '../database/pglite-dialect.js';
import { ReadinessRegistry } from '../health/readiness.registry.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { LedgerService } from '../ledger/ledger.service.js';
import {
  replaySelectDistinct,
  replaySelectWithRepeats,
  type Selection,
  type StartUpResult,
} from './core/index.js';
import type { RngProviderName } from './providers/index.js';
import { drawRequestProblems, type RngDrawRequest } from './rng-draw-request.js';
import {
  RNG_ALGORITHM,
  RngEngine,
  type RngCall,
  type RngStartUpRecord,
  type RngState,
} from './rng-engine.js';
import { RngUnavailableError, type RngFault } from './rng-fault.js';
import { RngMetrics } from './rng-metrics.js';
import { describeRngSettings } from './rng-settings.js';
import {
  configuredRandomSource,
  RNG_SOURCE_FACTORY,
  type RandomSourceFactory,
} from './rng-source.factory.js';
import { RngRepository, type RngRequestRecord, type RngRequestRow } from './rng.repository.js';

export { RNG_ALGORITHM };

/** Journal subject of the RNG's own events (start, fault, self-test). */
export const RNG_SUBJECT = 'rng';

/** A readiness check draws a few bytes when the provider has been idle this long, so a dead HSM shows. */
const PROBE_IDLE_MS = 10_000;
const PROBE_BYTES = 32;

export interface RngInfo {
  provider: RngProviderName;
  certified: boolean;
  identity: string;
  state: RngState;
}

/** What a draw gets back, and what its journal entry should carry to be recomputable. */
export interface RngDrawResult {
  /** Id of the rng_request row and of the RNG_REQUEST journal entry's payload. */
  requestId: string;
  /** Selected positions in [0, n), first prize first. */
  values: number[];
  /** Lower-case hex of every byte consumed, rejected attempts included, in order. */
  bytes: string;
  byteCount: number;
  provider: RngProviderName;
  certified: boolean;
  identity: string;
  /** Every provider request made for this draw, in order; their byte counts add up to byteCount. */
  calls: RngCall[];
  algorithm: typeof RNG_ALGORITHM;
  k: number;
  n: number;
  repeats: boolean;
  /** UTC ISO-8601. */
  requestedAt: string;
}

/** Journal type of a draw's RNG request given up without a draw (docs/draws.md 11.1). */
export const RNG_REQUEST_ABANDONED = 'RNG_REQUEST_ABANDONED';

/**
 * What a draw's RNG request is for. The request commits before its draw (in a transaction of its
 * own), names the draw it is for in its RNG_REQUEST (`draw`: prizeId, drawId, replaces) and keeps its
 * bytes until that draw consumes them: a draw retried after a crash finds it by `key` and reuses it.
 */
export interface RngDrawBinding {
  /** The service's key of the draw: 'result:<prizeId>' or 'redraw:<drawId>:<ticket>'. */
  key: string;
  prizeId: string;
  /** The id the draw that consumes the request takes. */
  drawId: string;
  /** For a redraw: the draw and winner it replaces. */
  replaces: { drawId: string; ticket: number } | null;
}

/** A draw's request committed and not consumed yet: its bytes and the draw id reserved for it. */
export interface PendingDrawRequest extends RngDrawResult {
  drawId: string;
  subject: string;
}

export interface RngStatus extends RngInfo {
  bytesServed: number;
  providerCalls: number;
  healthFailures: number;
  healthFailuresByTest: Record<string, number>;
  lastLatencyMs: number | null;
  lastCallAt: string | null;
  fault: RngFault | null;
  startUp: RngStartUpRecord | null;
  allowUncertified: boolean;
}

export interface RngSelfTestOutcome {
  passed: boolean;
  state: RngState;
  startUp: RngStartUpRecord;
  /** The failure the self-test cleared, if the RNG was failed before. */
  recoveredFrom: RngFault | null;
}

/**
 * The RNG of the service: opens the configured provider at start (no fallback: a provider that
 * cannot open stops the start), runs the start-up test, then serves draws only through the
 * health-monitored engine. Every request for a draw is recorded (rng_request + RNG_REQUEST in
 * the caller's transaction); a failure stops the RNG, is journaled (RNG_FAULT), logged as
 * `rng_health_failure` and turns readiness red.
 */
@Injectable()
export class RngService implements OnModuleInit, OnModuleDestroy {
  private readonly logger = new Logger(RngService.name);
  private engine!: RngEngine;
  /** Records written in their own transactions, one after another (faults, refused requests). */
  private records: Promise<void> = Promise.resolve();

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly ledger: LedgerService,
    private readonly repository: RngRepository,
    private readonly metrics: RngMetrics,
    private readonly readiness: ReadinessRegistry,
    private readonly indicators: HealthIndicatorService,
    @Optional() @Inject(RNG_SOURCE_FACTORY) private readonly sourceOverride?: RandomSourceFactory,
  ) {}

  async onModuleInit(): Promise<void> {
    if (this.sourceOverride !== undefined && this.config.NODE_ENV === 'production') {
      throw new Error('an RNG source override is for tests only and is refused when NODE_ENV=production');
    }
    const source = (this.sourceOverride ?? configuredRandomSource)(this.config);
    this.engine = new RngEngine(source, {
      observer: {
        call: ({ seconds, ok }) =>
          this.metrics.generateSeconds.observe({ outcome: ok ? 'ok' : 'error' }, seconds),
        fault: (fault) => this.onFault(fault),
      },
    });
    this.metrics.certified.set(source.certified ? 1 : 0);
    this.metrics.healthy.set(0);
    this.readiness.register('rng', () => this.readinessCheck());
    this.announceCertification();

    try {
      await this.engine.start();
    } catch (error) {
      await this.records; // the RNG_FAULT of the failed start is journaled before the process stops
      const detail = error instanceof Error ? error.message : String(error);
      throw new Error(
        `RNG provider ${source.provider} (${source.identity}) could not start: ${detail}. ` +
          'No other source is used in its place; fix the provider configuration and restart.',
        { cause: error },
      );
    }
    this.metrics.healthy.set(1);
    const info = this.engine.info;
    this.logger.log(
      { event: 'rng_started', ...info, startUp: this.engine.startUpRecord },
      `RNG ${info.provider} started (${info.certified ? 'certified' : 'NOT certified'}): ${info.identity}`,
    );
    const queued = await this.database.transaction((trx) =>
      this.ledger.append(trx, {
        type: 'RNG_STARTED',
        subject: RNG_SUBJECT,
        payload: json({
          ...info,
          algorithm: RNG_ALGORITHM,
          settings: describeRngSettings(this.config),
          allowUncertified: this.config.RNG_ALLOW_UNCERTIFIED,
          sourceOverride: this.sourceOverride !== undefined,
          startUp: this.engine.startUpRecord,
        }),
      }),
    );
    // Integrated before the service takes requests, so the journal shows which RNG served it.
    await this.ledger.integrated(queued);
  }

  async onModuleDestroy(): Promise<void> {
    await this.records;
    await this.engine?.close();
  }

  info(): RngInfo {
    return { ...this.engine.info, state: this.engine.state };
  }

  status(): RngStatus {
    const stats = this.engine.stats;
    return {
      ...this.info(),
      bytesServed: stats.bytesServed,
      providerCalls: stats.providerCalls,
      healthFailures: Object.values(stats.healthFailures).reduce((sum, count) => sum + count, 0),
      healthFailuresByTest: stats.healthFailures,
      lastLatencyMs: stats.lastLatencyMs,
      lastCallAt: stats.lastCallAt,
      fault: this.engine.fault ?? null,
      startUp: this.engine.startUpRecord ?? null,
      allowUncertified: this.config.RNG_ALLOW_UNCERTIFIED,
    };
  }

  /**
   * Selects k positions from [0, n) for a draw and records the request: an rng_request row and an
   * RNG_REQUEST journal entry, in `trx` when given (so they commit with the draw), otherwise in a
   * transaction of their own. The returned bytes replay to the same values with
   * replaySelectDistinct / replaySelectWithRepeats (docs/rng.md section 3).
   *
   * Throws DomainException 400 INVALID_RNG_REQUEST for a bad request (nothing is drawn) and 503
   * RNG_UNAVAILABLE when the RNG is failed or fails during the draw (the failure is journaled as
   * RNG_FAULT in its own transaction, after `trx` ends).
   */
  async draw(request: RngDrawRequest, trx?: Tx, binding?: RngDrawBinding): Promise<RngDrawResult> {
    const problems = drawRequestProblems(request);
    if (problems.length > 0) {
      throw new DomainException(
        400,
        'INVALID_RNG_REQUEST',
        `invalid RNG request: ${problems.flatMap((p) => p.messages).join('; ')}`,
        problems,
      );
    }
    const { purpose, subject, k, n } = request;
    const repeats = request.repeats ?? false;
    const requestId = randomUUID();
    const requestedAt = new Date();
    const info = this.engine.info;
    const calls: RngCall[] = [];
    this.metrics.requests.inc({ purpose });

    let selection: Selection;
    try {
      selection = await this.engine.select({ k, n, repeats }, calls);
    } catch (error) {
      if (!(error instanceof RngUnavailableError)) throw error;
      const outcome = calls.length === 0 ? 'refused' : 'failed';
      this.logger.warn(
        { event: 'rng_request_refused', requestId, purpose, subject, outcome, state: error.state },
        `RNG request ${requestId} for ${subject} ${outcome}: ${error.message}`,
      );
      const recorded = this.record(`rng_request ${requestId}`, (db) =>
        this.repository.insertRequest(db, {
          id: requestId,
          purpose,
          subject,
          ...info,
          algorithm: RNG_ALGORITHM,
          k,
          n,
          repeats,
          byteCount: calls.reduce((sum, call) => sum + call.bytes, 0),
          calls,
          bytesSha256: null,
          outcome,
          detail: error.message,
          requestedAt,
        }),
      );
      // Inside a transaction the one PGlite connection is taken: the record follows after it.
      if (trx === undefined && !insideTransaction.getStore()) await recorded;
      throw new DomainException(503, 'RNG_UNAVAILABLE', `the RNG cannot serve draws: ${error.message}`);
    }

    const bytes = selection.bytesConsumed;
    const byteCount = calls.reduce((sum, call) => sum + call.bytes, 0);
    if (byteCount !== bytes.length) {
      throw new Error(`RNG accounting error: ${byteCount} bytes requested but ${bytes.length} consumed`);
    }
    this.metrics.bytes.inc(byteCount);
    const bytesSha256 = createHash('sha256').update(bytes).digest('hex');
    const record: RngRequestRecord = {
      id: requestId,
      purpose,
      subject,
      ...info,
      algorithm: RNG_ALGORITHM,
      k,
      n,
      repeats,
      byteCount,
      calls,
      bytesSha256,
      outcome: 'served',
      detail: null,
      requestedAt,
      drawKey: binding?.key ?? null,
      drawId: binding?.drawId ?? null,
      bytes: binding === undefined ? null : bytes.toString('hex'),
    };
    const save = async (db: Tx) => {
      await this.repository.insertRequest(db, record);
      await this.ledger.append(db, {
        type: 'RNG_REQUEST',
        subject,
        payload: json({
          requestId,
          purpose,
          subject,
          ...info,
          algorithm: RNG_ALGORITHM,
          k,
          n,
          repeats,
          byteCount,
          calls,
          bytesSha256,
          ...(binding === undefined
            ? {}
            : { draw: { prizeId: binding.prizeId, drawId: binding.drawId, replaces: binding.replaces } }),
        }),
      });
    };
    if (trx !== undefined) await save(trx);
    else await this.database.transaction(save);
    this.logger.log(
      { event: 'rng_request', requestId, purpose, subject, byteCount, calls: calls.length },
      `RNG request ${requestId}: ${k} of ${n} for ${subject}, ${byteCount} bytes in ${calls.length} call(s)`,
    );
    return {
      requestId,
      values: selection.values,
      bytes: bytes.toString('hex'),
      byteCount,
      ...info,
      calls,
      algorithm: RNG_ALGORITHM,
      k,
      n,
      repeats,
      requestedAt: requestedAt.toISOString(),
    };
  }

  /**
   * The committed request for this draw key that no draw consumed and none abandoned (a draw that
   * crashed after its request committed), with its bytes and the positions they select, read in `trx`.
   * The stored bytes must hash to the journaled `bytesSha256`; otherwise the draw stops (an Error).
   */
  async pendingDrawRequest(trx: Tx, subject: string, key: string): Promise<PendingDrawRequest | undefined> {
    const rows = await this.repository.unsettledDrawRequests(trx, subject, key);
    if (rows.length === 0) return undefined;
    if (rows.length > 1) {
      throw new Error(
        `RNG requests ${rows.map((r) => r.id).join(', ')} are all pending for ${subject} ${key}: at most one may be`,
      );
    }
    return pendingFromRow(rows[0]);
  }

  /** Marks a draw's request consumed by its draw, in the draw's transaction (at most once: a primary key). */
  async consume(trx: Tx, requestId: string, drawId: string): Promise<void> {
    await this.repository.insertSettlement(trx, {
      requestId,
      outcome: 'consumed',
      drawId,
      reason: null,
      settledAt: new Date(),
    });
  }

  /**
   * Gives up a pending request whose draw can no longer use it (its pool changed), in `trx`, and
   * journals RNG_REQUEST_ABANDONED with the reason; the verifier lists it.
   */
  async abandon(
    trx: Tx,
    pending: PendingDrawRequest,
    binding: Omit<RngDrawBinding, 'drawId' | 'key'>,
    reason: string,
  ): Promise<void> {
    const abandonedAt = new Date();
    await this.repository.insertSettlement(trx, {
      requestId: pending.requestId,
      outcome: 'abandoned',
      drawId: pending.drawId,
      reason,
      settledAt: abandonedAt,
    });
    const subject = pending.subject;
    await this.ledger.append(trx, {
      type: RNG_REQUEST_ABANDONED,
      subject,
      payload: json({
        requestId: pending.requestId,
        prizeId: binding.prizeId,
        drawId: pending.drawId,
        reason,
        abandonedAt: abandonedAt.toISOString(),
      }),
    });
    this.logger.warn(
      { event: 'rng_request_abandoned', requestId: pending.requestId, subject, reason },
      `RNG request ${pending.requestId} for ${subject} abandoned: ${reason}`,
    );
  }

  /**
   * Runs the start-up test again (the known-answer self-test and 1024 fresh samples). The only
   * way back from a failure short of a restart; journaled as RNG_SELF_TEST either way.
   */
  async selfTest(by: string): Promise<RngSelfTestOutcome> {
    const before = this.engine.fault ?? null;
    let result: StartUpResult;
    try {
      result = await this.engine.selfTest();
    } catch (error) {
      if (!(error instanceof RngUnavailableError)) throw error;
      throw new DomainException(503, 'RNG_UNAVAILABLE', error.message);
    }
    const startUp = this.engine.startUpRecord!;
    const info = this.info();
    this.metrics.healthy.set(info.state === 'healthy' ? 1 : 0);
    const recoveredFrom = result.passed ? before : null;
    if (recoveredFrom) {
      this.logger.warn(
        { event: 'rng_recovered', ...info, by, recoveredFrom },
        `RNG serves again after a passed self-test (was: ${recoveredFrom.message})`,
      );
    }
    await this.record('RNG_SELF_TEST', (trx) =>
      this.ledger
        .append(trx, {
          type: 'RNG_SELF_TEST',
          subject: RNG_SUBJECT,
          payload: json({ ...info, passed: result.passed, by, startUp, recoveredFrom }),
        })
        .then(() => undefined),
    );
    return { passed: result.passed, state: info.state, startUp, recoveredFrom };
  }

  /** Waits for the records written in their own transactions (RNG_FAULT, failed requests). */
  flushRecords(): Promise<void> {
    return this.records;
  }

  private onFault(fault: RngFault): void {
    const info = this.engine.info;
    this.metrics.healthy.set(0);
    this.metrics.healthFailures.inc({ test: fault.test });
    // The CloudWatch alarm (deploy/lib/constructs/alarms.ts) filters on this event name.
    this.logger.error(
      { event: 'rng_health_failure', ...info, fault },
      `RNG stopped serving (${fault.kind} ${fault.reason}): ${fault.message}`,
    );
    void this.record('RNG_FAULT', (trx) =>
      this.ledger
        .append(trx, { type: 'RNG_FAULT', subject: RNG_SUBJECT, payload: json({ ...info, fault }) })
        .then(() => undefined),
    );
  }

  /**
   * Writes in a transaction of its own, after the records before it. It runs outside the
   * caller's transaction context, so a fault raised inside a draw's transaction is still journaled
   * (on PGlite once that transaction has released the connection).
   */
  private record(what: string, work: (trx: Tx) => Promise<void>): Promise<void> {
    const run = () => insideTransaction.exit(() => this.database.transaction(work));
    this.records = this.records.then(run).catch((error: unknown) => {
      this.logger.error({ event: 'rng_record_failed', err: error }, `could not record ${what}`);
    });
    return this.records;
  }

  private async readinessCheck() {
    const probeDue =
      this.engine.state === 'healthy' &&
      Date.now() - Date.parse(this.engine.stats.lastCallAt ?? '1970-01-01T00:00:00Z') > PROBE_IDLE_MS;
    if (probeDue) {
      // A failure latches the engine (and is journaled); the check below then reports it.
      await this.engine.read(PROBE_BYTES).catch(() => undefined);
    }
    const status = this.status();
    const data = {
      provider: status.provider,
      certified: status.certified,
      identity: status.identity,
      state: status.state,
      bytesServed: status.bytesServed,
      healthFailures: status.healthFailures,
      ...(status.fault ? { fault: `${status.fault.reason}: ${status.fault.message}` } : {}),
    };
    const indicator = this.indicators.check('rng');
    return status.state === 'healthy' ? indicator.up(data) : indicator.down(data);
  }

  private announceCertification(): void {
    const { provider, certified, identity } = this.engine.info;
    if (certified) return;
    const production = this.config.NODE_ENV === 'production';
    this.logger.warn(
      {
        event: production ? 'rng_uncertified_allowed' : 'rng_not_certified',
        provider,
        identity,
        allowUncertified: this.config.RNG_ALLOW_UNCERTIFIED,
      },
      production
        ? `RNG ${provider} is NOT certified and runs in production only because RNG_ALLOW_UNCERTIFIED=true`
        : `RNG ${provider} is NOT certified: for development and tests only`,
    );
    if (this.sourceOverride !== undefined) {
      this.logger.warn({ event: 'rng_source_override', provider, identity }, 'RNG source overridden (tests)');
    }
  }
}

function pendingFromRow(row: RngRequestRow): PendingDrawRequest {
  const bytes = Buffer.from(row.bytes ?? '', 'hex');
  const digest = createHash('sha256').update(bytes).digest('hex');
  if (
    row.bytes === null ||
    row.draw_id === null ||
    bytes.length !== row.byte_count ||
    digest !== row.bytes_sha256
  ) {
    throw new Error(
      `the stored bytes of RNG request ${row.id} are not the ${row.byte_count} bytes its RNG_REQUEST hashes: the draw stops`,
    );
  }
  const k = Number(row.k);
  const n = Number(row.n);
  const replay = row.repeats ? replaySelectWithRepeats(k, n, bytes) : replaySelectDistinct(k, n, bytes);
  return {
    requestId: row.id,
    drawId: row.draw_id,
    subject: row.subject,
    values: replay.values,
    bytes: row.bytes,
    byteCount: row.byte_count,
    provider: row.provider as RngProviderName,
    certified: row.certified,
    identity: row.identity,
    calls: row.calls,
    algorithm: RNG_ALGORITHM,
    k,
    n,
    repeats: row.repeats,
    requestedAt: row.requested_at.toISOString(),
  };
}

/** A payload as the journal takes it (undefined fields dropped, everything else plain JSON). */
function json(value: Record<string, unknown>): JsonObject {
  return JSON.parse(JSON.stringify(value)) as JsonObject;
}
