import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
  type OnModuleInit,
} from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AuditService } from '../audit/audit.service.js';
import { SIGNIFICANT_EVENT_TYPES, SYSTEM, type SignificantEvent } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import { SERVICE_VERSION } from '../common/service-version.js';
import { AppConfig } from '../config/environment.js';
import { ReadinessRegistry } from '../health/readiness.registry.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { computeCodeDigest, type CodeKind } from './code-digest.js';
import { IntegrityMetrics } from './integrity-metrics.js';
import { runningCode } from './running-code.js';

/**
 * PENDING before the first check; MATCH: the digest equals CERTIFIED_CODE_DIGEST; UNVERIFIED: no
 * certified digest is configured (development); MISMATCH: it differs; ERROR: the code could not
 * be hashed. MISMATCH and ERROR stop draws and turn readiness red.
 */
export type SoftwareState = 'PENDING' | 'MATCH' | 'UNVERIFIED' | 'MISMATCH' | 'ERROR';
export type SoftwareCheckTrigger = 'start-up' | 'schedule' | 'on-demand' | 'pre-draw';

export interface SoftwareIntegrityStatus {
  name: 'fairdraw';
  version: string;
  state: SoftwareState;
  /** `build` (dist/) or `source` (TypeScript run directly, e.g. in tests: never the certified build). */
  kind: CodeKind | null;
  /** SHA-256 of the code manifest (docs/audit.md). */
  digest: string | null;
  files: number | null;
  certifiedDigest: string | null;
  /** Null when there is nothing to compare with. */
  match: boolean | null;
  drawsAllowed: boolean;
  trigger: SoftwareCheckTrigger | null;
  /** UTC ISO-8601. */
  checkedAt: string | null;
  error: string | null;
}

/** Who asked for an on-demand check. */
export interface CheckRequester {
  actor: SignificantEvent['actor'];
  source?: string | null;
  requestId?: string | null;
}

/**
 * Authenticates the running code (GLI31 SWI-1..SWI-4, DRAW-4): hashes it at start-up, on a
 * schedule, on demand and right before every draw, compares the digest with the certified one,
 * and journals every result (SOFTWARE_INTEGRITY_CHECKED, plus SOFTWARE_INTEGRITY_FAILED on a
 * failure, which is also logged as `software_integrity_failed`).
 */
