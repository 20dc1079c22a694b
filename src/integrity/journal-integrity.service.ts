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
import { AppConfig } from '../config/environment.js';
import { DatabaseService } from '../database/database.service.js';
import { ReadinessRegistry } from '../health/readiness.registry.js';
import type { JournalProblem } from '../ledger/core/verify-journal.js';
import { LedgerIntegrity, type IntegrityReport } from '../ledger/ledger-integrity.js';
import { IntegrityMetrics } from './integrity-metrics.js';
import { IntegrityRepository, type JournalCheckRow } from './integrity.repository.js';
import type { CheckRequester } from './software-integrity.service.js';

export type JournalCheckTrigger = 'schedule' | 'on-demand';

/** Problems kept in a result (and in its journal entry); the rest are counted. */
const PROBLEMS_KEPT = 20;
/** A scheduled check is skipped when any replica completed one within this share of the interval. */
const RECENT_SHARE = 0.9;

/** One completed re-verification of the whole journal. */
export interface JournalCheckResult {
  ok: boolean;
  trigger: JournalCheckTrigger;
  /** UTC ISO-8601. */
  startedAt: string;
  finishedAt: string;
  durationMs: number;
  /** bootId of the replica that ran it. */
  instance: string;
  /** Entries verified, and the Merkle tree they rebuild. */
  entries: number;
  treeSize: number;
  rootHash: string;
  /** What the database's own ledger state claims. */
  claimedTreeSize: number;
  claimedRootHash: string;
  /** Checkpoints anchored outside the database that were compared, by outcome. */
  anchoredCheckpoints: number;
  checkpoints: Record<string, number>;
  /** The first entry found wrong, if any. */
  firstBadSeq: number | null;
  problemCount: number;
  problems: JournalProblem[];
}

export interface JournalCheckOutcome {
  result: JournalCheckResult;
  /** Sequence number of the INTEGRITY_CHECK entry that records it. */
  journalSeq: number | null;
}

/**
 * Re-verifies the whole journal (GLI31 LOG-7, DATA-1, SWI-3) on a schedule and on demand, one
 * replica at a time, with LedgerIntegrity (the offline verifier's code). Every completed check is
 * journaled (INTEGRITY_CHECK) and kept as the latest result shared by all replicas; a failure adds
 * INTEGRITY_CHECK_FAILED, is logged as `integrity_check_failed`, turns readiness check
 * `journal-integrity` red on every replica and sets `fairdraw_journal_integrity_ok` to 0 until a
 * later check passes.
 */
