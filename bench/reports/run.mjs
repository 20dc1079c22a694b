// Report benchmark: the reports of one large raffle, beside the journal export of the same entries
// (the raw rate at which the service reads and streams those rows) measured in the same run.
//
//   npm run bench:reports [-- --tickets 1000000 --runs 3 --database-url postgres://...]
//
// Plain node on the built service (dist/, in-process, requests through app.inject so no socket
// costs are counted on either side). Seeding sells the tickets through offline POS blocks (ND-AG
// profile: blocks of 5,000, uploads of 1,000 sales, packages of 1, 5 and 30), then voids nothing.
// Each phase is timed over --runs and the median kept; the peak RSS above the level before the phase
// is sampled every 20 ms, to show that the register streams instead of building its rows in memory.
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { benchRaffleDraft } from '../bench-raffle.mjs';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '1000000' },
    runs: { type: 'string', default: '3' },
    dist: { type: 'string', default: 'dist' },
    'database-url': { type: 'string' },
  },
});
const tickets = Number(values.tickets);
const runs = Number(values.runs);
const load = (path) => import(pathToFileURL(resolve(values.dist, path)).href);
const { createApp } = await load('src/app.factory.js');
const { loadEnvironment } = await load('src/config/environment.js');
const { LocalSigningKey } = await load('src/auth/local-signing-key.js');
const { offlineVerificationCode } = await load('src/ticket/verification-code.js');

const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-bench-reports-'));
const config = loadEnvironment({
  LOG_LEVEL: 'silent',
  NODE_ENV: 'test',
  DATA_DIR: dataDir,
  ANCHOR_INTERVAL_SECONDS: '0',
  INTEGRITY_JOURNAL_INTERVAL_SECONDS: '0',
  RATE_LIMIT_PER_MINUTE: '100000000',
  ...(values['database-url'] ? { DATABASE_URL: values['database-url'] } : {}),
});
const app = await createApp(config);
const key = await LocalSigningKey.loadOrCreate(dataDir);
const headers = { authorization: `Bearer ${await key.issue({ sub: 'bench-admin', roles: ['admin'] })}` };
const seller = { authorization: `Bearer ${await key.issue({ sub: 'bench-seller', roles: ['seller'] })}` };

async function call(method, url, payload, as = headers) {
  const response = await app.inject({ method, url, payload, headers: as });
  if (response.statusCode >= 300)
    throw new Error(`${method} ${url}: ${response.statusCode} ${response.body.slice(0, 300)}`);
  return response;
}

const { draft } = benchRaffleDraft({ licenseNumber: 'BENCH-1', name: 'Benchmark 50/50', tickets });
const raffle = (await call('POST', '/v1/raffles', draft)).json();
await call('POST', `/v1/raffles/${raffle.id}/open`);

const PACKAGES = [
  { id: 'one', tickets: 1 },
  { id: 'five', tickets: 5 },
  { id: 'thirty', tickets: 30 },
];
let seed = 12345;
const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
const seedStart = Date.now();
let orders = 0;
for (let total = 0; total < tickets;) {
  const size = Math.min(5_000, tickets - total);
  const block = (
    await call(
      'POST',
      `/v1/raffles/${raffle.id}/blocks`,
      { deviceId: 'hh-1', tickets: size },
      { ...seller, 'idempotency-key': `bench-block-${total}` },
    )
  ).json();
  const blockKey = Buffer.from(block.blockKey, 'hex');
  const soldAt = new Date(Date.parse(block.reservedAt) + 1).toISOString();
  const sales = [];
  for (let first = block.first; ;) {
    const pkg = PACKAGES[next() % 3];
    const last = first + pkg.tickets - 1;
    if (last > block.last) break;
    sales.push({
      first,
      last,
      packageId: pkg.id,
      soldAt,
      verificationCode: offlineVerificationCode(blockKey, raffle.id, first, last),
    });
    first = last + 1;
  }
  for (let i = 0; i < sales.length; i += 1_000) {
    await call(
      'POST',
      `/v1/blocks/${block.blockId}/sales`,
      { deviceId: 'hh-1', sales: sales.slice(i, i + 1_000) },
      seller,
    );
  }
  orders += sales.length;
  const returned = await app.inject({
    method: 'POST',
    url: `/v1/blocks/${block.blockId}/return`,
    payload: { deviceId: 'hh-1', reason: 'end of shift' },
    headers: seller,
  });
  if (returned.statusCode !== 200 && returned.statusCode !== 409) throw new Error(`return: ${returned.body}`);
  total += size;
}
const seedMs = Date.now() - seedStart;

/** Streams a GET to its end (counting bytes), sampling RSS; returns time, bytes and peak RSS growth. */
async function measure(url) {
  const rss0 = process.memoryUsage().rss;
  let peak = rss0;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
  const start = process.hrtime.bigint();
  const response = await app.inject({ method: 'GET', url, headers, payloadAsStream: true });
  let bytes = 0;
  for await (const chunk of response.stream()) bytes += chunk.length;
  const ms = Number(process.hrtime.bigint() - start) / 1e6;
  clearInterval(timer);
  if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode}`);
  return { ms, bytes, rssMb: (Math.max(peak, process.memoryUsage().rss) - rss0) / 2 ** 20 };
}

async function median(url) {
  const results = [];
  for (let i = 0; i < runs; i++) results.push(await measure(url));
  results.sort((a, b) => a.ms - b.ms);
  return { ...results[Math.floor(results.length / 2)], maxRssMb: Math.max(...results.map((r) => r.rssMb)) };
}

const treeSize = (await call('GET', '/v1/ledger/digest')).json().treeSize;
const base = `/v1/reports/raffles/${raffle.id}`;
const phases = [
  ['baseline: journal export (NDJSON, all entries)', `/v1/ledger/export?to=${treeSize}`],
  ['raffle summary (JSON)', `${base}/summary`],
  ['sales by seller (JSON)', `${base}/sales-by-seller`],
  ['ticket register, ranges (CSV)', `${base}/ticket-register?format=csv`],
  ['ticket register, one row per number (CSV)', `${base}/ticket-register?format=csv&rows=numbers`],
  ['raffle summary (PDF)', `${base}/summary?format=pdf`],
  ['bearer tickets, one row per receipt (CSV)', `${base}/bearer-tickets?format=csv`],
  ['financial summary (JSON)', `${base}/financial-summary`],
];
const loadBefore = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const rows = [];
for (const [name, url] of phases) rows.push([name, await median(url)]);
const loadAfter = loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
const baseline = rows[0][1].ms;

console.log(
  `Fairdraw report benchmark: ${tickets.toLocaleString('en')} tickets in ${orders.toLocaleString('en')} orders, journal of ${treeSize.toLocaleString('en')} entries, ${config.DATABASE_URL ? 'PostgreSQL' : 'PGlite'}`,
);
console.log(
  `seeding took ${(seedMs / 1000).toFixed(1)} s; median of ${runs} runs; load average ${loadBefore} before, ${loadAfter} after`,
);
console.log('| phase | time | output | x baseline | peak RSS growth |');
console.log('|---|---|---|---|---|');
for (const [name, r] of rows) {
  console.log(
    `| ${name} | ${(r.ms / 1000).toFixed(2)} s | ${(r.bytes / 2 ** 20).toFixed(1)} MiB | ${(r.ms / baseline).toFixed(2)} | ${r.maxRssMb.toFixed(0)} MiB |`,
  );
}
await app.close();
rmSync(dataDir, { recursive: true, force: true });
