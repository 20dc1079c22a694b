import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

/** What operators alarm on: how far integration and anchoring lag behind the business. */
@Injectable()
export class LedgerMetrics {
  readonly integrated: Counter;
  readonly appendsInTransaction: Counter<'outcome'>;
  readonly integrationDelay: Histogram;
  readonly batchSize: Histogram;
  readonly queueAge: Gauge;
  readonly treeSize: Gauge;
  readonly anchoredTreeSize: Gauge;
  readonly anchorAge: Gauge;
  readonly anchorFailures: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.integrated = new Counter({
      name: 'fairdraw_ledger_entries_integrated_total',
      help: 'Journal entries given a sequence number and hashed into the Merkle tree',
      registers,
    });
    this.appendsInTransaction = new Counter({
      name: 'fairdraw_ledger_appends_integrating_total',
      help: 'Appends that tried to integrate in their own transaction, by outcome: integrated; integrated:caught-up (another replica had extended the tree, so it was read and extended in the same transaction); integrated:waited (another transaction held the sequencer lock, and it was waited for); queued:behind (entries committed earlier were still queued); queued:busy (the lock was not free within LEDGER_LOCK_WAIT_MS)',
      labelNames: ['outcome'],
      registers,
    });
    this.integrationDelay = new Histogram({
      name: 'fairdraw_ledger_integration_delay_seconds',
      help: 'Delay from the commit of a business transaction to the integration of its journal entry',
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.batchSize = new Histogram({
      name: 'fairdraw_ledger_batch_size',
      help: 'Entries integrated per sequencer transaction (larger under load: the queue is drained in batches)',
      buckets: [1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2000, 5000],
      registers,
    });
    this.queueAge = new Gauge({
      name: 'fairdraw_ledger_queue_oldest_age_seconds',
      help: 'Age of the oldest committed entry still waiting for integration (0 when none)',
      registers,
    });
    this.treeSize = new Gauge({
      name: 'fairdraw_ledger_tree_size',
      help: 'Integrated journal entries',
      registers,
    });
    this.anchoredTreeSize = new Gauge({
      name: 'fairdraw_ledger_anchored_tree_size',
      help: 'Tree size of the latest checkpoint anchored outside the database',
      registers,
    });
    this.anchorAge = new Gauge({
      name: 'fairdraw_ledger_anchor_age_seconds',
      help: 'Seconds since the latest successful anchoring',
      registers,
    });
    this.anchorFailures = new Counter({
      name: 'fairdraw_ledger_anchor_failures_total',
      help: 'Failed anchoring attempts',
      registers,
    });
  }
}
