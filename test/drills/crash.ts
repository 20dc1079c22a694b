// Crash drill: concurrent ticket purchases over HTTP against the built service on a fresh
// PostgreSQL database, the service killed with SIGKILL at random moments and restarted, and
// PostgreSQL itself restarted under load. Then the audit: every acknowledged sale exists, no
// number is sold twice or lost without a void, every idempotent retry returned the original
// result, the 50/50 pot equals the paid orders, and the journal verifies offline.
//
//   npm run drill:crash [-- --kills 20 --clients 12 --postgres-restarts 1 --seed N]
//   npm run drill:crash -- --short      (CI: 8 kills; instead of restarting the shared PostgreSQL
//                                        server, every connection to the drill's own database is
//                                        terminated, as a fast shutdown does to them)
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs, promisify } from 'node:util';
import { freePort } from '../support/moto.js';
import { adminQuery, createTestDatabase } from '../support/postgres.js';
import type { AcknowledgedSale } from './sales-audit.js';
import { auditDrillSales } from './support/sales-drill-audit.js';
import { openRaffle, tokens } from './support/fairdraw.js';
import { call, type Exchange } from './support/http.js';
import { atExit, DrillReport, runDrill, loadAverage, log, seededRandom, sleep } from './support/report.js';
import { startService, type ServiceProcess } from './support/service.js';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    kills: { type: 'string' },
    clients: { type: 'string', default: '12' },
    'postgres-restarts': { type: 'string' },
    'connection-kills': { type: 'string' },
    'min-up-ms': { type: 'string', default: '400' },
    'max-up-ms': { type: 'string', default: '3000' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    dist: { type: 'string', default: 'dist' },
  },
});
const kills = Number(args.kills ?? (args.short ? 8 : 20));
const postgresRestarts = Number(args['postgres-restarts'] ?? (args.short ? 0 : 1));
/** Terminations of every connection to the drill's database (safe on a shared server). */
const connectionKills = Number(args['connection-kills'] ?? 1);
const clients = Number(args.clients);
const minUp = Number(args['min-up-ms']);
const maxUp = Number(args['max-up-ms']);
const seed = Number(args.seed);
const dist = resolve(args.dist);
const random = seededRandom(seed);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];

/** How long a client keeps retrying one request before that is a violation of its own. */
const GIVE_UP_MS = 180_000;
const PACKAGES = [
  { id: 'one', tickets: 1, priceMinor: 1_000 },
  { id: 'five', tickets: 5, priceMinor: 2_000 },
  { id: 'thirty', tickets: 30, priceMinor: 5_000 },
];

interface OrderBody {
  packageId: string;
  channel: string;
  paymentMethod: string;
  deviceId?: string;
}

interface Ack extends AcknowledgedSale {
  body: OrderBody;
  journalSeq: number | null;
}

interface OrderAnswer {
  orderId: string;
  status: string;
  totalMinor: number;
  receipt: {
    tickets: { first: number; last: number };
    verificationCode: string;
    journal: { seq: number } | null;
  } | null;
}

