import { Injectable, Logger } from '@nestjs/common';
import { SERVICE_VERSION } from '../common/service-version.js';
import { AppConfig } from '../config/environment.js';
import { DatabaseService } from '../database/database.service.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { AccessJournal } from './access-journal.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import {
  configChanges,
  configDigest,
  effectiveConfiguration,
  type EffectiveConfig,
} from './effective-config.js';
import { SIGNIFICANT_EVENT_TYPES, SYSTEM } from './significant-event.js';

/** What other modules know about this start: the code that runs and the RNG that draws. */
export interface StartFacts {
  software: JsonObject;
  rng: JsonObject | null;
}

const STOP_WAIT_MS = 3_000;

/**
 * The service's own life in the journal: SERVICE_STARTED at every start (version, digest of the
 * running code, RNG, database, effective configuration), CONFIG_CHANGED when the configuration
 * differs from the previous start's, and SERVICE_STOPPED at shutdown. Even an idle journal thus
 * shows every restart. Called by ServiceLifecycle, whose hooks run after every module started
 * and before any stops.
 */
@Injectable()
export class ServiceJournal {
  private readonly logger = new Logger('ServiceJournal');
  private startedAt?: Date;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly audit: AuditService,
    private readonly repository: AuditRepository,
    private readonly access: AccessJournal,
  ) {}

  /** Journals the start; resolves once the entries are in the journal. */
  async started(facts: StartFacts): Promise<number[]> {
    const startedAt = new Date();
    const effective = effectiveConfiguration(this.config);
    const digest = configDigest(effective);
    const { bootId, host, pid } = this.audit.instance;
    const queued = await this.database.transaction(async (trx) => {
      const previous = await this.repository.lockedConfigState(trx);
      const entries = [
        await this.audit.record(
          {
            type: SIGNIFICANT_EVENT_TYPES.SERVICE_STARTED,
            subject: null,
            actor: SYSTEM,
            outcome: 'success',
            component: 'service',
            at: startedAt,
            details: {
              name: 'fairdraw',
              version: SERVICE_VERSION,
              software: facts.software,
              rng: facts.rng,
              database: { engine: this.database.engine },
              runtime: { node: process.version, platform: `${process.platform}/${process.arch}` },
              instance: { bootId, host, pid },
              configDigest: digest,
              config: effective,
            },
          },
          trx,
        ),
      ];
      if (previous && previous.digest !== digest) {
        entries.push(
          await this.audit.record(
            {
              type: SIGNIFICANT_EVENT_TYPES.CONFIG_CHANGED,
              subject: 'config',
              actor: SYSTEM,
              outcome: 'success',
              component: 'config',
              at: startedAt,
              details: {
                changes: configChanges(JSON.parse(previous.config) as EffectiveConfig, effective).map(
                  (change) => ({ ...change }),
                ),
                configDigest: digest,
                previousConfigDigest: previous.digest,
                previousBootId: previous.boot_id,
                previousStartedAt: previous.recorded_at.toISOString(),
              },
            },
            trx,
          ),
        );
      }
      await this.repository.saveConfigState(trx, {
        config: JSON.stringify(effective),
        digest,
        boot_id: bootId,
        recorded_at: startedAt,
      });
      return entries;
    });
    this.startedAt = startedAt;
    // Committed is recorded; waiting puts SERVICE_STARTED in the journal before any request's entry.
    const seqs = await this.audit.integrated(queued).catch((error: unknown) => {
      this.logger.warn({ err: error }, 'SERVICE_STARTED is committed but not integrated yet');
      return [];
    });
    this.logger.log(
      {
        event: 'service_started',
        version: SERVICE_VERSION,
        bootId,
        software: facts.software,
        seq: seqs[0] ?? null,
      },
      `Fairdraw ${SERVICE_VERSION} started (journal entry ${seqs[0] ?? 'pending'})`,
    );
    return seqs;
  }

  /** Journals the stop, best effort: the process is going away whatever happens here. */
  async stopped(signal?: string): Promise<void> {
    try {
      await this.access.flush();
      const queued = await this.audit.record({
        type: SIGNIFICANT_EVENT_TYPES.SERVICE_STOPPED,
        subject: null,
        actor: SYSTEM,
        outcome: 'success',
        component: 'service',
        details: {
          version: SERVICE_VERSION,
          bootId: this.audit.instance.bootId,
          signal: signal ?? null,
          startedAt: this.startedAt?.toISOString() ?? null,
          uptimeSeconds: this.startedAt ? Math.round((Date.now() - this.startedAt.getTime()) / 1000) : null,
        },
      });
      await this.audit.integrated([queued], STOP_WAIT_MS);
    } catch (error) {
      // Committed but not yet integrated is still kept: the next sequencer run takes it.
      this.logger.warn({ event: 'service_stop_not_journaled', err: error }, 'SERVICE_STOPPED not confirmed');
    }
  }
}
