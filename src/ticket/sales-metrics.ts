import { Injectable } from '@nestjs/common';
import { Counter, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

/** How the sales batches behave under load: their size, their duration, and what became of orders. */
@Injectable()
export class SalesMetrics {
  readonly batchSize: Histogram;
  readonly batchSeconds: Histogram;
  readonly outcomes: Counter<'outcome'>;
  readonly isolatedBatches: Counter;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.batchSize = new Histogram({
      name: 'fairdraw_sales_batch_size',
      help: 'Orders committed together in one sales transaction',
      buckets: [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000],
      registers,
    });
    this.batchSeconds = new Histogram({
      name: 'fairdraw_sales_batch_seconds',
      help: 'Duration of one sales transaction, from BEGIN to COMMIT',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1],
      registers,
    });
    this.outcomes = new Counter({
      name: 'fairdraw_sales_orders_total',
      help: 'Order requests by outcome (created, replay, refused, issued, ...)',
      labelNames: ['outcome'],
      registers,
    });
    this.isolatedBatches = new Counter({
      name: 'fairdraw_sales_batches_isolated_total',
      help: 'Batches that failed as a whole and were retried order by order',
      registers,
    });
  }
}
