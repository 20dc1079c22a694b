import { Injectable } from '@nestjs/common';
import { Counter, Gauge } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

/** What operators alarm on: is the running code the certified one, and does the journal verify. */
@Injectable()
export class IntegrityMetrics {
  readonly softwareOk: Gauge;
  readonly softwareLastCheck: Gauge;
  readonly softwareInfo: Gauge<'version' | 'kind' | 'digest' | 'state'>;
  readonly journalOk: Gauge;
  readonly journalLastCheck: Gauge;
  readonly journalLastDuration: Gauge;
  readonly journalCheckErrors: Counter;
  /** Called before each scrape, so every replica reports the latest check of any replica. */
  beforeScrape?: () => Promise<void>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.softwareOk = new Gauge({
      name: 'fairdraw_software_integrity_ok',
      help: '0 when the running code differs from CERTIFIED_CODE_DIGEST or cannot be hashed (draws stop), else 1',
      registers,
    });
    this.softwareLastCheck = new Gauge({
      name: 'fairdraw_software_integrity_last_check_timestamp_seconds',
      help: 'Unix time of the latest software integrity check of this replica',
      registers,
    });
    this.softwareInfo = new Gauge({
      name: 'fairdraw_software_info',
      help: 'Always 1: version, kind (build or source), SHA-256 digest and check state of the running code',
      labelNames: ['version', 'kind', 'digest', 'state'],
      registers,
    });
    const beforeScrape = async () => {
      await this.beforeScrape?.();
    };
    this.journalOk = new Gauge({
      name: 'fairdraw_journal_integrity_ok',
      help: '0 when the latest re-verification of the whole journal found a problem, else 1',
      registers,
      collect: beforeScrape,
    });
    this.journalLastCheck = new Gauge({
      name: 'fairdraw_journal_integrity_last_check_timestamp_seconds',
      help: 'Unix time the latest completed re-verification of the journal finished (any replica)',
      registers,
    });
    this.journalLastDuration = new Gauge({
      name: 'fairdraw_journal_integrity_last_check_duration_seconds',
      help: 'How long the latest completed re-verification of the journal took',
      registers,
    });
    this.journalCheckErrors = new Counter({
      name: 'fairdraw_journal_integrity_check_errors_total',
      help: 'Journal re-verifications that could not complete (database or anchor unreachable); no verdict',
      registers,
    });
    this.softwareOk.set(0);
    this.journalOk.set(1);
  }
}