@Injectable()
export class JournalIntegrityService implements OnModuleInit, OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('JournalIntegrity');
  private running?: Promise<JournalCheckOutcome | undefined>;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly ledgerIntegrity: LedgerIntegrity,
    private readonly audit: AuditService,
    private readonly repository: IntegrityRepository,
    private readonly readiness: ReadinessRegistry,
    private readonly indicators: HealthIndicatorService,
    private readonly metrics: IntegrityMetrics,
  ) {}

  onModuleInit(): void {
    this.readiness.register('journal-integrity', () => this.readinessCheck());
    this.metrics.beforeScrape = () => this.refreshMetrics();
  }

  onApplicationBootstrap(): void {
    const interval = this.config.INTEGRITY_JOURNAL_INTERVAL_SECONDS;
    if (interval > 0) {
      this.timer = setInterval(() => void this.checkOnSchedule(), interval * 1000);
      this.timer.unref();
    }
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.timer);
    // A check under way finishes and is journaled before the service journals its stop.
    await this.running?.catch(() => undefined);
  }

  /** The latest completed check of any replica, or null before the first. */
  async latest(): Promise<JournalCheckResult | null> {
    const row = await this.repository.lastJournalCheck();
    return row ? (JSON.parse(row.report) as JournalCheckResult) : null;
  }

  /**
   * Re-verifies the journal now (on demand). A check already running in this process is shared;
   * one running on another replica gives 409 INTEGRITY_CHECK_RUNNING.
   */
  async checkNow(by: CheckRequester): Promise<JournalCheckOutcome> {
    const outcome = await this.check('on-demand', by);
    if (!outcome) {
      throw new DomainException(
        409,
        'INTEGRITY_CHECK_RUNNING',
        'Another replica is re-verifying the journal right now; its result will be at GET /v1/integrity/journal',
      );
    }
    return outcome;
  }

  /** Undefined when the check did not run here (another replica is checking, or checked recently). */
  async check(trigger: JournalCheckTrigger, by?: CheckRequester): Promise<JournalCheckOutcome | undefined> {
    // One check at a time in this process: a caller arriving meanwhile takes its result.
    while (this.running) {
      const shared = await this.running.catch(() => undefined);
      if (shared || trigger === 'schedule') return shared;
    }
    const run = this.repository
      .withJournalCheckLock(() => this.runLocked(trigger, by))
      .then((locked) => (locked.ran ? locked.value : undefined));
    this.running = run;
    try {
      return await run;
    } catch (error) {
      this.metrics.journalCheckErrors.inc();
      throw error;
    } finally {
      if (this.running === run) this.running = undefined;
    }
  }

  private async checkOnSchedule(): Promise<void> {
    try {
      await this.check('schedule');
    } catch (error) {
      this.logger.error(
        { event: 'integrity_check_error', err: error },
        'the scheduled journal check could not complete; it will be retried',
      );
    }
  }

  private async runLocked(
    trigger: JournalCheckTrigger,
    by: CheckRequester | undefined,
  ): Promise<JournalCheckOutcome | undefined> {
    if (trigger === 'schedule') {
      const last = await this.repository.lastJournalCheck();
      const recent = this.config.INTEGRITY_JOURNAL_INTERVAL_SECONDS * 1000 * RECENT_SHARE;
      if (last && Date.now() - last.finished_at.getTime() < recent) return undefined;
    }
    const startedAt = new Date();
    let report: IntegrityReport;
    try {
      report = await this.ledgerIntegrity.verify();
    } catch (error) {
      // No verdict: the journal could not be read in full (database, anchor store). Journaled as such.
      await this.journalError(trigger, by, startedAt, error).catch(() => undefined);
      throw error;
    }
    const finishedAt = new Date();
    const result = summarise(report, trigger, startedAt, finishedAt, this.audit.instance.bootId);
    const row: JournalCheckRow = {
      started_at: startedAt,
      finished_at: finishedAt,
      ok: result.ok,
      trigger,
      instance: result.instance,
      report: JSON.stringify(result),
    };
    const queued = await this.database.transaction(async (trx) => {
      await this.repository.saveJournalCheck(trx, row);
      return this.audit.recordAll(this.events(result, by), trx);
    });
    this.applyMetrics(result);
    if (result.ok) {
      this.logger.log(
        { event: 'integrity_check_passed', treeSize: result.treeSize, durationMs: result.durationMs },
        `journal verified: ${result.treeSize} entries`,
      );
    } else {
      this.logger.error(
        {
          event: 'integrity_check_failed',
          trigger,
          firstBadSeq: result.firstBadSeq,
          problemCount: result.problemCount,
          problems: result.problems.slice(0, 5),
        },
        `journal integrity check FAILED at entry ${result.firstBadSeq ?? '?'}: ${result.problems[0]?.message ?? ''}`,
      );
    }
    const [journalSeq] = await this.audit.integrated(queued).catch(() => [null]);
    return { result, journalSeq: journalSeq ?? null };
  }

  private events(result: JournalCheckResult, by: CheckRequester | undefined): SignificantEvent[] {
    const common = {
      subject: 'journal',
      actor: by?.actor ?? SYSTEM,
      outcome: result.ok ? 'success' : 'failure',
      component: 'integrity',
      source: by?.source ?? null,
      requestId: by?.requestId ?? null,
    } as const;
    const details = {
      trigger: result.trigger,
      ok: result.ok,
      entries: result.entries,
      treeSize: result.treeSize,
      rootHash: result.rootHash,
      claimedTreeSize: result.claimedTreeSize,
      claimedRootHash: result.claimedRootHash,
      anchoredCheckpoints: result.anchoredCheckpoints,
      checkpoints: result.checkpoints,
      firstBadSeq: result.firstBadSeq,
      problemCount: result.problemCount,
      problems: result.problems.map((problem) => ({ ...problem })),
      startedAt: result.startedAt,
      durationMs: result.durationMs,
    };
    const events: SignificantEvent[] = [
      { ...common, type: SIGNIFICANT_EVENT_TYPES.INTEGRITY_CHECK, details },
    ];
    if (!result.ok) {
      events.push({
        ...common,
        type: SIGNIFICANT_EVENT_TYPES.INTEGRITY_CHECK_FAILED,
        details: {
          ...details,
          consequence: 'readiness check "journal-integrity" down until a later check passes',
        },
      });
    }
    return events;
  }

  private async journalError(
    trigger: JournalCheckTrigger,
    by: CheckRequester | undefined,
    startedAt: Date,
    error: unknown,
  ): Promise<void> {
    await this.audit.record({
      type: SIGNIFICANT_EVENT_TYPES.INTEGRITY_CHECK,
      subject: 'journal',
      actor: by?.actor ?? SYSTEM,
      outcome: 'failure',
      component: 'integrity',
      source: by?.source ?? null,
      requestId: by?.requestId ?? null,
      details: {
        trigger,
        ok: null,
        error: error instanceof Error ? error.message : String(error),
        startedAt: startedAt.toISOString(),
        durationMs: Date.now() - startedAt.getTime(),
      },
    });
  }

  private applyMetrics(result: JournalCheckResult): void {
    this.metrics.journalOk.set(result.ok ? 1 : 0);
    this.metrics.journalLastCheck.set(Date.parse(result.finishedAt) / 1000);
    this.metrics.journalLastDuration.set(result.durationMs / 1000);
  }

  /** Before a scrape: the latest result of any replica. A database error keeps the last values. */
  private async refreshMetrics(): Promise<void> {
    try {
      const latest = await this.latest();
      if (latest) this.applyMetrics(latest);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not read the latest journal check for the metrics');
    }
  }

  private async readinessCheck() {
    const indicator = this.indicators.check('journal-integrity');
    let latest: JournalCheckResult | null;
    try {
      latest = await this.latest();
    } catch (error) {
      return indicator.down({ error: `the latest check cannot be read: ${(error as Error).message}` });
    }
    if (!latest) return indicator.up({ lastCheck: null });
    const data = {
      ok: latest.ok,
      checkedAt: latest.finishedAt,
      treeSize: latest.treeSize,
      ...(latest.ok ? {} : { firstBadSeq: latest.firstBadSeq, problem: latest.problems[0]?.message ?? null }),
    };
    return latest.ok ? indicator.up(data) : indicator.down(data);
  }
}

function summarise(
  report: IntegrityReport,
  trigger: JournalCheckTrigger,
  startedAt: Date,
  finishedAt: Date,
  instance: string,
): JournalCheckResult {
  const checkpoints: Record<string, number> = {};
  for (const checkpoint of report.checkpoints) {
    checkpoints[checkpoint.status] = (checkpoints[checkpoint.status] ?? 0) + 1;
  }
  return {
    ok: report.ok,
    trigger,
    startedAt: startedAt.toISOString(),
    finishedAt: finishedAt.toISOString(),
    durationMs: finishedAt.getTime() - startedAt.getTime(),
    instance,
    entries: report.entries,
    treeSize: report.treeSize,
    rootHash: report.rootHash,
    claimedTreeSize: report.claimedTreeSize,
    claimedRootHash: report.claimedRootHash,
    anchoredCheckpoints: report.anchoredCheckpoints,
    checkpoints,
    firstBadSeq: report.firstBadSeq ?? null,
    problemCount: report.problems.length + report.problemsOmitted,
    problems: report.problems.slice(0, PROBLEMS_KEPT).map((problem) => ({
      ...(problem.seq !== undefined ? { seq: problem.seq } : {}),
      kind: problem.kind,
      message: problem.message,
    })),
  };
}
