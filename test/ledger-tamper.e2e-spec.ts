import { DatabaseService } from '../src/database/database.service.js';
import { CompactRange } from '../src/ledger/core/compact-range.js';
import type { JournalEntry } from '../src/ledger/core/entry.js';
import { ProofError } from '../src/ledger/core/proof-error.js';
import { verifyConsistency } from '../src/ledger/core/proof-verify.js';
import { verifyJournal } from '../src/ledger/core/verify-journal.js';
import { LedgerAnchoring } from '../src/ledger/ledger-anchoring.js';
import { LedgerIntegrity } from '../src/ledger/ledger-integrity.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { adminQuery } from './support/postgres.js';

/**
 * A database superuser can switch the append-only triggers off. These drills do exactly that on
 * the real PostgreSQL, and show that verification still finds each change and names the entry.
 */
const ENTRIES = 40;
/** Entries in the journal after the drill's 40 (the service journals its own start first). */
let journalSize: number;

async function journalWith40AnchoredEntries(): Promise<TestApp> {
  const t = await startTestApp({ engine: 'postgres', env: { ANCHOR_INTERVAL_SECONDS: '0' } });
  const ledger = t.app.get(LedgerService);
  const queued = await t.app.get(DatabaseService).transaction((trx) =>
    ledger.append(
      trx,
      ...Array.from({ length: ENTRIES }, (_, i) => ({
        type: 'TICKETS_SOLD',
        subject: 'raffle-7',
        payload: { order: i, first: 100 + i * 5, last: 104 + i * 5, amountMinor: 2000 },
      })),
    ),
  );
  const [last] = (await ledger.integrated(queued)).slice(-1);
  journalSize = last.seq + 1;
  expect(await ledger.treeSize()).toBe(journalSize);
  expect((await t.app.get(LedgerAnchoring).anchorNow())?.treeSize).toBe(journalSize);
  return t;
}

/** Runs statements as the superuser with the ledger's triggers disabled, as an attacker would. */
async function asAttacker(t: TestApp, ...statements: string[]): Promise<void> {
  const tables = ['ledger_entry', 'ledger_state', 'ledger_node'];
  await adminQuery(
    [
      'begin',
      ...tables.map((table) => `alter table ${table} disable trigger user`),
      ...statements,
      ...tables.map((table) => `alter table ${table} enable trigger user`),
      'commit',
    ].join(';\n'),
    [],
    t.database!.name,
  );
}

async function exported(t: TestApp): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of t.app.get(LedgerService).exportLines(0, Number.MAX_SAFE_INTEGER))
    lines.push(line.trimEnd());
  return lines;
}

