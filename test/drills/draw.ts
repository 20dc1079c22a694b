// Draw crash drill: 50/50 raffles with an early-bird prize drawn during sales and the main prize
// drawn after the close, scheduled by two replicas of the built service on one PostgreSQL
// database. Around every draw time the replicas are killed with SIGKILL at random moments and
// restarted, and they kill themselves at the draw's own crash points (DRAW_FAULT_INJECTION:
// after the RNG call, after the RNG request's commit, after the draw's commit). At the end: exactly one result per prize, each winner
// a sold ticket of its sealed set, the 50/50 prize the share of paid sales, the sales audit of
// every raffle, and the offline verifier (which recomputes every seal and draw) on the export.
//
//   npm run drill:draw [-- --raffles 4 --seed N]
//   npm run drill:draw -- --short     (CI: 2 raffles)
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { freePort } from '../support/moto.js';
import { createTestDatabase } from '../support/postgres.js';
import { auditSales, type AcknowledgedSale } from './sales-audit.js';
import { readSales, superuser } from './support/database.js';
import { exportAndVerify, openRaffle, settledTreeSize, tokens } from './support/fairdraw.js';
import { call, type Exchange } from './support/http.js';
import { atExit, DrillReport, runDrill, loadAverage, log, seededRandom, sleep } from './support/report.js';
import { startService, type ServiceProcess } from './support/service.js';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    raffles: { type: 'string' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    dist: { type: 'string', default: 'dist' },
  },
});
const raffleCount = Number(args.raffles ?? (args.short ? 2 : 4));
const seed = Number(args.seed);
const dist = resolve(args.dist);
const random = seededRandom(seed);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const SECOND = 1_000;

interface Replica {
  name: string;
  port: number;
  /** Crash points it cycles through on each start while the chaos lasts. */
  faults: string[];
  live?: ServiceProcess;
  starts: number;
}

interface DrawnPrize {
  prizeId: string;
  status: string;
  draw: { drawId: string; winningTickets: number[]; prize: { amountMinor: number | null } } | null;
}

