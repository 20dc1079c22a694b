// Ledger benchmark: integrated journal appends per second on PostgreSQL (1 and 16 concurrent
// writers) beside plain INSERTs of same-sized rows into an ordinary table in the same run, and the
// offline verifier's entries per second beside the raw SHA-256 rate of one core.
//
//   npm run bench:ledger [-- --seconds 5]
//
// Needs the built service (npm run build) and the local PostgreSQL.
import { createHash, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import pg from 'pg';
import { createApp } from '../../dist/src/app.factory.js';
import { loadEnvironment } from '../../dist/src/config/environment.js';
import { DatabaseService } from '../../dist/src/database/database.service.js';
import { chainEntries, entryCanonicalText, exportLine, ZERO_HASH } from '../../dist/src/ledger/core/entry.js';
import { verifyJournal } from '../../dist/src/ledger/core/verify-journal.js';
import { LedgerService } from '../../dist/src/ledger/ledger.service.js';

const { values } = parseArgs({
  options: { seconds: { type: 'string', default: '5' }, entries: { type: 'string', default: '200000' } },
});
const seconds = Number(values.seconds);
const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const payload = () => ({
  raffle: 'r-1',
  order: randomBytes(8).toString('hex'),
  first: 1001,
  last: 1005,
  amountMinor: 2000,
  channel: 'ONLINE',
});
const draft = () => ({ type: 'TICKETS_SOLD', subject: 'raffle-1', payload: payload() });

async function withDatabase(work) {
  const name = `fairdraw_bench_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  await admin.query(`create database "${name}"`);
  const url = new URL(adminUrl);
  url.pathname = `/${name}`;
  try {
    return await work(url.toString());
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}

/** Runs `writers` loops of `op` for `seconds`; returns completed operations. */
async function drive(writers, op) {
  const deadline = Date.now() + seconds * 1000;
  let done = 0;
  await Promise.all(
    Array.from({ length: writers }, async () => {
      while (Date.now() < deadline) {
        await op();
        done++;
      }
    }),
  );
  return done;
}

async function plainInserts(url, writers, explicitTransaction) {
  const pool = new pg.Pool({ connectionString: url, max: writers });
  await pool.query(
    'create table if not exists plain_row (id bigserial primary key, type text, subject text, payload text, recorded_at timestamptz)',
  );
  const text = 'insert into plain_row (type, subject, payload, recorded_at) values ($1, $2, $3, now())';
  const started = performance.now();
  const done = await drive(writers, async () => {
    const row = draft();
    const params = [row.type, row.subject, JSON.stringify(row.payload)];
    if (!explicitTransaction) return pool.query(text, params);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(text, params);
      await client.query('commit');
    } finally {
      client.release();
    }
  });
  const elapsed = (performance.now() - started) / 1000;
  await pool.end();
  return done / elapsed;
}

async function ledgerAppends(url, writers, inTransaction) {
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-bench-'));
  const config = loadEnvironment({
    DATABASE_URL: url,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    ANCHOR_INTERVAL_SECONDS: '0',
    DATABASE_POOL_SIZE: String(writers + 4),
  });
  const app = await createApp(config);
  const ledger = app.get(LedgerService);
  const database = app.get(DatabaseService);
  try {
    const before = await ledger.treeSize();
    const started = performance.now();
    let last;
    const done = await drive(writers, async () => {
      last = inTransaction
        ? await database.transaction((trx) => ledger.append(trx, draft()))
        : await ledger.appendNow(draft());
    });
    await ledger.integrated(last, 60_000);
    // Every appended entry is integrated once the last one is and the tree holds them all.
    const after = await ledger.treeSize();
    const elapsed = (performance.now() - started) / 1000;
    if (after - before < done) throw new Error(`only ${after - before} of ${done} entries integrated`);
    return done / elapsed;
  } finally {
    await app.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}

async function verifierRate(count) {
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
  const result = await verifyJournal(lines);
  const verifyRate = count / ((performance.now() - started) / 1000);
  if (!result.ok) throw new Error('verifier rejected a valid journal');
  return { shaRate, verifyRate };
}

const rows = [];
await withDatabase(async (url) => {
  for (const writers of [1, 16]) {
    const plain = await plainInserts(url, writers, false);
    const plainTx = await plainInserts(url, writers, true);
    const ledger = await ledgerAppends(url, writers, false);
    const ledgerTx = await ledgerAppends(url, writers, true);
    rows.push({ writers, plain, plainTx, ledger, ledgerTx });
  }
});
const { shaRate, verifyRate } = await verifierRate(Number(values.entries));

const fmt = (n) => Math.round(n).toLocaleString('en-US');
const pct = (a, b) => `${((100 * a) / b).toFixed(0)} %`;
console.log(`\nLedger benchmark, ${seconds} s per measurement, ${new Date().toISOString()}\n`);
console.log(
  '| writers | plain INSERT (autocommit) /s | integrated appends (own statement) /s | share | plain BEGIN+INSERT+COMMIT /s | integrated appends in a business transaction /s | share |',
);
console.log('|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows) {
  console.log(
    `| ${r.writers} | ${fmt(r.plain)} | ${fmt(r.ledger)} | ${pct(r.ledger, r.plain)} | ${fmt(r.plainTx)} | ${fmt(r.ledgerTx)} | ${pct(r.ledgerTx, r.plainTx)} |`,
  );
}
console.log(
  `\n| offline verifier entries/s | raw SHA-256 of the same entry bytes /s (1 core) | verifier vs raw hashing |`,
);
console.log('|---:|---:|---:|');
console.log(`| ${fmt(verifyRate)} | ${fmt(shaRate)} | ${pct(verifyRate, shaRate)} |`);
