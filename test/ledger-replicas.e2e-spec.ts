import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sql } from 'kysely';
import pg from 'pg';
import { createApp } from '../src/app.factory.js';
import { loadEnvironment } from '../src/config/environment.js';
import { DatabaseService } from '../src/database/database.service.js';
import type { JournalEntry } from '../src/ledger/core/entry.js';
import { parseVerifierKey } from '../src/ledger/core/note-keys.js';
import { verifyJournal } from '../src/ledger/core/verify-journal.js';
import { AppConfig } from '../src/config/environment.js';
import { LedgerAnchoring } from '../src/ledger/ledger-anchoring.js';
import { LedgerMetrics } from '../src/ledger/ledger-metrics.js';
import { LedgerSequencer } from '../src/ledger/ledger-sequencer.js';
import { LedgerRepository, QUEUE_ID_BLOCK } from '../src/ledger/ledger.repository.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { startTestApp, type TestApp } from './support/app.js';
import { integratingOutcomes } from './support/journal.js';

/** The advisory lock keys of src/ledger/ledger.repository.ts: "FDLG" (sequencer) and "FDAN" (anchoring). */
const SEQUENCER_LOCK = 0x46444c47;
const ANCHOR_LOCK = 0x4644414e;
const ENV = { ANCHOR_INTERVAL_SECONDS: '0', LEDGER_POLL_MS: '20', LEDGER_LOCK_WAIT_MS: '1000' };

/**
 * Several tasks share one database in production. Each runs a sequencer; PostgreSQL decides which
 * one integrates, and a caller waiting on one replica learns its sequence number whichever did.
 */
