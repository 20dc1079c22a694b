// Tamper drill: a PostgreSQL superuser edits, deletes, reorders and appends forged rows in the
// journal of a service that sold tickets (the append-only triggers switched off, as only a
// superuser can). Each change must be detected, and located, twice: by the service's scheduled
// integrity check (its report and readiness) and by the offline verifier on an export. An
// untouched copy must pass both, so a detection is not a false alarm.
//
//   npm run drill:tamper [-- --sales 40]
//   npm run drill:tamper -- --short      (CI: 20 sales; every tampering all the same)
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { CompactRange } from '../../src/ledger/core/compact-range.js';
import { freePort } from '../support/moto.js';
import { adminQuery, createTestDatabase, POSTGRES_ADMIN_URL } from '../support/postgres.js';
import { superuser } from './support/database.js';
import { exportAndVerify, openRaffle, settledTreeSize, tokens } from './support/fairdraw.js';
import { call, expectStatus } from './support/http.js';
import { atExit, DrillReport, runDrill, log, sleep } from './support/report.js';
import { startService } from './support/service.js';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    sales: { type: 'string' },
    dist: { type: 'string', default: 'dist' },
  },
});
const dist = resolve(args.dist);
const sales = Number(args.sales ?? (args.short ? 20 : 40));

interface Tampering {
  name: string;
  /** The superuser's statements, with the journal's triggers disabled around them. */
  statements: string[];
  /** Where the verifiers must locate it; null for the untouched control. */
  firstBadSeq: number | null;
  /** Problem kinds that name it (any one suffices). */
  kinds: RegExp;
}

/** The entry as the sequencer hashes it: SHA-256(0x00 || JCS(entry without hash)), in SQL. */
interface JournalCheck {
  ok: boolean;
  firstBadSeq: number | null;
  trigger: string;
  startedAt: string;
  problems: { kind: string }[];
}

const REHASH = `sha256('\\x00'::bytea || convert_to(
  '{"payload":' || payload || ',"prevHash":"' || encode(prev_hash, 'hex') || '","seq":' || seq ||
  ',"subject":' || coalesce('"' || subject || '"', 'null') || ',"time":"' ||
  to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') || '","type":"' || type || '"}', 'UTF8'))`;

