// Sales benchmark: single-ticket cash orders over HTTP (autocannon) at one raffle (--raffles N) of the built
// service on a fresh PostgreSQL database, at saturation and at a fixed 1,000 orders/s, beside the
// same harness against GET /health/live of the same process in the same run (the HTTP ceiling).
// Every sale is durable (synchronous commit) and journaled; the run checks that afterwards.
//
//   npm run bench:sales [-- --seconds 10 --rounds 3 --connections 256 --rate-connections 64 --rate 1000 --replicas 1]
//
// Needs the built service (npm run build, or --dist <folder> for another build) and the local
// PostgreSQL (TEST_POSTGRES_URL, default postgres://postgres@127.0.0.1:5432/postgres).
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import pg from 'pg';

/** The flags between `node` and the script in package.json's start script. */
function startFlags() {
  const { scripts } = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
  const words = scripts.start.trim().split(/\s+/);
  if (words[0] !== 'node') throw new Error(`package.json's start script does not run node: ${scripts.start}`);
  return words.slice(1, -1).join(' ');
}

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '10' },
    rounds: { type: 'string', default: '3' },
    connections: { type: 'string', default: '256' },
    'rate-connections': { type: 'string', default: '64' },
    rate: { type: 'string', default: '1000' },
    replicas: { type: 'string', default: '1' },
    // Raffles sold at once; each connection takes them in turn (one request after another).
    raffles: { type: 'string', default: '1' },
    dist: { type: 'string', default: 'dist' },
    'batch-max': { type: 'string', default: '' },
    'batch-linger-ms': { type: 'string', default: '' },
    // Writes a V8 CPU profile of each service process into this folder (open it in Chrome DevTools).
    'cpu-prof': { type: 'string', default: '' },
    // Node/V8 flags for the service processes only, not the client; by default those of
    // package.json's start script (which the Dockerfile's CMD repeats): the service as deployed.
    'node-flags': { type: 'string', default: startFlags() },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const connections = Number(values.connections);
const rateConnections = Number(values['rate-connections']);
const rate = Number(values.rate);
const replicas = Number(values.replicas);
const raffleCount = Number(values.raffles);
const dist = resolve(values.dist);
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

function freePort() {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolvePort(port));
    });
  });
}