@Injectable()
export class SoftwareIntegrityService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('SoftwareIntegrity');
  private current: SoftwareIntegrityStatus;
  private latestManifest: string | null = null;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly audit: AuditService,
    private readonly readiness: ReadinessRegistry,
    private readonly indicators: HealthIndicatorService,
    private readonly metrics: IntegrityMetrics,
  ) {
    this.current = {
      name: 'fairdraw',
      version: SERVICE_VERSION,
      state: 'PENDING',
      kind: null,
      digest: null,
      files: null,
      certifiedDigest: config.CERTIFIED_CODE_DIGEST ?? null,
      match: null,
      drawsAllowed: false,
      trigger: null,
      checkedAt: null,
      error: null,
    };
  }

  onModuleInit(): void {
    this.readiness.register('software', async () => this.readinessCheck());
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.check('start-up');
    if (this.config.CERTIFIED_CODE_DIGEST === undefined) {
      this.logger.warn(
        { event: 'software_not_certified', digest: this.current.digest, kind: this.current.kind },
        'CERTIFIED_CODE_DIGEST is not set: the running code is hashed and journaled but compared with nothing',
      );
    }
    const interval = this.config.INTEGRITY_SOFTWARE_INTERVAL_SECONDS;
    if (interval > 0) {
      this.timer = setInterval(() => void this.check('schedule'), interval * 1000);
      this.timer.unref();
    }
  }

  onModuleDestroy(): void {
    clearInterval(this.timer);
  }

  /** The latest check's result. */
  status(): SoftwareIntegrityStatus {
    return { ...this.current };
  }

  /** The latest check's result as journal payload (for SERVICE_STARTED). */
  facts(): JsonObject {
    const { name: _name, version: _version, ...facts } = this.current;
    return facts;
  }

  /** The manifest the latest digest was computed from (one `sha256sum` line per file). */
  manifest(): string | null {
    return this.latestManifest;
  }

  /** Hashes the running code now, journals the result and returns it. */
  async check(trigger: SoftwareCheckTrigger, by?: CheckRequester, drawSubject?: string) {
    return (await this.run(trigger, by, drawSubject)).status;
  }

  /**
   * For the draws module, right before every draw: re-checks the code and throws 503
   * SOFTWARE_NOT_CERTIFIED when it differs from the certified digest or cannot be hashed (or
   * SOFTWARE_CHECK_NOT_RECORDED when the check could not be journaled). Returns the status for
   * the draw's own record (a draw on UNVERIFIED code is allowed and says so).
   */
  async assertDrawsAllowed(draw: { subject?: string } = {}): Promise<SoftwareIntegrityStatus> {
    const { status, recorded } = await this.run('pre-draw', undefined, draw.subject);
    if (!status.drawsAllowed) {
      throw new DomainException(
        503,
        'SOFTWARE_NOT_CERTIFIED',
        status.state === 'MISMATCH'
          ? `Draws are stopped: the running code (SHA-256 ${status.digest}) is not the certified build (${status.certifiedDigest})`
          : `Draws are stopped: the running code could not be authenticated (${status.error ?? status.state})`,
      );
    }
    if (!recorded) {
      throw new DomainException(
        503,
        'SOFTWARE_CHECK_NOT_RECORDED',
        'Draws are stopped: the software check before the draw could not be journaled',
      );
    }
    return status;
  }

  private async run(
    trigger: SoftwareCheckTrigger,
    by: CheckRequester | undefined,
    drawSubject: string | undefined,
  ): Promise<{ status: SoftwareIntegrityStatus; recorded: boolean }> {
    const started = Date.now();
    const certifiedDigest = this.config.CERTIFIED_CODE_DIGEST ?? null;
    const base = { name: 'fairdraw' as const, version: SERVICE_VERSION, certifiedDigest, trigger };
    let status: SoftwareIntegrityStatus;
    try {
      const code = runningCode();
      const result = await computeCodeDigest(code.root, code.kind);
      const match = certifiedDigest === null ? null : result.digest === certifiedDigest;
      const state: SoftwareState = match === null ? 'UNVERIFIED' : match ? 'MATCH' : 'MISMATCH';
      status = {
        ...base,
        state,
        kind: result.kind,
        digest: result.digest,
        files: result.files,
        match,
        drawsAllowed: state !== 'MISMATCH',
        checkedAt: new Date().toISOString(),
        error: null,
      };
      this.latestManifest = result.manifest;
    } catch (error) {
      status = {
        ...base,
        state: 'ERROR',
        kind: null,
        digest: null,
        files: null,
        match: null,
        drawsAllowed: false,
        checkedAt: new Date().toISOString(),
        error: error instanceof Error ? error.message : String(error),
      };
    }
    this.current = status;
    this.report(status);
    const recorded = await this.journal(status, Date.now() - started, by, drawSubject);
    return { status, recorded };
  }

  private report(status: SoftwareIntegrityStatus): void {
    const ok = status.drawsAllowed;
    this.metrics.softwareOk.set(ok ? 1 : 0);
    this.metrics.softwareLastCheck.set(Date.parse(status.checkedAt!) / 1000);
    this.metrics.softwareInfo.reset();
    this.metrics.softwareInfo.set(
      {
        version: status.version,
        kind: status.kind ?? 'none',
        digest: status.digest ?? 'none',
        state: status.state,
      },
      1,
    );
    const fields = {
      trigger: status.trigger,
      state: status.state,
      kind: status.kind,
      digest: status.digest,
      certifiedDigest: status.certifiedDigest,
      error: status.error,
    };
    if (ok) this.logger.log({ event: 'software_integrity_checked', ...fields }, `software ${status.state}`);
    else {
      this.logger.error(
        { event: 'software_integrity_failed', ...fields },
        `software integrity check failed (${status.state}): draws are stopped`,
      );
    }
  }

  /** Journals the result; false (and logged) when that failed. */
  private async journal(
    status: SoftwareIntegrityStatus,
    durationMs: number,
    by: CheckRequester | undefined,
    drawSubject: string | undefined,
  ): Promise<boolean> {
    const outcome = status.drawsAllowed ? 'success' : 'failure';
    const common = {
      subject: 'software',
      actor: by?.actor ?? SYSTEM,
      outcome,
      component: 'integrity',
      source: by?.source ?? null,
      requestId: by?.requestId ?? null,
    } as const;
    const details = {
      trigger: status.trigger,
      state: status.state,
      version: status.version,
      kind: status.kind,
      digest: status.digest,
      files: status.files,
      certifiedDigest: status.certifiedDigest,
      match: status.match,
      drawsAllowed: status.drawsAllowed,
      durationMs,
      error: status.error,
      drawSubject: drawSubject ?? null,
    };
    const events: SignificantEvent[] = [
      { ...common, type: SIGNIFICANT_EVENT_TYPES.SOFTWARE_INTEGRITY_CHECKED, details },
    ];
    if (!status.drawsAllowed) {
      events.push({
        ...common,
        type: SIGNIFICANT_EVENT_TYPES.SOFTWARE_INTEGRITY_FAILED,
        details: { ...details, consequence: 'draws stopped; readiness check "software" down' },
      });
    }
    let queued;
    try {
      queued = await this.audit.recordAll(events);
    } catch (error) {
      this.logger.error(
        { event: 'software_integrity_not_journaled', err: error, state: status.state },
        'the software integrity result could not be journaled',
      );
      return false;
    }
    // Committed is recorded; the wait only puts the entry in the journal before what follows.
    await this.audit.integrated(queued).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'the software integrity result is not integrated yet');
    });
    return true;
  }

  private readinessCheck() {
    const status = this.current;
    const indicator = this.indicators.check('software');
    const data = {
      state: status.state,
      kind: status.kind,
      digest: status.digest,
      certifiedDigest: status.certifiedDigest,
      checkedAt: status.checkedAt,
      ...(status.error ? { error: status.error } : {}),
    };
    return status.drawsAllowed ? indicator.up(data) : indicator.down(data);
  }
}