async function main(): Promise<number> {
  const report = new DrillReport('tamper');
  const pristine = await createTestDatabase('fairdraw_drill_tamper');
  atExit(() => pristine.drop());
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-drill-tamper-'));
  const port = await freePort();
  const env = (databaseUrl: string, integrityInterval: string) => ({
    NODE_ENV: 'development',
    DATABASE_URL: databaseUrl,
    DATA_DIR: dataDir,
    LOG_LEVEL: 'warn',
    PAYMENT_PROVIDERS: 'cash',
    ANCHOR_INTERVAL_SECONDS: '0',
    INTEGRITY_JOURNAL_INTERVAL_SECONDS: integrityInterval,
  });

  // A journal with real sales and voids, anchored outside the database.
  log(`selling ${sales} tickets and anchoring a checkpoint`);
  let service = await startService({ dist, port, env: env(pristine.url, '0') });
  atExit(() => service.kill('SIGKILL'));
  const who = await tokens(dataDir);
  const raffleId = await openRaffle(service.base, who.admin, { channels: ['CASHIER'] });
  const orderIds: string[] = [];
  for (let i = 0; i < sales; i++) {
    const order = await expectStatus<{ orderId: string }>(
      201,
      service.base,
      'POST',
      `/v1/raffles/${raffleId}/orders`,
      {
        headers: { ...who.seller, 'idempotency-key': `tamper-${i}` },
        body: { packageId: 'one', channel: 'CASHIER', paymentMethod: 'cash' },
      },
    );
    orderIds.push(order.orderId);
  }
  for (const orderId of orderIds.slice(0, 2)) {
    await expectStatus(200, service.base, 'POST', `/v1/orders/${orderId}/void`, {
      headers: who.operator,
      body: { reason: 'tamper drill: a void on record' },
    });
  }
  await settledTreeSize(service.base, who.auditor);
  const anchored = await expectStatus<{ treeSize: number }>(201, service.base, 'POST', '/v1/ledger/anchor', {
    headers: who.admin,
  });
  await service.kill('SIGTERM');
  const [{ size }] = await superuser<{ size: number }>(
    pristine.url,
    'select tree_size::int as size from ledger_state',
  );
  const sold = await superuser<{ seq: number }>(
    pristine.url,
    `select seq::int from ledger_entry where type = 'TICKETS_SOLD' order by seq`,
  );
  const k = sold[Math.floor(sold.length / 2)].seq;
  const cut = sold[sold.length - 3].seq;
  // The forger keeps the service running over the forged entry: the state row (size, last hash,
  // frontier, root) is advanced with the project's own Merkle code, as an insider could.
  const [state] = await superuser<{ frontier: string; last_hash: Buffer }>(
    pristine.url,
    'select frontier, last_hash from ledger_state',
  );
  const forgedHash = createHash('sha256').update('forged').digest();
  const tree = CompactRange.fromJSON(JSON.parse(state.frontier));
  tree.appendAll([forgedHash]);
  const hashes = await superuser<{ hash: Buffer }>(
    pristine.url,
    `select hash from ledger_entry where seq < ${cut} order by seq`,
  );
  const truncated = CompactRange.fromLeafHashes(hashes.map((row) => row.hash));
  const hex = (bytes: Uint8Array) => `'\\x${Buffer.from(bytes).toString('hex')}'::bytea`;
  log(`journal of ${size} entries, checkpoint anchored at ${anchored.treeSize}; tampering around entry ${k}`);

  const tamperings: Tampering[] = [
    { name: 'untouched', statements: [], firstBadSeq: null, kinds: /^$/ },
    {
      name: 'edit a sale (price 1000 -> 1)',
      statements: [
        `update ledger_entry set payload = replace(payload, '"priceMinor":1000', '"priceMinor":1') where seq = ${k}`,
      ],
      firstBadSeq: k,
      kinds: /hash-mismatch/,
    },
    {
      name: 'edit a sale into a void and recompute its hash',
      statements: [
        `update ledger_entry set type = 'TICKETS_VOIDED' where seq = ${k}`,
        `update ledger_entry set hash = ${REHASH} where seq = ${k}`,
      ],
      // The rewritten entry is consistent in itself; the next entry's link to it breaks.
      firstBadSeq: k + 1,
      kinds: /broken-link/,
    },
    {
      name: 'delete a sale',
      statements: [`delete from ledger_entry where seq = ${k}`],
      firstBadSeq: k,
      kinds: /seq-gap/,
    },
    {
      name: 'reorder two sales',
      statements: [
        `update ledger_entry set seq = 1000000000 where seq = ${k}`,
        `update ledger_entry set seq = ${k} where seq = ${k + 1}`,
        `update ledger_entry set seq = ${k + 1} where seq = 1000000000`,
      ],
      firstBadSeq: k,
      kinds: /broken-link|hash-mismatch/,
    },
    {
      name: 'append a forged sale after the last entry',
      statements: [
        `insert into ledger_entry (seq, type, subject, payload, recorded_at, prev_hash, hash)
         select ${size}, 'TICKETS_SOLD', subject, replace(payload, '"priceMinor":1000', '"priceMinor":1000000'),
                recorded_at, hash, ${hex(forgedHash)} from ledger_entry where seq = ${size - 1}`,
        `update ledger_state set tree_size = ${size + 1}, last_hash = ${hex(forgedHash)}, root_hash = ${hex(tree.root())},
                frontier = '${JSON.stringify(tree.toJSON())}'`,
      ],
      firstBadSeq: size,
      kinds: /hash-mismatch/,
    },
    {
      name: 'truncate the tail and rebuild the state row',
      statements: [
        `delete from ledger_entry where seq >= ${cut}`,
        `update ledger_state set tree_size = ${cut}, last_hash = (select hash from ledger_entry where seq = ${cut - 1}),
                root_hash = ${hex(truncated.root())}, frontier = '${JSON.stringify(truncated.toJSON())}'`,
      ],
      // What is left is consistent in itself (the state row rebuilt with the project's Merkle
      // code): only the checkpoint anchored outside the database, which holds more entries, tells.
      firstBadSeq: null,
      kinds: /truncated|checkpoint-mismatch|state-mismatch/,
    },
  ];

  const url = new URL(POSTGRES_ADMIN_URL);
  for (const [index, tampering] of tamperings.entries()) {
    const name = `${pristine.name}_t${index}`;
    await adminQuery(`create database "${name}" template "${pristine.name}"`);
    url.pathname = `/${name}`;
    const copy = url.toString();
    try {
      if (tampering.statements.length > 0) {
        const tables = ['ledger_entry', 'ledger_state'];
        await superuser(
          copy,
          [
            'begin',
            ...tables.map((t) => `alter table ${t} disable trigger user`),
            ...tampering.statements,
            ...tables.map((t) => `alter table ${t} enable trigger user`),
            'commit',
          ].join(';\n'),
        );
      }
      await probe(report, tampering, copy, env(copy, '1'));
    } finally {
      await adminQuery(`drop database if exists "${name}" with (force)`);
    }
  }

  async function probe(
    report: DrillReport,
    tampering: Tampering,
    copy: string,
    serviceEnv: Record<string, string>,
  ) {
    const label = `[${tampering.name}]`;
    const startedAt = new Date().toISOString();
    service = await startService({ dist, port, env: serviceEnv });
    try {
      // The scheduled check (every second here), not one asked for: the service finds it by itself.
      let last: JournalCheck | null = null;
      for (let i = 0; i < 240 && last === null; i++) {
        const answer = await call(service.base, 'GET', '/v1/integrity/journal', { headers: who.auditor });
        const check =
          answer.ok && answer.status === 200
            ? (answer.body as { lastCheck: JournalCheck | null }).lastCheck
            : null;
        if (check && check.trigger === 'schedule' && check.startedAt > startedAt) last = check;
        else await sleep(250);
      }
      const ready = await call(service.base, 'GET', '/health/ready');
      const offline = await exportAndVerify({
        base: service.base,
        auditor: who.auditor,
        dist,
        workDir: dataDir,
        dataDir,
      });
      const kinds = (problems: { kind: string }[]) => problems.map((p) => p.kind).join(' ');
      if (!report.check(last !== null, `${label} no scheduled integrity check ran`)) return;
      if (tampering.firstBadSeq === null && tampering.statements.length === 0) {
        report.check(
          last!.ok,
          `${label} the scheduled check failed an untouched journal: ${kinds(last!.problems)}`,
        );
        report.check(offline.result.ok, `${label} the offline verifier failed an untouched journal`);
        report.check(
          ready.ok && ready.status === 200,
          `${label} readiness is not green on an untouched journal`,
        );
        log(`${label} both verifiers pass the untouched copy`);
        return;
      }
      report.check(!last!.ok, `${label} the scheduled integrity check did not detect it`);
      report.check(
        kinds(last!.problems) === '' || tampering.kinds.test(kinds(last!.problems)),
        `${label} scheduled check reported ${kinds(last!.problems)}`,
      );
      report.check(
        !offline.result.ok && offline.exitCode === 1,
        `${label} the offline verifier did not detect it`,
      );
      report.check(
        tampering.kinds.test(kinds(offline.result.problems) + ' ' + kinds(last!.problems)),
        `${label} unexpected problem kinds: offline ${kinds(offline.result.problems)}`,
      );
      if (tampering.firstBadSeq !== null) {
        report.check(
          last!.firstBadSeq === tampering.firstBadSeq,
          `${label} the scheduled check located it at ${last!.firstBadSeq}, not ${tampering.firstBadSeq}`,
        );
        report.check(
          offline.result.firstBadSeq === tampering.firstBadSeq,
          `${label} the offline verifier located it at ${offline.result.firstBadSeq}, not ${tampering.firstBadSeq}`,
        );
      }
      report.check(ready.ok && ready.status === 503, `${label} readiness stayed green`);
      report.count('detected');
      log(
        `${label} scheduled check: first bad entry ${last!.firstBadSeq} (${kinds(last!.problems)}); ` +
          `offline verifier: first bad entry ${offline.result.firstBadSeq} (${kinds(offline.result.problems)}); readiness ${ready.ok ? ready.status : ready.error}`,
      );
    } finally {
      await service.kill('SIGTERM');
    }
  }

  report.set('tamperings', tamperings.length - 1);
  report.set('journalEntries', size);
  rmSync(dataDir, { recursive: true, force: true });
  return report.finish();
}

runDrill('tamper', main);
