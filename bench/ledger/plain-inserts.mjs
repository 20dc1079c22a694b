// The baseline of the ledger benchmark: plain INSERTs of rows the size of journal entries into an
// ordinary table, one per statement. It runs in its own process (forked by run.mjs) so that nothing
// the service loads or enables in the benchmark's process (async hooks, a larger heap) slows it.
import { parseArgs } from 'node:util';
import pg from 'pg';
import { cpuMeter, draft, drive, measurement } from './common.mjs';

const { values } = parseArgs({
  options: {
    url: { type: 'string' },
    name: { type: 'string' },
    admin: { type: 'string' },
    writers: { type: 'string' },
    seconds: { type: 'string' },
    transaction: { type: 'boolean', default: false },
  },
});
const writers = Number(values.writers);
const admin = new pg.Client({ connectionString: values.admin });
await admin.connect();
const pool = new pg.Pool({ connectionString: values.url, max: writers });
try {
  await pool.query(
    'create table if not exists plain_row (id bigserial primary key, type text, subject text, payload text, recorded_at timestamptz)',
  );
  // Open the connections first, so that the meter sees every backend and connecting is not measured.
  const clients = await Promise.all(Array.from({ length: writers }, () => pool.connect()));
  for (const client of clients) client.release();
  const text = 'insert into plain_row (type, subject, payload, recorded_at) values ($1, $2, $3, now())';
  const meter = await cpuMeter(admin, values.name);
  const started = performance.now();
  const done = await drive(writers, Number(values.seconds), async () => {
    const row = draft();
    const params = [row.type, row.subject, JSON.stringify(row.payload)];
    if (!values.transaction) return pool.query(text, params);
    const client = await pool.connect();
    try {
      await client.query('begin');
      await client.query(text, params);
      await client.query('commit');
    } finally {
      client.release();
    }
  });
  const elapsed = performance.now() - started;
  process.send(measurement(done, elapsed, await meter.stop()));
} finally {
  await pool.end();
  await admin.end();
}
