// Load drill: sales at a fixed rate for a sustained period (10 minutes by default) against the
// built service on a fresh PostgreSQL database, open-loop (each request is sent at its scheduled
// time whether or not earlier ones were answered, and its latency counts from that time, so a
// stall shows up instead of slowing the load). Reported per minute: sales, p50 and p99 latency,
// the service's RSS and V8 heap; beside them, GET /health/live at the same rate in the same run
// (the HTTP baseline). Latency and memory are reported, not asserted; the drill fails on any
// refused or failed sale and on the sales audit and journal verification at the end.
//
//   npm run drill:load [-- --minutes 10 --rate 300 --seed N]
//   npm run drill:load -- --short       (CI: 1 minute)
import { readFileSync, mkdtempSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../support/moto.js';
import { createTestDatabase } from '../support/postgres.js';
import type { AcknowledgedSale } from './sales-audit.js';
import { auditDrillSales } from './support/sales-drill-audit.js';
import { metric, openRaffle, tokens } from './support/fairdraw.js';
import { call } from './support/http.js';
import { atExit, DrillReport, runDrill, loadAverage, log, sleep } from './support/report.js';
import { startService } from './support/service.js';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    minutes: { type: 'string' },
    rate: { type: 'string' },
    connections: { type: 'string', default: '64' },
    'baseline-seconds': { type: 'string' },
    dist: { type: 'string', default: 'dist' },
  },
});
const minutes = Number(args.minutes ?? (args.short ? 1 : 10));
const rate = Number(args.rate ?? (args.short ? 100 : 200));
/** Keep-alive connections the clients share: a bounded pool, as a load balancer keeps. */
const agent = new Agent({ keepAlive: true, maxSockets: Number(args.connections) });

