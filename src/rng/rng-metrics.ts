import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '../metrics/metrics.service.js';

/** What operators alarm on for the RNG: is it serving, is it certified, how fast, how often it failed. */
@Injectable()
export class RngMetrics {
  readonly bytes: Counter;
  readonly requests: Counter<'purpose'>;
  readonly healthFailures: Counter<'test'>;
  readonly healthy: Gauge;
  readonly certified: Gauge;
  readonly generateSeconds: Histogram<'outcome'>;

  constructor(metrics: MetricsService) {
    const registers = [metrics.registry];
    this.bytes = new Counter({
      name: 'fairdraw_rng_bytes_total',
      help: 'Random bytes served after passing the SP 800-90B continuous health tests',
      registers,
    });
    this.requests = new Counter({
      name: 'fairdraw_rng_requests_total',
      help: 'Requests for a selection (draw) by purpose, served or not',
      labelNames: ['purpose'],
      registers,
    });
    this.healthFailures = new Counter({
      name: 'fairdraw_rng_health_failures_total',
      help: 'Failures that stopped the RNG, by health test (repetition-count, adaptive-proportion, start-up, attempts-exceeded) or provider',
      labelNames: ['test'],
      registers,
    });
    this.healthy = new Gauge({
      name: 'fairdraw_rng_healthy',
      help: '1 while the RNG serves bytes, 0 before its start-up test passed or after a failure',
      registers,
    });
    this.certified = new Gauge({
      name: 'fairdraw_rng_certified',
      help: '1 when the configured RNG is certified (HSM), 0 for the OS CSPRNG or a stand-in',
      registers,
    });
    this.generateSeconds = new Histogram({
      name: 'fairdraw_rng_generate_seconds',
      help: 'Latency of one request to the RNG provider',
      labelNames: ['outcome'],
      buckets: [
        0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5,
      ],
      registers,
    });
  }
}