describe('the ledger with two replicas on one PostgreSQL database', () => {
  let a: TestApp;
  let b: NestFastifyApplication;

  beforeAll(async () => {
    a = await startTestApp({ engine: 'postgres', env: ENV });
    b = await createApp(
      loadEnvironment({
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
        DATA_DIR: a.dataDir,
        DATABASE_URL: a.database!.url,
        ...ENV,
      }),
    );
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  async function appendThrough(app: NestFastifyApplication, i: number): Promise<number> {
    const ledger = app.get(LedgerService);
    const queued = await app
      .get(DatabaseService)
      .transaction((trx) =>
        ledger.append(trx, { type: 'TEST_EVENT', subject: `raffle-${i % 7}`, payload: { i } }),
      );
    // Generous: the machine running the tests may be shared; the chain is what is checked.
    const [entry] = await ledger.integrated(queued, 120_000);
    return entry.seq;
  }

  /** A session of its own on the test database (to hold a lock), closed afterwards. */
  async function withSession(work: (session: pg.Client) => Promise<void>): Promise<void> {
    const session = new pg.Client({ connectionString: a.database!.url });
    await session.connect();
    try {
      await work(session);
    } finally {
      await session.end();
    }
  }

  async function journal(): Promise<string[]> {
    const lines: string[] = [];
    for await (const line of a.app.get(LedgerService).exportLines(0)) lines.push(line.trimEnd());
    return lines;
  }

  it('gives 1,000 concurrent appends through both a gapless chain that verifies, and each caller its own entry', async () => {
    const seqs = await Promise.all(
      Array.from({ length: 1000 }, (_, i) => appendThrough(i % 2 ? b : a.app, i)),
    );
    expect(new Set(seqs).size).toBe(1000);

    const lines = await journal();
    const ledger = a.app.get(LedgerService);
    const digest = await ledger.digest();
    const result = await verifyJournal(lines, {
      checkpoints: [{ source: 'digest', note: digest.checkpoint }],
      verifiers: [parseVerifierKey(ledger.publicKey().verifierKey)],
    });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.treeSize).toBe(lines.length);
    expect(result.checkpoints[0].status).toBe('matched');
    // The sequence number each caller was given is that of the entry it appended.
    const bySeq = new Map(lines.map((line) => JSON.parse(line) as JournalEntry).map((e) => [e.seq, e]));
    seqs.forEach((seq, i) => expect([i, bySeq.get(seq)?.payload]).toEqual([i, { i }]));
  }, 180_000);

  it('keeps one gapless chain when both replicas integrate in their own transactions while their sequencers run', async () => {
    const integrating = async (app: NestFastifyApplication, i: number): Promise<number[]> => {
      const ledger = app.get(LedgerService);
      const queued = await ledger.integratingTransaction((trx) =>
        ledger.appendIntegrating(
          trx,
          { type: 'TEST_EVENT', subject: `raffle-${i % 7}`, payload: { i, part: 1 } },
          { type: 'TEST_EVENT', subject: `raffle-${i % 7}`, payload: { i, part: 2 } },
        ),
      );
      return (await ledger.integrated(queued, 120_000)).map((entry) => entry.seq);
    };
    const start = await a.app.get(LedgerService).treeSize();
    const seqs = (
      await Promise.all(
        Array.from({ length: 300 }, (_, i) =>
          i % 3 === 0
            ? appendThrough(i % 2 ? b : a.app, i).then((seq) => [seq])
            : integrating(i % 2 ? b : a.app, i),
        ),
      )
    ).flat();
    expect(new Set(seqs).size).toBe(seqs.length);
    expect(Math.min(...seqs)).toBe(start);
    expect(Math.max(...seqs)).toBe(start + seqs.length - 1);

    const lines = await journal();
    const ledger = a.app.get(LedgerService);
    const result = await verifyJournal(lines, {
      checkpoints: [{ source: 'digest', note: (await ledger.digest()).checkpoint }],
      verifiers: [parseVerifierKey(ledger.publicKey().verifierKey)],
    });
    expect(result.problems).toEqual([]);
    // The two parts of one transaction stay next to each other, in order, whoever integrated them.
    const parsed = lines.map((line) => JSON.parse(line) as JournalEntry);
    for (const [index, entry] of parsed.entries()) {
      const payload = entry.payload as { part?: number; i?: number };
      if (payload.part === 1) expect(parsed[index + 1].payload).toEqual({ i: payload.i, part: 2 });
    }
    const metrics = a.app.get(LedgerMetrics);
    expect((await metrics.appendsInTransaction.get()).values.length).toBeGreaterThan(0);
  });

  it('integrates in each transaction when the replicas take turns, each reading the tree the other extended', async () => {
    const caughtUp = () => integratingOutcomes(a.app, 'integrated:caught-up');
    await appendThrough(a.app, 0); // the queue is empty once this entry is integrated
    const before = await caughtUp();
    const start = await a.app.get(LedgerService).treeSize();
    const seqs: Array<number | undefined> = [];
    for (let i = 0; i < 6; i++) {
      const ledger = (i % 2 ? b : a.app).get(LedgerService);
      const [entry] = await ledger.integratingTransaction((trx) =>
        ledger.appendIntegrating(trx, { type: 'TEST_EVENT', subject: 'turns', payload: { i } }),
      );
      seqs.push(entry.integrated?.seq);
    }
    // None waited for a sequencer: each found the tree moved by the other and extended it.
    expect(seqs).toEqual([0, 1, 2, 3, 4, 5].map((i) => start + i));
    expect((await caughtUp()) - before).toBeGreaterThanOrEqual(2);
    const lines = await journal();
    const result = await verifyJournal(lines);
    expect(result.problems).toEqual([]);
    expect(lines.slice(start).map((line) => (JSON.parse(line) as JournalEntry).payload)).toEqual(
      [0, 1, 2, 3, 4, 5].map((i) => ({ i })),
    );
  });

  it('polls without taking the sequencer lock while nothing is queued', async () => {
    await appendThrough(a.app, 0); // the queue is empty once this entry is integrated
    await withSession(async (probe) => {
      await b.get(DatabaseService).transaction(async (trx) => {
        expect(await b.get(LedgerRepository).lockAndTakeQueued(trx, 10)).toEqual([]);
        // Free for another replica's integrating transaction while this poll's transaction is open.
        const { rows } = await probe.query('select pg_try_advisory_lock($1) as locked', [SEQUENCER_LOCK]);
        expect(rows[0].locked).toBe(true);
        await probe.query('select pg_advisory_unlock($1)', [SEQUENCER_LOCK]);
      });
    });
  });

  it('integrates only under the sequencer lock: while it is held elsewhere, committed entries wait', async () => {
    await withSession(async (holder) => {
      await holder.query('select pg_advisory_lock($1)', [SEQUENCER_LOCK]);
      const ledger = b.get(LedgerService);
      const before = await ledger.treeSize();
      const queued = await b
        .get(DatabaseService)
        .transaction((trx) =>
          ledger.append(trx, { type: 'TEST_EVENT', subject: null, payload: { held: true } }),
        );
      await expect(ledger.integrated(queued, 300)).rejects.toThrow(/not integrated within 300 ms/);
      expect(await ledger.treeSize()).toBe(before);
      // A transaction that would integrate its own entries queues them too: an entry committed
      // before them is still queued, and the journal keeps that order.
      const integrating = await ledger.integratingTransaction((trx) =>
        ledger.appendIntegrating(trx, {
          type: 'TEST_EVENT',
          subject: null,
          payload: { held: 'integrating' },
        }),
      );
      expect(integrating[0].integrated).toBeUndefined();
      expect(await ledger.treeSize()).toBe(before);

      await holder.query('select pg_advisory_unlock($1)', [SEQUENCER_LOCK]);
      const [entry, other] = await ledger.integrated([...queued, ...integrating], 10_000);
      expect(other.seq).toBe(entry.seq + 1);
      expect((await ledger.entry(entry.seq)).payload).toEqual({ held: true });
      expect((await ledger.entry(other.seq)).payload).toEqual({ held: 'integrating' });
    });
  });

  it('waits for the sequencer lock held elsewhere, then integrates in its own transaction', async () => {
    await appendThrough(a.app, 0); // the queue is empty once this entry is integrated
    const waited = () => integratingOutcomes(b, 'integrated:waited');
    const waitedBefore = await waited();
    await withSession(async (holder) => {
      await holder.query('begin');
      await holder.query('select pg_advisory_xact_lock($1)', [SEQUENCER_LOCK]);
      const ledger = b.get(LedgerService);
      const before = await ledger.treeSize();
      let settled = false;
      const integrating = ledger
        .integratingTransaction(async (trx) => {
          const entries = await ledger.appendIntegrating(trx, {
            type: 'TEST_EVENT',
            subject: null,
            payload: { waited: true },
          });
          // The wait's lock timeout does not outlive it.
          const { rows } = await sql<{
            timeout: string;
          }>`select current_setting('lock_timeout') as timeout`.execute(trx);
          expect(rows[0].timeout).toBe('0');
          return entries;
        })
        .finally(() => (settled = true));
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(settled).toBe(false);
      expect(await ledger.treeSize()).toBe(before);

      await holder.query('commit');
      const [entry] = await integrating;
      expect(entry.integrated?.seq).toBe(before);
      expect((await ledger.entry(before)).payload).toEqual({ waited: true });
      expect(await waited()).toBe(waitedBefore + 1);
    });
  });

  it('queues its entries when the sequencer lock is not free within LEDGER_LOCK_WAIT_MS', async () => {
    await appendThrough(a.app, 0); // the queue is empty once this entry is integrated
    const busy = () => integratingOutcomes(b, 'queued:busy');
    const busyBefore = await busy();
    await withSession(async (holder) => {
      await holder.query('select pg_advisory_lock($1)', [SEQUENCER_LOCK]);
      const ledger = b.get(LedgerService);
      const before = await ledger.treeSize();
      const started = Date.now();
      const [entry] = await ledger.integratingTransaction(async (trx) => {
        const entries = await ledger.appendIntegrating(trx, {
          type: 'TEST_EVENT',
          subject: null,
          payload: { busy: true },
        });
        // The transaction goes on after the timed-out wait (its savepoint undone, not the transaction).
        await sql`select 1`.execute(trx);
        return entries;
      });
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(entry.integrated).toBeUndefined();
      expect(await busy()).toBe(busyBefore + 1);
      expect(await ledger.treeSize()).toBe(before);

      await holder.query('select pg_advisory_unlock($1)', [SEQUENCER_LOCK]);
      const [place] = await ledger.integrated([entry], 10_000);
      expect((await ledger.entry(place.seq)).payload).toEqual({ busy: true });
    });
  });

  it('anchors from one replica at a time, once per tree size', async () => {
    const anchorings = [a.app.get(LedgerAnchoring), b.get(LedgerAnchoring)];
    await withSession(async (holder) => {
      await holder.query('select pg_advisory_lock($1)', [ANCHOR_LOCK]);
      for (const anchoring of anchorings) expect(await anchoring.anchorNow()).toBeUndefined();
      await holder.query('select pg_advisory_unlock($1)', [ANCHOR_LOCK]);
    });
    const treeSize = await a.app.get(LedgerService).treeSize();
    const results = await Promise.all(anchorings.map((anchoring) => anchoring.anchorNow()));
    expect(results.filter((result) => result !== undefined).map((result) => result!.treeSize)).toEqual([
      treeSize,
    ]);
    expect(await anchorings[1].anchor.list()).toEqual([{ treeSize, location: expect.any(String) }]);
  });
});

/**
 * A sequencer keeps the tree between its batches instead of re-reading it each time. When another
 * replica has extended the tree in between, its next batch must notice, re-read and go on, rather
 * than fork the chain or stop on a duplicate sequence number.
 */
describe('a sequencer whose remembered tree another replica has since extended', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({
      engine: 'postgres',
      env: { ANCHOR_INTERVAL_SECONDS: '0', INTEGRITY_JOURNAL_INTERVAL_SECONDS: '0' },
    });
    // Two sequencers driven by hand stand for two replicas; the application's own is stopped so
    // that it takes nothing from between them.
    await t.app.get(LedgerSequencer).onApplicationShutdown();
  });
  afterAll(async () => t?.close());

  it('re-reads the stored tree and extends it, keeping the chain gapless', async () => {
    const replica = () =>
      new LedgerSequencer(
        t.app.get(AppConfig),
        t.app.get(DatabaseService),
        t.app.get(LedgerRepository),
        t.app.get(LedgerMetrics),
      );
    const [x, y] = [replica(), replica()];
    const ledger = t.app.get(LedgerService);
    const append = (n: number) => ledger.appendNow({ type: 'TEST_EVENT', subject: null, payload: { n } });

    await x.integrateBatch(); // whatever start-up queued
    const start = await ledger.treeSize();
    await append(1);
    expect(await x.integrateBatch()).toBe(1); // x now remembers the tree of start + 1 entries
    await append(2);
    await append(3);
    expect(await y.integrateBatch()).toBe(2); // y reads the stored tree: x's memory is stale
    await append(4);
    expect(await x.integrateBatch()).toBe(1);
    await append(5);
    expect(await x.integrateBatch()).toBe(1);

    expect(await ledger.treeSize()).toBe(start + 5);
    const lines: string[] = [];
    for await (const line of ledger.exportLines(0)) lines.push(line.trimEnd());
    const result = await verifyJournal(lines);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const tail = lines.slice(start).map((line) => JSON.parse(line) as JournalEntry);
    expect(tail.map((entry) => [entry.seq, entry.payload])).toEqual(
      [1, 2, 3, 4, 5].map((n, i) => [start + i, { n }]),
    );
    // The stored root is the root of the exported entries.
    expect((await ledger.digest()).rootHash).toBe(result.rootHash);
  });

  it('keeps the order of one append whose entries take ids from more than one reserved block', async () => {
    const ledger = t.app.get(LedgerService);
    const sequencer = new LedgerSequencer(
      t.app.get(AppConfig),
      t.app.get(DatabaseService),
      t.app.get(LedgerRepository),
      t.app.get(LedgerMetrics),
    );
    const count = QUEUE_ID_BLOCK + 100;
    const queued = await ledger.appendNow(
      ...Array.from({ length: count }, (_, n) => ({ type: 'TEST_EVENT', subject: 'bulk', payload: { n } })),
    );
    expect(new Set(queued.map((entry) => entry.queueId)).size).toBe(count);
    const start = await ledger.treeSize();
    expect(await sequencer.integrateBatch()).toBe(count);
    const payloads: unknown[] = [];
    for await (const line of ledger.exportLines(start))
      payloads.push((JSON.parse(line) as JournalEntry).payload);
    expect(payloads).toEqual(Array.from({ length: count }, (_, n) => ({ n })));
  });
});
