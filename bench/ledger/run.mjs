// Ledger benchmark: integrated journal appends per second on PostgreSQL (1 and 16 concurrent
// writers) beside plain INSERTs of same-sized rows into an ordinary table in the same run, and the
// offline verifier's entries per second beside the raw SHA-256 rate of one core.
//
//   npm run bench:ledger [-- --seconds 5 --rounds 3 --writers 1,16 --entries 200000]
//
// Needs the built service (npm run build) and the local PostgreSQL. See bench/ledger/README.md for
// the method; results go to docs/performance.md.
import { fork } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../../dist/src/app.factory.js';
import { loadEnvironment } from '../../dist/src/config/environment.js';
import { DatabaseService } from '../../dist/src/database/database.service.js';
import { chainEntries, entryCanonicalText, exportLine, ZERO_HASH } from '../../dist/src/ledger/core/entry.js';
import { verifyJournal, verifyJournalStream } from '../../dist/src/ledger/core/verify-journal.js';
import { LedgerMetrics } from '../../dist/src/ledger/ledger-metrics.js';
import { LedgerService } from '../../dist/src/ledger/ledger.service.js';
import { cpuMeter, draft, drive, measurement } from './common.mjs';

const { values } = parseArgs({
  options: {
    seconds: { type: 'string', default: '5' },
    rounds: { type: 'string', default: '3' },
    writers: { type: 'string', default: '1,16' },
    entries: { type: 'string', default: '200000' },
    /** Parts to run: appends, transactions (appends inside a business transaction), verifier. */
    parts: { type: 'string', default: 'appends,transactions,verifier' },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const writerCounts = values.writers.split(',').map(Number);
const parts = new Set(values.parts.split(','));
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

async function withDatabase(work) {
  const name = `fairdraw_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await work({ url: url.toString(), name, admin });
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

/** The baseline, measured in a process of its own (bench/ledger/plain-inserts.mjs). */
function plainInserts(database, writers, transaction) {
  const args = ['--url', database.url, '--name', database.name, '--admin', adminUrl];
  args.push('--writers', String(writers), '--seconds', String(seconds));
  if (transaction) args.push('--transaction');
  return new Promise((resolve, reject) => {
    const child = fork(new URL('./plain-inserts.mjs', import.meta.url), args, { stdio: 'inherit' });
    let result;
    child.on('message', (message) => (result = message));
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 && result ? resolve(result) : reject(new Error(`baseline process failed (exit ${code})`)),
    );
  });
}

async function ledgerAppends(database, writers, inTransaction) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-bench-'));
  const config = loadEnvironment({
    DATABASE_URL: database.url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ANCHOR_INTERVAL_SECONDS: '0',
    INTEGRITY_JOURNAL_INTERVAL_SECONDS: '0',
    DATABASE_POOL_SIZE: String(writers + 4),
  });
  const app = await createApp(config);
  const ledger = app.get(LedgerService);
  const databaseService = app.get(DatabaseService);
  const batchSize = app.get(LedgerMetrics).batchSize;
  const batches = async () => {
    // Builds before the batch-size metric existed report no batch size.
    if (!batchSize) return { sum: NaN, count: NaN };
    const { values } = await batchSize.get();
    return {
      sum: values.find((v) => v.metricName.endsWith('_sum')).value,
      count: values.find((v) => v.metricName.endsWith('_count')).value,
    };
  };
  try {
    // Warm up: open the pool's connections and let the sequencer integrate the start-up entries.
    const warmUp = await Promise.all(
      Array.from({ length: writers }, () =>
        databaseService.transaction((trx) => ledger.append(trx, draft())),
      ),
    );
    await ledger.integrated(warmUp.flat(), 60_000);
    const before = await ledger.treeSize();
    const batchesBefore = await batches();
    const meter = await cpuMeter(database.admin, database.name);
    const started = performance.now();
    let last;
    const done = await drive(writers, seconds, async () => {
      last = inTransaction
        ? await databaseService.transaction((trx) => ledger.append(trx, draft()))
        : await ledger.appendNow(draft());
    });
    // Appends count once integrated: the time runs until the last one has its sequence number.
    await ledger.integrated(last, 60_000);
    const elapsed = performance.now() - started;
    const cpu = await meter.stop();
    const after = await ledger.treeSize();
    if (after - before < done) throw new Error(`only ${after - before} of ${done} entries integrated`);
    const batchesAfter = await batches();
    const meanBatch =
      (batchesAfter.sum - batchesBefore.sum) / Math.max(1, batchesAfter.count - batchesBefore.count);
    return { ...measurement(done, elapsed, cpu), meanBatch };
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function verifierRates(count) {
  const entries = chainEntries(
    ZERO_HASH,
    0,
    Array.from({ length: count }, () => ({ ...draft(), time: new Date().toISOString() })),
  );
  const lines = entries.map(exportLine);
  const canonical = entries.map((entry) => Buffer.from(entryCanonicalText(entry)));
  let started = performance.now();
  for (const bytes of canonical)
    createHash('sha256')
      .update(Buffer.from([0]))
      .update(bytes)
      .digest();
  const shaRate = count / ((performance.now() - started) / 1000);
  started = performance.now();
  const inMemory = await verifyJournal(lines);
  const verifyRate = count / ((performance.now() - started) / 1000);
  if (!inMemory.ok) throw new Error('verifier rejected a valid journal');
  // What `npm run verify` does: stream the export file and split it into lines.
  const dir = mkdtempSync(join(tmpdir(), 'fairdraw-bench-'));
  try {
    const file = join(dir, 'export.ndjson');
    writeFileSync(file, lines.join('\n') + '\n');
    started = performance.now();
    const streamed = await verifyJournalStream(createReadStream(file));
    const streamRate = count / ((performance.now() - started) / 1000);
    if (!streamed.ok) throw new Error('verifier rejected a valid journal file');
    return { shaRate, verifyRate, streamRate };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const median = (xs) => {
  const sorted = [...xs].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
};
/** Medians of each field over the rounds. */
const medianOf = (ms) =>
  Object.fromEntries(Object.keys(ms[0]).map((key) => [key, median(ms.map((m) => m[key]))]));

const loadBefore = loadavg();
const startedAt = new Date();
const comparisons = [];
const pairs = [
  ['appends', 'plain INSERT (autocommit)', 'integrated appends (one statement each)', false],
  ['transactions', 'plain BEGIN + INSERT + COMMIT', 'integrated appends in a business transaction', true],
].filter(([part]) => parts.has(part));
if (pairs.length > 0) {
  await withDatabase(async (database) => {
    for (const writers of writerCounts) {
      for (const [, baselineLabel, ledgerLabel, inTransaction] of pairs) {
        const plain = [];
        const ledger = [];
        // Each round measures the baseline and the ledger back to back, so both see the same load.
        for (let round = 0; round < rounds; round++) {
          plain.push(await plainInserts(database, writers, inTransaction));
          ledger.push(await ledgerAppends(database, writers, inTransaction));
        }
        comparisons.push({
          writers,
          baselineLabel,
          ledgerLabel,
          plain: medianOf(plain),
          ledger: medianOf(ledger),
          share: median(ledger.map((l, i) => l.rate / plain[i].rate)),
          shares: ledger.map((l, i) => l.rate / plain[i].rate),
        });
      }
    }
  });
}
const verifier = parts.has('verifier') ? await verifierRates(Number(values.entries)) : undefined;
const loadAfter = loadavg();

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pct = (x) => `${(100 * x).toFixed(0)} %`;
const load = (l) => l.map((x) => x.toFixed(2)).join(', ');
console.log(
  `\nLedger benchmark, started ${startedAt.toISOString()}: ${seconds} s per measurement, median of ${rounds} rounds`,
);
console.log(`load average (1, 5, 15 min): ${load(loadBefore)} at the start, ${load(loadAfter)} at the end\n`);
if (comparisons.length > 0) {
  console.log(
    '| writers | baseline | per s | CPU µs/op Node + PostgreSQL | ledger | per s | CPU µs/op Node + PostgreSQL | mean batch | share (per round) |',
  );
  console.log('|---:|---|---:|---:|---|---:|---:|---:|---:|');
  for (const c of comparisons) {
    console.log(
      `| ${c.writers} | ${c.baselineLabel} | ${fmt(c.plain.rate)} | ${fmt(c.plain.nodeUs)} + ${fmt(c.plain.postgresUs)} ` +
        `| ${c.ledgerLabel} | ${fmt(c.ledger.rate)} | ${fmt(c.ledger.nodeUs)} + ${fmt(c.ledger.postgresUs)} ` +
        `| ${fmt(c.ledger.meanBatch)} | **${pct(c.share)}** (${c.shares.map(pct).join(', ')}) |`,
    );
  }
}
if (verifier) {
  const { shaRate, verifyRate, streamRate } = verifier;
  console.log(
    `\n| offline verifier, export file streamed, entries/s | lines in memory, entries/s | raw SHA-256 of the same entry bytes, 1 core, /s | verifier (file) vs raw hashing |`,
  );
  console.log('|---:|---:|---:|---:|');
  console.log(
    `| **${fmt(streamRate)}** | ${fmt(verifyRate)} | ${fmt(shaRate)} | ${pct(streamRate / shaRate)} |`,
  );
}