async function main(): Promise<number> {
  const report = new DrillReport('crash');
  log(
    `crash drill: ${kills} kills, ${postgresRestarts} PostgreSQL restart(s), ${clients} clients, seed ${seed}`,
  );
  const database = await createTestDatabase('fairdraw_drill_crash');
  atExit(() => database.drop());
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-drill-crash-'));
  const port = await freePort();
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PAYMENT_PROVIDERS: 'cash,test',
    SALES_RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_PER_MINUTE: '1000000',
    // Anchor often, so that crashes also land in the middle of signing and anchoring checkpoints.
    ANCHOR_INTERVAL_SECONDS: '2',
  };
  let service: ServiceProcess = await startService({ dist, port, env });
  atExit(() => service.kill('SIGKILL'));
  const who = await tokens(dataDir);
  const raffleId = await openRaffle(service.base, who.admin, {
    packages: PACKAGES.map((p) => ({ ...p, label: `${p.tickets} ticket(s)` })),
    channels: ['POS', 'CASHIER'],
    maxTickets: 10_000_000,
  });
  const base = service.base;

  const acks = new Map<string, Ack>();
  const voided = new Set<string>();
  const voiding = new Set<string>();
  const failures = new Map<string, number>();
  let stopping = false;

  const noteFailure = (exchange: Exchange) => {
    const label = exchange.ok ? `http${exchange.status}` : exchange.error;
    failures.set(label, (failures.get(label) ?? 0) + 1);
  };

  /** Sends one request until the service gives a definitive answer (not a network error or 5xx). */
  async function untilAnswered(
    send: () => Promise<Exchange>,
    what: string,
  ): Promise<{ exchange: Extract<Exchange, { ok: true }>; attempts: number } | undefined> {
    const started = Date.now();
    for (let attempts = 1; ; attempts++) {
      const exchange = await send();
      if (exchange.ok && exchange.status < 500 && exchange.status !== 429) return { exchange, attempts };
      noteFailure(exchange);
      report.count('retries');
      if (Date.now() - started > GIVE_UP_MS) {
        report.violation(`${what}: no answer after ${attempts} attempts in ${GIVE_UP_MS} ms`);
        return undefined;
      }
      await sleep(20 + random() * 180);
    }
  }

  const orderPath = `/v1/raffles/${raffleId}/orders`;
  const sendOrder = (key: string, body: OrderBody) =>
    call(base, 'POST', orderPath, {
      body,
      headers: { ...who.seller, 'idempotency-key': key },
      timeoutMs: 20_000,
    });

  async function newOrder(worker: number): Promise<void> {
    const key = `drill-${randomUUID()}`;
    const channel = pick(['POS', 'CASHIER']);
    const body: OrderBody = {
      packageId: pick(PACKAGES).id,
      channel,
      paymentMethod: pick(['cash', 'test']),
      ...(channel === 'POS' ? { deviceId: `drill-pos-${worker}` } : {}),
    };
    const answered = await untilAnswered(() => sendOrder(key, body), `order ${key}`);
    if (!answered) return;
    const { exchange, attempts } = answered;
    if (exchange.status !== 201) {
      report.violation(`order ${key} refused: ${exchange.status} ${exchange.text.slice(0, 300)}`);
      return;
    }
    const order = exchange.body as OrderAnswer;
    const replayed = exchange.headers.get('idempotent-replayed') === 'true';
    if (replayed && attempts === 1) report.violation(`a fresh key ${key} was answered as a replay`);
    if (replayed) report.count('salesRecoveredByReplay');
    else if (attempts > 1) report.count('salesCommittedOnRetry');
    if (order.status !== 'PAID' || !order.receipt) {
      report.violation(`order ${key} acknowledged without a paid receipt: ${exchange.text.slice(0, 300)}`);
      return;
    }
    acks.set(key, {
      key,
      body,
      orderId: order.orderId,
      first: order.receipt.tickets.first,
      last: order.receipt.tickets.last,
      totalMinor: order.totalMinor,
      verificationCode: order.receipt.verificationCode,
      journalSeq: order.receipt.journal?.seq ?? null,
    });
    report.count('acknowledged');
  }

  /** The same key and body again: the original order, marked as a replay, never a second sale. */
  async function replay(ack: Ack, phase: string): Promise<void> {
    const answered = await untilAnswered(() => sendOrder(ack.key, ack.body), `replay of ${ack.key}`);
    if (!answered) return;
    const { exchange } = answered;
    const order = exchange.body as OrderAnswer;
    const same =
      exchange.status === 201 &&
      exchange.headers.get('idempotent-replayed') === 'true' &&
      order.orderId === ack.orderId &&
      order.totalMinor === ack.totalMinor &&
      order.receipt?.tickets.first === ack.first &&
      order.receipt?.tickets.last === ack.last &&
      order.receipt?.verificationCode === ack.verificationCode &&
      (ack.journalSeq === null || !order.receipt?.journal || order.receipt.journal.seq === ack.journalSeq);
    report.count(`replays${phase}`);
    report.check(
      same,
      `replay of ${ack.key} did not return the original order: ${exchange.status} ${exchange.text.slice(0, 300)}`,
    );
  }

  async function voidOne(): Promise<void> {
    const candidates = [...acks.values()].filter((a) => !voided.has(a.orderId) && !voiding.has(a.orderId));
    if (candidates.length === 0) return;
    const ack = pick(candidates);
    voiding.add(ack.orderId);
    try {
      const answered = await untilAnswered(
        () =>
          call(base, 'POST', `/v1/orders/${ack.orderId}/void`, {
            body: { reason: 'crash drill: void while the service is being killed' },
            headers: who.operator,
            timeoutMs: 20_000,
          }),
        `void of ${ack.orderId}`,
      );
      if (!answered) return;
      const { exchange, attempts } = answered;
      if (exchange.status === 200) {
        voided.add(ack.orderId);
        report.count('voids');
        return;
      }
      // An earlier attempt may have committed before the process died: the order says so.
      if (exchange.status === 409 && attempts > 1) {
        const current = await untilAnswered(
          () => call(base, 'GET', `/v1/orders/${ack.orderId}`, { headers: who.operator }),
          `read of ${ack.orderId}`,
        );
        if ((current?.exchange.body as OrderAnswer | undefined)?.status === 'VOIDED') {
          voided.add(ack.orderId);
          report.count('voids');
          report.count('voidsCommittedBeforeCrash');
          return;
        }
      }
      report.violation(`void of ${ack.orderId} refused: ${exchange.status} ${exchange.text.slice(0, 300)}`);
    } finally {
      voiding.delete(ack.orderId);
    }
  }

  async function client(worker: number): Promise<void> {
    while (!stopping) {
      const roll = random();
      if (roll < 0.04) await voidOne();
      else if (roll < 0.1 && acks.size > 0) await replay(pick([...acks.values()]), 'DuringCrashes');
      else await newOrder(worker);
    }
  }

  const workers = Array.from({ length: clients }, (_, i) => client(i));
  // Database disruptions, spread over the run: the same service process must carry on selling.
  const disruptions = new Map<number, 'restart' | 'terminate'>();
  const spread = (count: number, kind: 'restart' | 'terminate', offset: number) => {
    for (let i = 0; i < count; i++)
      disruptions.set(Math.max(1, Math.floor(((i + 1) * kills) / (count + 1)) + offset), kind);
  };
  spread(connectionKills, 'terminate', -1);
  spread(postgresRestarts, 'restart', 0);
  const downtimes: number[] = [];
  try {
    for (let kill = 1; kill <= kills; kill++) {
      await sleep(minUp + random() * (maxUp - minUp));
      const disruption = disruptions.get(kill);
      if (disruption) {
        const before = report.counts.acknowledged ?? 0;
        const started = Date.now();
        if (disruption === 'restart') {
          log('restarting PostgreSQL (pg_ctlcluster 15 main restart -m fast) under load');
          await promisify(execFile)('pg_ctlcluster', [
            '--skip-systemctl-redirect',
            '15',
            'main',
            'restart',
            '-m',
            'fast',
          ]);
          report.count('postgresRestarts');
        } else {
          log(`terminating every connection to ${database.name} under load`);
          await adminQuery('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [
            database.name,
          ]);
          report.count('connectionKills');
        }
        log(
          `database ${disruption} done in ${Date.now() - started} ms; the same service process must carry on`,
        );
        const deadline = Date.now() + 60_000;
        while (
          (report.counts.acknowledged ?? 0) <= before + clients &&
          Date.now() < deadline &&
          service.child.exitCode === null
        )
          await sleep(100);
        if (
          !report.check(
            service.child.exitCode === null,
            `the service process died (exit ${service.child.exitCode}) after the database ${disruption}`,
          )
        )
          log(`its last output:\n${service.output().slice(-6000)}`);
        else
          report.check(
            (report.counts.acknowledged ?? 0) > before + clients,
            `the service did not sell again within 60 s of the database ${disruption}`,
          );
        await sleep(minUp);
      }
      if (service.child.exitCode !== null) {
        report.violation(`the service died by itself (exit ${service.child.exitCode})`);
        log(`its last output:\n${service.output().slice(-6000)}`);
      }
      const exit = await service.kill('SIGKILL');
      report.count('kills');
      const down = Date.now();
      log(
        `kill ${kill}/${kills} (exit ${exit}); ${report.counts.acknowledged ?? 0} sales acknowledged so far`,
      );
      service = await startService({ dist, port, env });
      downtimes.push(Date.now() - down);
      report.count('restarts');
    }
    await sleep(maxUp);
  } finally {
    stopping = true;
    await Promise.all(workers);
  }

  log(`load stopped; replaying every acknowledged key (${acks.size})`);
  const all = [...acks.values()];
  for (let i = 0; i < all.length; i += 32)
    await Promise.all(all.slice(i, i + 32).map((ack) => replay(ack, 'AtEnd')));

  log('auditing: the rows, the counter, the sales summary and the journal');
  const { verified, counts } = await auditDrillSales({
    report,
    base,
    auditor: who.auditor,
    dist,
    dataDir,
    databaseUrl: database.url,
    raffleId,
    acknowledged: all,
    voided,
    everySaleAcknowledged: true,
  });
  const matched = verified.result.checkpoints.filter((c) => c.status === 'matched').length;
  report.check(
    matched === verified.checkpoints,
    `${verified.checkpoints - matched} signed checkpoints did not match the journal`,
  );

  report.set('orders', counts.orders);
  report.set('paidOrders', counts.paidOrders);
  report.set('numbersIssued', counts.issuedNumbers);
  report.set('paidTotalMinor', counts.paidTotalMinor);
  report.set('journalEntries', verified.result.entries);
  report.set('checkpointsMatched', matched);
  report.set('maxRestartMs', Math.max(0, ...downtimes));
  log(
    `client-side failures while the service was down or restarting: ${JSON.stringify(Object.fromEntries(failures))}`,
  );
  log(`load average: ${await loadAverage()}`);

  if (report.violations.length > 0) log(`service output (last lines):\n${service.output().slice(-4000)}`);
  await service.kill('SIGTERM');
  if (report.violations.length === 0) rmSync(dataDir, { recursive: true, force: true });
  else log(`kept ${dataDir} for inspection`);
  return report.finish();
}

runDrill('crash', main);