async function createDatabase() {
  const name = `fairdraw_bench_sales_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const settings = await admin.query(
    "select name, setting from pg_settings where name in ('synchronous_commit', 'fsync', 'wal_sync_method', 'max_connections', 'server_version')",
  );
  await admin.end();
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    settings: Object.fromEntries(settings.rows.map((row) => [row.name, row.setting])),
    async drop() {
      const client = new pg.Client({ connectionString: adminUrl });
      await client.connect();
      await client.query(`drop database if exists "${name}" with (force)`);
      await client.end();
    },
  };
}

/** Starts `node <dist>/src/main.js` as its own process and waits until it is live. */
async function startService(env) {
  const profile = values['cpu-prof'] ? ['--cpu-prof', `--cpu-prof-dir=${resolve(values['cpu-prof'])}`] : [];
  const flags = values['node-flags'].split(/\s+/).filter(Boolean);
  const child = spawn(process.execPath, [...flags, ...profile, join(dist, 'src/main.js')], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const base = `http://127.0.0.1:${env.PORT}`;
  for (let i = 0; i < 300; i++) {
    if (child.exitCode !== null) throw new Error(`the service exited (${child.exitCode}):\n${output}`);
    try {
      // Live is enough for sales; readiness may wait on checks that have nothing to do with them.
      if ((await fetch(`${base}/health/live`)).ok) return { child, base, output: () => output };
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  child.kill('SIGKILL');
  throw new Error(`the service did not become ready:\n${output}`);
}

async function json(response) {
  const text = await response.text();
  if (!response.ok) throw new Error(`${response.status} ${response.url}: ${text}`);
  return JSON.parse(text);
}

/** CPU seconds (user + system) a process has used so far, from /proc (Linux). */
function cpuSeconds(pid) {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  // utime and stime are fields 14 and 15 of stat(5), in clock ticks (100 per second on Linux).
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

function cannon(options) {
  return new Promise((resolveRun, reject) => {
    autocannon({ duration: seconds, connections, pipelining: 1, ...options }, (error, result) =>
      error ? reject(error) : resolveRun(result),
    );
  });
}

const median = (list) => {
  const sorted = [...list].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
};
const whole = (n) => Math.round(n).toLocaleString('en-US');
const ms = (n) => (n < 10 ? n.toFixed(1) : Math.round(n).toString());

const loads = () =>
  loadavg()
    .map((l) => l.toFixed(2))
    .join(', ');

async function main() {
  const loadAtStart = loads();
  const database = await createDatabase();
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-bench-sales-'));
  const env = {
    NODE_ENV: 'development',
    HOST: '127.0.0.1',
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PAYMENT_PROVIDERS: 'cash,test',
    SALES_RATE_LIMIT_PER_SECOND: '1000000',
    RATE_LIMIT_PER_MINUTE: '100000',
    ANCHOR_INTERVAL_SECONDS: '0',
    ...(values['batch-max'] ? { SALES_BATCH_MAX: values['batch-max'] } : {}),
    ...(values['batch-linger-ms'] ? { SALES_BATCH_LINGER_MS: values['batch-linger-ms'] } : {}),
  };
  const services = [];
  try {
    // Replicas share the database and DATA_DIR (signing keys); the first creates the keys.
    for (let i = 0; i < replicas; i++)
      services.push(await startService({ ...env, PORT: String(await freePort()) }));
    const service = services[0];
    const bases = services.map((s) => s.base);
    const { LocalSigningKey } = await import(pathToFileURL(join(dist, 'src/auth/local-signing-key.js')).href);
    const key = await LocalSigningKey.loadOrCreate(dataDir);
    const admin = {
      authorization: `Bearer ${await key.issue({ sub: 'bench-admin', roles: ['admin'], ttlSeconds: 7200 })}`,
    };
    const seller = `Bearer ${await key.issue({ sub: 'bench-seller', roles: ['seller'], ttlSeconds: 7200 })}`;
    const now = Date.now();
    const openRaffle = async (n) => {
      const raffle = await json(
        await fetch(`${service.base}/v1/raffles`, {
          method: 'POST',
          headers: { ...admin, 'content-type': 'application/json' },
          body: JSON.stringify({
            licenseNumber: `BENCH-${n}`,
            name: `Benchmark 50/50 ${n}`,
            rulesText: 'Benchmark raffle.',
            type: 'FIFTY_FIFTY',
            currency: 'CAD',
            jurisdiction: 'GLI31-DEFAULT',
            packages: [{ id: 'one', tickets: 1, priceMinor: 1000 }],
            salesOpenAt: new Date(now - 60_000).toISOString(),
            salesCloseAt: new Date(now + 86_400_000).toISOString(),
            maxTickets: 100_000_000,
            maxTicketsPerOrder: 30,
            prizes: [
              {
                id: 'main',
                name: 'Main',
                kind: 'MAIN',
                drawAt: new Date(now + 2 * 86_400_000).toISOString(),
              },
            ],
            prizeShareBps: 5000,
            channels: ['POS'],
            drawMethod: 'RNG',
          }),
        }),
      );
      await json(
        await fetch(`${service.base}/v1/raffles/${raffle.id}/open`, { method: 'POST', headers: admin }),
      );
      return raffle;
    };
    const raffles = [];
    for (let n = 1; n <= raffleCount; n++) raffles.push(await openRaffle(n));

    const saleAt = (raffle) => ({
      method: 'POST',
      path: `/v1/raffles/${raffle.id}/orders`,
      headers: {
        authorization: seller,
        'content-type': 'application/json',
        'idempotency-key': '[<id>]',
      },
      body: JSON.stringify({
        packageId: 'one',
        channel: 'POS',
        paymentMethod: 'cash',
        deviceId: 'bench-pos',
      }),
    });
    // autocannon spreads its connections over the replicas' URLs.
    // Each measurement also reports the service processes' CPU time per answered request: under a
    // shared, noisy machine it moves far less than throughput does.
    // The sales batches of each measurement (every process's /metrics): orders per batch and the
    // batch transaction's duration, to see how batch size and window trade throughput for latency.
    const batches = async () => {
      const total = { count: 0, orders: 0, seconds: 0, appends: 0, integrating: 0 };
      for (const base of bases) {
        const text = await (await fetch(`${base}/metrics`, { headers: admin })).text();
        const read = (name) =>
          Number(new RegExp(`^${name}(?:\\{[^}]*\\})? ([0-9.e+-]+)$`, 'm').exec(text)?.[1] ?? 0);
        total.count += read('fairdraw_sales_batch_size_count');
        total.orders += read('fairdraw_sales_batch_size_sum');
        total.seconds += read('fairdraw_sales_batch_seconds_sum');
        // Batches whose journal entries were integrated in the batch's own transaction (the rest
        // were queued for the sequencer, and their sales waited for its transaction too).
        for (const match of text.matchAll(
          /^fairdraw_ledger_appends_integrating_total\{([^}]*)\} ([0-9.e+-]+)$/gm,
        )) {
          total.appends += Number(match[2]);
          if (match[1].includes('outcome="integrated')) total.integrating += Number(match[2]);
        }
      }
      return total;
    };
    const measured = async (options) => {
      const cpu = () => services.reduce((sum, s) => sum + cpuSeconds(s.child.pid), 0);
      const batchesBefore = await batches();
      const before = cpu();
      const result = await cannon(options);
      result.cpuMsPerRequest = ((cpu() - before) * 1000) / Math.max(1, result['2xx']);
      const batchesAfter = await batches();
      const count = Math.max(1, batchesAfter.count - batchesBefore.count);
      result.ordersPerBatch = (batchesAfter.orders - batchesBefore.orders) / count;
      result.batchMs = ((batchesAfter.seconds - batchesBefore.seconds) * 1000) / count;
      const appends = batchesAfter.appends - batchesBefore.appends;
      result.integratingShare =
        appends > 0 ? (batchesAfter.integrating - batchesBefore.integrating) / appends : null;
      return result;
    };
    const sales = (extra) =>
      measured({ url: bases, idReplacement: true, requests: raffles.map(saleAt), ...extra });
    const health = (extra) => measured({ url: bases.map((base) => `${base}/health/live`), ...extra });

    // After a burst of sales the journal may still be integrating: let it finish, so each
    // measurement starts from a quiet service.
    const settle = async () => {
      let last = -1;
      for (let i = 0; i < 300; i++) {
        const size = (await json(await fetch(`${service.base}/v1/ledger/digest`, { headers: admin })))
          .treeSize;
        if (size === last) return;
        last = size;
        await new Promise((r) => setTimeout(r, 250));
      }
    };

    console.error(`warming up (${seconds} s of sales, then of /health/live)...`);
    await sales({});
    await settle();
    await health({});

    const rows = { health: [], sales: [], healthFixed: [], salesFixed: [] };
    let accepted = 0;
    for (let round = 1; round <= rounds; round++) {
      console.error(`round ${round}/${rounds}`);
      await settle();
      const h = await health({});
      const s = await sales({});
      await settle();
      const hf = await health({ overallRate: rate, connections: rateConnections });
      const sf = await sales({ overallRate: rate, connections: rateConnections });
      for (const [name, result] of [
        ['health', h],
        ['sales', s],
        ['healthFixed', hf],
        ['salesFixed', sf],
      ]) {
        if (result.non2xx > 0 || result.errors > 0) {
          throw new Error(`${name}: ${result.non2xx} non-2xx answers and ${result.errors} errors`);
        }
        rows[name].push({
          perSecond: result['2xx'] / result.duration,
          p50: result.latency.p50,
          p99: result.latency.p99,
          cpuMs: result.cpuMsPerRequest,
          ordersPerBatch: result.ordersPerBatch,
          batchMs: result.batchMs,
          integratingShare: result.integratingShare,
        });
      }
      accepted += s['2xx'] + sf['2xx'];
    }

    // Every acknowledged sale is in the database and in the journal (read once the requests still
    // in flight when autocannon stopped have been answered and journaled).
    await settle();
    const summaries = [];
    for (const raffle of raffles)
      summaries.push(
        await json(await fetch(`${service.base}/v1/raffles/${raffle.id}/sales`, { headers: admin })),
      );
    const sold = summaries.reduce((sum, summary) => sum + summary.soldOrders, 0);
    const journaled = sold + 2 * raffles.length;
    let treeSize = 0;
    for (let i = 0; i < 100; i++) {
      treeSize = (await json(await fetch(`${service.base}/v1/ledger/digest`, { headers: admin }))).treeSize;
      if (treeSize >= journaled) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    const consistent = summaries.every(
      (summary) => summary.numbers.consistent && summary.numbers.issued === summary.soldOrders,
    );
    const paid = summaries.every((summary) => summary.paidTotalMinor === summary.soldOrders * 1000);

    const ratio = median(rows.sales.map((row, i) => row.perSecond / rows.health[i].perSecond));
    const batchColumns = (list) =>
      list[0].ordersPerBatch > 0
        ? `${median(list.map((r) => r.ordersPerBatch)).toFixed(1)} | ${ms(median(list.map((r) => r.batchMs)))} | ${
            list[0].integratingShare === null
              ? '—'
              : `${(100 * median(list.map((r) => r.integratingShare))).toFixed(0)} %`
          }`
        : '— | — | —';
    const line = (label, list) =>
      `| ${label} | ${whole(median(list.map((r) => r.perSecond)))} | ${ms(median(list.map((r) => r.p50)))} | ${ms(median(list.map((r) => r.p99)))} | ${median(list.map((r) => r.cpuMs)).toFixed(3)} | ${batchColumns(list)} |`;
    console.log(
      `\nSales benchmark — ${new Date().toISOString()}; load average (1, 5, 15 min) at start ${loadAtStart}, at end ${loads()}`,
    );
    console.log(
      `${cpus().length} × ${cpus()[0].model}, ${Math.round(totalmem() / 2 ** 30)} GiB; Node ${process.version}; ` +
        `PostgreSQL ${database.settings.server_version} (synchronous_commit=${database.settings.synchronous_commit}, fsync=${database.settings.fsync}); ` +
        `${replicas} service process${replicas > 1 ? 'es' : ''}${values['node-flags'] ? ` (node ${values['node-flags']})` : ''} on one database, ${raffles.length} raffle${raffles.length > 1 ? 's' : ''}; ` +
        `autocannon ${connections} connections at saturation and ${rateConnections} at ${rate}/s, ` +
        `${seconds} s per measurement, median of ${rounds} rounds`,
    );
    console.log(
      '\n| measurement | per second | p50 ms | p99 ms | service CPU ms per request | orders per batch | batch ms | batches journaled in their own transaction |\n|---|---:|---:|---:|---:|---:|---:|---:|',
    );
    console.log(line('GET /health/live, saturation (HTTP ceiling)', rows.health));
    console.log(line('POST orders (1 ticket, cash), saturation', rows.sales));
    console.log(line(`GET /health/live at ${rate}/s`, rows.healthFixed));
    console.log(line(`POST orders at ${rate}/s`, rows.salesFixed));
    console.log(
      `\nsales at saturation / HTTP ceiling (median of per-round ratios): ${(100 * ratio).toFixed(1)} %`,
    );
    // The medians above hide the spread; a target is judged on every round, not only on their middle.
    const perRound = (list, value) => list.map(value).join(', ');
    console.log(
      `per round: HTTP ceiling ${perRound(rows.health, (r) => whole(r.perSecond))}/s; ` +
        `sales at saturation ${perRound(rows.sales, (r) => whole(r.perSecond))}/s; ` +
        `p99 at ${rate}/s ${perRound(rows.salesFixed, (r) => ms(r.p99))} ms ` +
        `(health ${perRound(rows.healthFixed, (r) => ms(r.p99))} ms)`,
    );
    console.log(
      `checks: ${accepted.toLocaleString('en-US')} sales acknowledged during measurement; ` +
        `${raffles.length} raffle${raffles.length > 1 ? 's' : ''}: ${sold.toLocaleString('en-US')} orders` +
        (raffles.length > 1 ? ` (${summaries.map((summary) => summary.soldOrders).join(' + ')})` : '') +
        `, numbers 1..n of each consistent=${consistent}, paid = orders × 1000: ${paid}; ` +
        `journal tree size ${treeSize} (≥ ${sold} sales + ${2 * raffles.length} raffle entries: ${treeSize >= journaled})`,
    );
    if (!consistent || !paid || treeSize < journaled) process.exitCode = 1;
  } finally {
    for (const service of services) {
      service.child.kill('SIGTERM');
      await new Promise((r) => service.child.once('exit', r));
    }
    await database.drop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