async function main(): Promise<number> {
  const report = new DrillReport('draw');
  log(`draw crash drill: ${raffleCount} raffles, two replicas, seed ${seed}`);
  const database = await createTestDatabase('fairdraw_drill_draw');
  atExit(() => database.drop());
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-drill-draw-'));
  const env = {
    NODE_ENV: 'development',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PAYMENT_PROVIDERS: 'cash',
    SALES_RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_PER_MINUTE: '1000000',
    SALES_SCHEDULER_INTERVAL_MS: '200',
    DRAW_SCHEDULER_INTERVAL_MS: '200',
    ANCHOR_INTERVAL_SECONDS: '0',
  };
  const replicas: Replica[] = [
    {
      name: 'a',
      port: await freePort(),
      faults: ['kill-after-rng', 'none', 'kill-after-rng-request', 'kill-after-commit'],
      starts: 0,
    },
    {
      name: 'b',
      port: await freePort(),
      faults: ['kill-after-commit', 'kill-after-rng-request', 'none', 'kill-after-rng'],
      starts: 0,
    },
  ];
  let chaos = true;
  let finished = false;

  /** Keeps a replica running: whenever it dies (killed, or killed itself at a crash point), restart it. */
  async function supervise(replica: Replica): Promise<void> {
    while (!finished) {
      const fault = chaos ? replica.faults[replica.starts % replica.faults.length] : 'none';
      replica.starts++;
      let service: ServiceProcess;
      try {
        service = await startService({
          dist,
          port: replica.port,
          env: { ...env, DRAW_FAULT_INJECTION: fault },
        });
      } catch (error) {
        report.count('failedStarts');
        log(`replica ${replica.name} did not start: ${(error as Error).message.slice(0, 300)}`);
        continue;
      }
      if (finished) {
        await service.kill('SIGTERM');
        return;
      }
      // Started with a crash point just as the chaos ended: restart it without one.
      if (!chaos && fault !== 'none') await service.kill('SIGKILL');
      replica.live = service;
      const exit = await service.exited;
      replica.live = undefined;
      if (finished) return;
      if (!chaos && fault !== 'none' && exit === 'SIGKILL' && !service.output().includes('DRAW_FAULT'))
        continue;
      const selfKilled = service.output().includes('DRAW_FAULT_INJECTION: killing the process');
      report.count(selfKilled ? 'selfKillsAtDrawCrashPoints' : 'kills');
      if (selfKilled) log(`replica ${replica.name} killed itself at a draw crash point (${fault})`);
      else if (exit !== 'SIGKILL' && exit !== 'SIGTERM') {
        report.violation(`replica ${replica.name} died by itself (exit ${exit})`);
        log(service.output().slice(-4000));
      }
    }
  }
  // The first start creates the development keys in DATA_DIR; two first starts at once race on
  // them (see docs/reliability.md), so the second replica starts once the first is live.
  const supervisors = [supervise(replicas[0])];
  while (!replicas[0].live) await sleep(100);
  supervisors.push(supervise(replicas[1]));
  atExit(async () => {
    finished = true;
    for (const replica of replicas) await replica.live?.kill('SIGKILL');
  });
  const liveBase = async (): Promise<string> => {
    for (;;) {
      const up = replicas.filter((replica) => replica.live);
      if (up.length > 0) return pick(up).live!.base;
      await sleep(50);
    }
  };

  const who = await tokens(dataDir);
  // Raffles whose early bird is drawn during sales and whose main prize follows the close, staggered.
  const start = Date.now() + (20 + 4 * raffleCount) * SECOND;
  const raffles: Array<{ id: string; closeAt: number; mainAt: number; earlyAt: number }> = [];
  for (let i = 0; i < raffleCount; i++) {
    const earlyAt = start + i * 6 * SECOND;
    const closeAt = earlyAt + 8 * SECOND;
    const mainAt = closeAt + 3 * SECOND;
    const id = await openRaffle(await liveBase(), who.admin, {
      name: `Draw drill 50/50 #${i + 1}`,
      channels: ['CASHIER'],
      salesCloseAt: new Date(closeAt).toISOString(),
      prizes: [
        {
          id: 'early',
          name: 'Early bird',
          kind: 'EARLY_BIRD',
          drawAt: new Date(earlyAt).toISOString(),
          amountMinor: 10_000,
        },
        { id: 'main', name: '50/50 main prize', kind: 'MAIN', drawAt: new Date(mainAt).toISOString() },
      ],
    });
    raffles.push({ id, closeAt, mainAt, earlyAt });
  }
  log(
    `${raffles.length} raffles open; draws from ${new Date(start).toISOString()} to ${new Date(raffles[raffles.length - 1].mainAt).toISOString()}`,
  );

  // Sales until each raffle closes, through whichever replica is up, retried with the same key.
  const acks = new Map<string, AcknowledgedSale[]>(raffles.map((r) => [r.id, []]));
  async function seller(): Promise<void> {
    for (;;) {
      const open = raffles.filter((r) => Date.now() < r.closeAt - 500);
      if (open.length === 0) return;
      const raffle = pick(open);
      const key = `draw-${randomUUID()}`;
      const body = { packageId: pick(['one', 'five']), channel: 'CASHIER', paymentMethod: 'cash' };
      for (;;) {
        const answer: Exchange = await call(await liveBase(), 'POST', `/v1/raffles/${raffle.id}/orders`, {
          body,
          headers: { ...who.seller, 'idempotency-key': key },
          timeoutMs: 15_000,
        });
        if (answer.ok && answer.status === 201) {
          const order = answer.body as {
            orderId: string;
            totalMinor: number;
            receipt: { tickets: { first: number; last: number }; verificationCode: string };
          };
          acks.get(raffle.id)!.push({
            key,
            orderId: order.orderId,
            first: order.receipt.tickets.first,
            last: order.receipt.tickets.last,
            totalMinor: order.totalMinor,
            verificationCode: order.receipt.verificationCode,
          });
          report.count('sales');
          break;
        }
        // Refused because the raffle closed meanwhile: the sale never happened (and must not exist).
        if (answer.ok && answer.status === 409 && (answer.body as { code?: string }).code === 'SALES_CLOSED')
          break;
        if (answer.ok && answer.status < 500) {
          report.violation(`sale refused: ${answer.status} ${answer.text.slice(0, 200)}`);
          break;
        }
        await sleep(50 + random() * 150);
      }
    }
  }
  const sellers = Array.from({ length: 6 }, () => seller());

  // SIGKILLs at random moments from just before the first draw until every prize is drawn (or a
  // deadline): a replica is killed after 0.5-3 s of life, so kills land before, during and after
  // draws, sometimes with both replicas down.
  while (Date.now() < start - 3 * SECOND) await sleep(200);
  const deadline = raffles[raffles.length - 1].mainAt + 120 * SECOND;
  const allDrawn = async () => {
    for (const raffle of raffles) {
      const answer = await call(await liveBase(), 'GET', `/v1/raffles/${raffle.id}/results`);
      if (!answer.ok || (answer.body as { status?: string }).status !== 'DRAWN') return false;
    }
    return true;
  };
  while (Date.now() < deadline && !(Date.now() > raffles[raffles.length - 1].mainAt && (await allDrawn()))) {
    await sleep(500 + random() * 2_500);
    const up = replicas.filter((replica) => replica.live);
    if (up.length > 0) {
      await pick(up).live!.kill('SIGKILL');
      if (Date.now() >= start) report.count('killsAroundDraws');
    }
  }
  chaos = false;
  await Promise.all(sellers);
  log('chaos over; waiting for every prize to be drawn');
  report.check(
    (report.counts.selfKillsAtDrawCrashPoints ?? 0) > 0,
    'no draw was interrupted at its crash points: the drill proved nothing about draws',
  );

  const results = new Map<string, { status: string; prizes: DrawnPrize[] }>();
  for (const raffle of raffles) {
    let result: { status: string; prizes: DrawnPrize[] } | undefined;
    for (let i = 0; i < 600; i++) {
      const answer = await call(await liveBase(), 'GET', `/v1/raffles/${raffle.id}/results`);
      result = answer.ok && answer.status === 200 ? (answer.body as typeof result) : undefined;
      if (result?.status === 'DRAWN') break;
      await sleep(250);
    }
    results.set(raffle.id, result!);
    report.check(
      result?.status === 'DRAWN',
      `raffle ${raffle.id} is ${result?.status}, not DRAWN, 150 s after the chaos`,
    );
  }

  log('auditing: one result per prize, winners, prizes, sales and the journal');
  const base = await liveBase();
  await settledTreeSize(base, who.auditor);
  const verified = await exportAndVerify({ base, auditor: who.auditor, dist, workDir: dataDir, dataDir });
  report.check(
    verified.exitCode === 0 && verified.result.ok,
    `the offline verifier (seals and draws recomputed) rejected the journal: ${JSON.stringify(verified.result.problems.slice(0, 3))}`,
  );
  const records = await superuser<{ raffle_id: string; prize_id: string; n: number }>(
    database.url,
    `select raffle_id, prize_id, count(*)::int as n from draw_record where kind = 'result' group by raffle_id, prize_id`,
  );
  for (const raffle of raffles) {
    const journal = verified.entries.filter((entry) => entry.subject === `raffle/${raffle.id}`);
    const payloads = (type: string) =>
      journal.filter((entry) => entry.type === type).map((entry) => entry.payload as Record<string, unknown>);
    const { orders, counter } = await readSales(database.url, raffle.id);
    const paid = orders.filter((order) => order.status === 'PAID');
    const paidTotal = paid.reduce((total, order) => total + order.price_minor, 0);
    for (const prizeId of ['early', 'main']) {
      const drawn = payloads('DRAW_RESULT').filter((p) => p.prizeId === prizeId);
      report.check(
        drawn.length === 1,
        `raffle ${raffle.id} prize ${prizeId}: ${drawn.length} DRAW_RESULT entries`,
      );
      const rows = records.find((r) => r.raffle_id === raffle.id && r.prize_id === prizeId)?.n ?? 0;
      report.check(rows === 1, `raffle ${raffle.id} prize ${prizeId}: ${rows} draw records`);
      const shown = results.get(raffle.id)?.prizes.find((p) => p.prizeId === prizeId);
      const tickets = shown?.draw?.winningTickets ?? [];
      report.check(
        shown?.status === 'DRAWN' && tickets.length === 1,
        `raffle ${raffle.id} prize ${prizeId} shows ${JSON.stringify(tickets)}`,
      );
      for (const ticket of tickets) {
        report.check(
          paid.some((order) => order.first_number! <= ticket && ticket <= order.last_number!),
          `raffle ${raffle.id} prize ${prizeId}: winner ${ticket} is not a sold ticket`,
        );
      }
      if (drawn.length === 1) report.count('prizesDrawnOnce');
    }
    const finalSeals = payloads('DRAW_SEALED').filter((p) => p.salesClosed === true);
    report.check(finalSeals.length === 1, `raffle ${raffle.id}: ${finalSeals.length} final seals`);
    const mainPrize = payloads('DRAW_PRIZE').filter((p) => p.prizeId === 'main');
    report.check(
      mainPrize.length === 1 && mainPrize[0].amountMinor === Math.floor((paidTotal * 5_000) / 10_000),
      `raffle ${raffle.id}: the 50/50 prize ${JSON.stringify(mainPrize.map((p) => p.amountMinor))} is not half of paid sales ${paidTotal}`,
    );
    const summary = (await call(base, 'GET', `/v1/raffles/${raffle.id}/sales`, {
      headers: who.auditor,
    })) as Extract<Exchange, { ok: true }>;
    const reported = summary.body as {
      paidTotalMinor: number;
      numbers: { consistent: boolean };
      prizeEstimate: { amountMinor: number } | null;
    };
    const audit = auditSales({
      acknowledged: acks.get(raffle.id)!,
      voided: new Set(),
      orders,
      counter,
      journal,
      reported: {
        paidTotalMinor: reported.paidTotalMinor,
        prizeMinor: reported.prizeEstimate?.amountMinor ?? null,
        consistent: reported.numbers.consistent,
      },
      prize: { shareBps: 5_000, seedMinor: 0 },
      everySaleAcknowledged: true,
    });
    audit.violations.forEach((violation) => report.violation(`raffle ${raffle.id}: ${violation}`));
  }

  report.set('raffles', raffles.length);
  report.set(
    'replicaStarts',
    replicas.reduce((n, r) => n + r.starts, 0),
  );
  report.set('journalEntries', verified.result.entries);
  log(`load average: ${await loadAverage()}`);
  finished = true;
  for (const replica of replicas) await replica.live?.kill('SIGTERM');
  await Promise.all(supervisors);
  for (const replica of replicas) await replica.live?.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  return report.finish();
}

runDrill('draw', main);