describe('tampering with the journal as a PostgreSQL superuser', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  async function expectDetectedAt(firstBadSeq: number, kinds: RegExp): Promise<void> {
    const report = await t!.app.get(LedgerIntegrity).verify();
    expect(report.ok).toBe(false);
    expect(report.firstBadSeq).toBe(firstBadSeq);
    expect(report.problems.map((p) => p.kind).join(' ')).toMatch(kinds);
    const offline = await verifyJournal(await exported(t!));
    expect(offline.ok).toBe(false);
    expect(offline.firstBadSeq).toBe(firstBadSeq);
  }

  it('finds nothing wrong in the untouched journal, which matches its anchored checkpoint', async () => {
    t = await journalWith40AnchoredEntries();
    const report = await t.app.get(LedgerIntegrity).verify();
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report.anchoredCheckpoints).toBe(1);
    expect(report.checkpoints[0].status).toBe('matched');
  });

  it('locates an edited entry', async () => {
    t = await journalWith40AnchoredEntries();
    await asAttacker(
      t,
      `update ledger_entry set payload = replace(payload, '"amountMinor":2000', '"amountMinor":1') where seq = 20`,
    );
    await expectDetectedAt(20, /hash-mismatch/);
  });

  it('locates an edited entry even when the attacker recomputes its hash', async () => {
    t = await journalWith40AnchoredEntries();
    // The new hash no longer matches the next entry's prevHash, nor the anchored root.
    await asAttacker(
      t,
      `update ledger_entry set type = 'TICKETS_VOIDED' where seq = 12`,
      `update ledger_entry set hash = sha256('\\x00'::bytea || convert_to(
         '{"payload":' || payload || ',"prevHash":"' || encode(prev_hash, 'hex') || '","seq":' || seq ||
         ',"subject":"' || subject || '","time":"' || to_char(recorded_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') ||
         '","type":"' || type || '"}', 'UTF8')) where seq = 12`,
    );
    await expectDetectedAt(13, /broken-link/);
    const report = await t.app.get(LedgerIntegrity).verify();
    expect(report.problems.map((p) => p.kind)).toContain('checkpoint-mismatch');
  });

  it('locates a deleted entry', async () => {
    t = await journalWith40AnchoredEntries();
    await asAttacker(t, 'delete from ledger_entry where seq = 30');
    await expectDetectedAt(30, /seq-gap/);
  });

  it('locates two entries swapped', async () => {
    t = await journalWith40AnchoredEntries();
    await asAttacker(
      t,
      'update ledger_entry set seq = 1000000 where seq = 10',
      'update ledger_entry set seq = 10 where seq = 11',
      'update ledger_entry set seq = 11 where seq = 1000000',
    );
    await expectDetectedAt(10, /broken-link|hash-mismatch/);
  });

  it('locates a forged entry appended at the end', async () => {
    t = await journalWith40AnchoredEntries();
    await asAttacker(
      t,
      `insert into ledger_entry (seq, type, subject, payload, recorded_at, prev_hash, hash)
       select ${journalSize}, 'TICKETS_SOLD', 'raffle-7', '{"amountMinor":2000,"first":1,"last":1,"order":99}', now(),
              hash, sha256('forged'::bytea) from ledger_entry where seq = ${journalSize - 1}`,
    );
    await expectDetectedAt(journalSize, /hash-mismatch|state-mismatch/);
  });

  it('catches a truncated tail with the anchored checkpoint, even when the state row is rewritten', async () => {
    t = await journalWith40AnchoredEntries();
    await asAttacker(
      t,
      'delete from ledger_entry where seq >= 35',
      `update ledger_state set tree_size = 35, last_hash = (select hash from ledger_entry where seq = 34)`,
    );
    const report = await t.app.get(LedgerIntegrity).verify();
    expect(report.ok).toBe(false);
    expect(report.checkpoints[0]).toMatchObject({ status: 'beyond-export', treeSize: journalSize });
    expect(report.problems.map((p) => p.kind)).toContain('truncated');
  });

  it('catches a tail truncated and written anew with the anchored checkpoint: its consistency proof fails', async () => {
    t = await journalWith40AnchoredEntries();
    const ledger = t.app.get(LedgerService);
    const anchored = (await t.app.get(LedgerAnchoring).anchor.read(journalSize))!;
    const cut = journalSize - 5;
    // The attacker drops the last five entries and the tree nodes over them, restores the tree state
    // at the cut, and lets the service write a different history on top of it.
    const kept = (await exported(t)).slice(0, cut).map((line) => JSON.parse(line) as JournalEntry);
    const frontier = CompactRange.fromLeafHashes(kept.map((entry) => Buffer.from(entry.hash, 'hex')));
    await asAttacker(
      t,
      `delete from ledger_entry where seq >= ${cut}`,
      `delete from ledger_node where (index + 1) * (2 ^ level)::bigint > ${cut}`,
      `update ledger_state set tree_size = ${cut}, root_hash = '\\x${frontier.root().toString('hex')}',
         last_hash = '\\x${kept[cut - 1].hash}', frontier = '${JSON.stringify(frontier.toJSON())}'`,
    );
    const rewritten = await t.app.get(DatabaseService).transaction((trx) =>
      ledger.append(
        trx,
        ...Array.from({ length: 10 }, (_, i) => ({
          type: 'TICKETS_SOLD',
          subject: 'raffle-7',
          payload: { order: 100 + i, first: 1, last: 1, amountMinor: 1 },
        })),
      ),
    );
    await ledger.integrated(rewritten);
    const current = await ledger.digest();
    expect(current.treeSize).toBe(cut + 10);
    expect(current.treeSize).toBeGreaterThan(journalSize);

    // The journal is internally consistent again: only the checkpoint anchored before the attack tells.
    const offline = await verifyJournal(await exported(t));
    expect(offline.problems).toEqual([]);
    const proof = await ledger.consistencyProof(journalSize, current.treeSize);
    expect(() =>
      verifyConsistency(
        journalSize,
        current.treeSize,
        proof.path.map((h) => Buffer.from(h, 'hex')),
        Buffer.from(anchored.rootHash, 'hex'),
        Buffer.from(current.rootHash, 'hex'),
      ),
    ).toThrow(ProofError);
    const report = await t.app.get(LedgerIntegrity).verify();
    expect(report.ok).toBe(false);
    expect(report.checkpoints[0]).toMatchObject({ status: 'mismatch', treeSize: journalSize });
  });

  it('gives the runtime role no privilege to rewrite the journal, even were the triggers gone', async () => {
    t = await journalWith40AnchoredEntries();
    const asRuntime = (statement: string) =>
      adminQuery(`begin; set local role fairdraw_runtime; ${statement}; commit`, [], t!.database!.name);
    await expect(asRuntime(`update ledger_entry set type = 'FORGED' where seq = 0`)).rejects.toThrow(
      /permission denied/,
    );
    await expect(asRuntime('delete from ledger_entry where seq = 0')).rejects.toThrow(/permission denied/);
    await expect(asRuntime('truncate ledger_entry')).rejects.toThrow(/permission denied/);
    await expect(asRuntime('alter table ledger_entry disable trigger user')).rejects.toThrow(/must be owner/);
    await asRuntime(
      `insert into ledger_queue (type, subject, payload, recorded_at) values ('TEST_EVENT', null, '{}', now())`,
    );
  });
});