/** One request on the shared keep-alive pool; a network failure or timeout is a result too. */
function send(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string>,
  body?: object,
): Promise<{ status: number; text: string } | { error: string }> {
  return new Promise((resolve) => {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const req = request(
      `${base}${path}`,
      {
        method,
        agent,
        timeout: 60_000,
        headers: { ...headers, ...(payload ? { 'content-type': 'application/json' } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
        res.on('error', (error) => resolve({ error: error.message }));
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', (error: NodeJS.ErrnoException) => resolve({ error: error.code ?? error.message }));
    req.end(payload);
  });
}
const baselineSeconds = Number(args['baseline-seconds'] ?? (args.short ? 10 : 30));
const dist = resolve(args.dist);

interface Bucket {
  latencies: number[];
  failed: number;
  rss: number[];
  heap: number[];
}

const percentile = (sorted: number[], p: number) =>
  sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
const mib = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
const ms = (value: number) => (Number.isNaN(value) ? '-' : value < 10 ? value.toFixed(1) : value.toFixed(0));

/**
 * Sends `send()` at `perSecond` for `seconds`, open-loop; each result lands in the bucket of the
 * minute it was scheduled in, with its latency measured from its scheduled time.
 */
async function fixedRate(
  perSecond: number,
  seconds: number,
  send: (index: number) => Promise<boolean>,
  bucketOf: (elapsedMs: number) => Bucket,
): Promise<void> {
  const start = performance.now();
  const total = Math.round(perSecond * seconds);
  const inFlight = new Set<Promise<void>>();
  for (let index = 0; index < total;) {
    const due = Math.floor(((performance.now() - start) / 1000) * perSecond);
    for (; index < Math.min(due, total); index++) {
      const scheduled = start + (index * 1000) / perSecond;
      const bucket = bucketOf(scheduled - start);
      const request = send(index).then((ok) => {
        if (ok) bucket.latencies.push(performance.now() - scheduled);
        else bucket.failed++;
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await sleep(2);
  }
  await Promise.all(inFlight);
}

async function main(): Promise<number> {
  const report = new DrillReport('load');
  const database = await createTestDatabase('fairdraw_drill_load');
  atExit(() => database.drop());
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-drill-load-'));
  const port = await freePort();
  const service = await startService({
    dist,
    port,
    env: {
      NODE_ENV: 'development',
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      PAYMENT_PROVIDERS: 'cash',
      SALES_RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_PER_MINUTE: '10000000',
    },
  });
  atExit(() => service.kill('SIGKILL'));
  const { base } = service;
  const who = await tokens(dataDir);
  const raffleId = await openRaffle(base, who.admin, { channels: ['POS'], maxTickets: 100_000_000 });
  const loadBefore = await loadAverage();
  log(
    `load drill: ${rate} sales/s for ${minutes} min (baseline: /health/live at ${rate}/s for ${baselineSeconds} s); load average ${loadBefore}`,
  );

  const baseline: Bucket = { latencies: [], failed: 0, rss: [], heap: [] };
  await fixedRate(
    rate,
    baselineSeconds,
    async () => {
      const answer = await send(base, 'GET', '/health/live', {});
      return 'status' in answer && answer.status === 200;
    },
    () => baseline,
  );

  const buckets: Bucket[] = Array.from({ length: minutes }, () => ({
    latencies: [],
    failed: 0,
    rss: [],
    heap: [],
  }));
  const bucketOf = (elapsedMs: number) => buckets[Math.min(minutes - 1, Math.floor(elapsedMs / 60_000))];
  const failures = new Map<string, number>();
  let sampling = true;
  const samplerStart = performance.now();
  const sampler = (async () => {
    while (sampling) {
      const bucket = bucketOf(performance.now() - samplerStart);
      const status = readFileSync(`/proc/${service.pid}/status`, 'utf8');
      const rss = /VmRSS:\s+(\d+) kB/.exec(status);
      if (rss) bucket.rss.push(Number(rss[1]) * 1024);
      const metrics = await call(base, 'GET', '/metrics', { headers: who.auditor });
      const heap = metrics.ok ? metric(metrics.text, 'fairdraw_nodejs_heap_size_used_bytes') : undefined;
      if (heap !== undefined) bucket.heap.push(heap);
      await sleep(5_000);
    }
  })();
  const body = { packageId: 'one', channel: 'POS', paymentMethod: 'cash', deviceId: 'load-pos' };
  const acks: AcknowledgedSale[] = [];
  await fixedRate(
    rate,
    minutes * 60,
    async (index) => {
      const key = `load-${index}`;
      const answer = await send(
        base,
        'POST',
        `/v1/raffles/${raffleId}/orders`,
        { ...who.seller, 'idempotency-key': key },
        body,
      );
      if ('status' in answer && answer.status === 201) {
        const order = JSON.parse(answer.text) as {
          orderId: string;
          totalMinor: number;
          receipt: { tickets: { first: number; last: number }; verificationCode: string };
        };
        acks.push({
          key,
          orderId: order.orderId,
          first: order.receipt.tickets.first,
          last: order.receipt.tickets.last,
          totalMinor: order.totalMinor,
          verificationCode: order.receipt.verificationCode,
        });
        return true;
      }
      const label = 'status' in answer ? `http${answer.status}` : answer.error;
      if (!failures.has(label) && 'status' in answer) log(`first ${label}: ${answer.text.slice(0, 300)}`);
      failures.set(label, (failures.get(label) ?? 0) + 1);
      return false;
    },
    bucketOf,
  );
  sampling = false;
  await sampler;
  const loadAfter = await loadAverage();

  const rows = buckets.map((bucket, minute) => {
    const sorted = [...bucket.latencies].sort((a, b) => a - b);
    return {
      minute: minute + 1,
      sales: bucket.latencies.length,
      failed: bucket.failed,
      p50: percentile(sorted, 50),
      p99: percentile(sorted, 99),
      rss: Math.max(...bucket.rss, 0),
      heap: bucket.heap.length ? bucket.heap[bucket.heap.length - 1] : NaN,
    };
  });
  const healthSorted = [...baseline.latencies].sort((a, b) => a - b);
  console.log(
    `\nLoad drill — ${new Date().toISOString()}: ${rate} sales/s for ${minutes} min, open loop; load average before ${loadBefore}, after ${loadAfter}`,
  );
  console.log(
    `baseline GET /health/live at ${rate}/s for ${baselineSeconds} s: p50 ${ms(percentile(healthSorted, 50))} ms, p99 ${ms(percentile(healthSorted, 99))} ms (${baseline.failed} failed)\n`,
  );
  console.log(
    '| minute | sales | failed | p50 ms | p99 ms | p99 / baseline p99 | RSS MiB (max) | heap used MiB (end) |',
  );
  console.log('|---:|---:|---:|---:|---:|---:|---:|---:|');
  for (const row of rows) {
    console.log(
      `| ${row.minute} | ${row.sales} | ${row.failed} | ${ms(row.p50)} | ${ms(row.p99)} | ${(row.p99 / percentile(healthSorted, 99)).toFixed(1)} | ${mib(row.rss)} | ${Number.isNaN(row.heap) ? '-' : mib(row.heap)} |`,
    );
  }
  console.log('');

  log('auditing: every acknowledged sale, the numbers, the pot and the journal');
  const { orders, verified } = await auditDrillSales({
    report,
    base,
    auditor: who.auditor,
    dist,
    dataDir,
    databaseUrl: database.url,
    raffleId,
    acknowledged: acks,
    everySaleAcknowledged: false,
  });
  const failed = [...failures.values()].reduce((a, b) => a + b, 0);
  report.check(failed === 0, `${failed} sales failed: ${JSON.stringify(Object.fromEntries(failures))}`);
  report.check(baseline.failed === 0, `${baseline.failed} baseline requests failed`);
  // A sale may commit after its client gave up waiting; never more of them than requests failed.
  report.check(
    orders.length >= acks.length && orders.length - acks.length <= failed,
    `${acks.length} sales acknowledged and ${failed} failed, but ${orders.length} orders stored`,
  );

  const first = rows[Math.min(1, rows.length - 1)];
  const last = rows[rows.length - 1];
  report.set('rate', rate);
  report.set('minutes', minutes);
  report.set('acknowledged', acks.length);
  report.set('failed', failed);
  report.set('p99LastMinuteMs', Math.round(last.p99));
  report.set('baselineP99Ms', Math.round(percentile(healthSorted, 99)));
  report.set('rssMiBFirst', Number(mib(first.rss)));
  report.set('rssMiBLast', Number(mib(last.rss)));
  report.set('journalEntries', verified.result.entries);
  agent.destroy();
  await service.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  return report.finish();
}

runDrill('load', main);
