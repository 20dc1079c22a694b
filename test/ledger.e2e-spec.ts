import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { DatabaseService } from '../src/database/database.service.js';
import { openCheckpoint } from '../src/ledger/core/checkpoint.js';
import { parseVerifierKey } from '../src/ledger/core/note-keys.js';
import { verifyConsistency, verifyInclusion } from '../src/ledger/core/proof-verify.js';
import { verifyJournal } from '../src/ledger/core/verify-journal.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { integratingOutcomes } from './support/journal.js';

const hex = (h: string) => Buffer.from(h, 'hex');

async function appendCommitted(t: TestApp, count: number, subject = 'raffle-1') {
  const ledger = t.app.get(LedgerService);
  const queued = await t.app.get(DatabaseService).transaction((trx) =>
    ledger.append(
      trx,
      ...Array.from({ length: count }, (_, i) => ({
        type: 'TEST_EVENT',
        subject,
        payload: { n: i, amountMinor: 1000 + i, note: 'ünïcödé' },
      })),
    ),
  );
  return ledger.integrated(queued);
}

describe.each(['pglite', 'postgres'] as const)('the ledger on %s', (engine) => {
  let t: TestApp;
  let auditor: string;

  beforeAll(async () => {
    t = await startTestApp({ engine, env: { ANCHOR_INTERVAL_SECONDS: '0' } });
    auditor = await t.token(['auditor'], 'audrey');
  });
  afterAll(async () => t?.close());

  const get = (url: string, token = auditor) => t.app.inject({ method: 'GET', url, headers: bearer(token) });

  it('journals an entry only when the business transaction commits', async () => {
    const ledger = t.app.get(LedgerService);
    const database = t.app.get(DatabaseService);
    const before = await ledger.treeSize();
    await expect(
      database.transaction(async (trx) => {
        await ledger.append(trx, { type: 'TEST_EVENT', subject: null, payload: { rolledBack: true } });
        throw new Error('the sale failed');
      }),
    ).rejects.toThrow('the sale failed');
    const [integrated] = await appendCommitted(t, 1);
    expect(integrated.seq).toBe(before);
    expect(await ledger.treeSize()).toBe(before + 1);
    const { entry } = await ledger.entryWithProof(integrated.seq);
    expect(entry.payload).toEqual({ n: 0, amountMinor: 1000, note: 'ünïcödé' });
  });

  it('refuses malformed entries before they reach the queue', async () => {
    const ledger = t.app.get(LedgerService);
    await expect(
      t.app
        .get(DatabaseService)
        .transaction((trx) => ledger.append(trx, { type: 'lower_case', subject: null, payload: {} })),
    ).rejects.toThrow(/type/);
    await expect(
      t.app
        .get(DatabaseService)
        .transaction((trx) =>
          ledger.append(trx, { type: 'OK', subject: null, payload: { price: 0.1 + 0.2, big: 2 ** 60 } }),
        ),
    ).rejects.toThrow(/payload/);
  });

  it('integrates in the appending transaction when asked, nothing if it rolls back, and from the stored tree after that', async () => {
    const ledger = t.app.get(LedgerService);
    await appendCommitted(t, 1); // the sequencer has read the tree
    const before = await ledger.treeSize();
    // Text that JSON and PostgreSQL's array and JSON forms escape: stored and hashed byte for byte.
    const text = 'a "quoted" \\ back\\slash, {braces}, ünïcödé 😀 \u2028 \t end';
    const draft = (n: number) => ({ type: 'TEST_EVENT', subject: 'raffle-9', payload: { n, text } });

    const direct = await ledger.integratingTransaction((trx) =>
      ledger.appendIntegrating(trx, draft(1), draft(2)),
    );
    expect(direct.map((entry) => entry.integrated?.seq)).toEqual([before, before + 1]);
    expect(await ledger.treeSize()).toBe(before + 2);
    expect(await ledger.integrated(direct)).toEqual(direct.map((entry) => entry.integrated));
    const { entry: stored } = await ledger.entryWithProof(before + 1);
    expect(stored.payload).toEqual({ n: 2, text });
    expect(stored.hash).toBe(direct[1].integrated!.hash);

    await expect(
      ledger.integratingTransaction(async (trx) => {
        const [entry] = await ledger.appendIntegrating(trx, draft(3));
        expect(entry.integrated?.seq).toBe(before + 2);
        throw new Error('the batch failed');
      }),
    ).rejects.toThrow('the batch failed');
    expect(await ledger.treeSize()).toBe(before + 2);

    // The tree the rolled-back transaction extended is not the stored one: this append reads the
    // stored tree in its own transaction and extends that.
    const caughtUp = () => integratingOutcomes(t.app, 'integrated:caught-up');
    const caughtUpBefore = await caughtUp();
    const after = await ledger.integratingTransaction((trx) => ledger.appendIntegrating(trx, draft(4)));
    expect(after[0].integrated?.seq).toBe(before + 2);
    expect(await caughtUp()).toBe(caughtUpBefore + 1);
    const again = await ledger.integratingTransaction((trx) => ledger.appendIntegrating(trx, draft(5)));
    expect(again[0].integrated?.seq).toBe(before + 3);

    const lines = (await get('/v1/ledger/export')).body.trimEnd().split('\n');
    const digest = (await get('/v1/ledger/digest')).json();
    const key = (await get('/v1/ledger/public-key')).json();
    const result = await verifyJournal(lines, {
      checkpoints: [{ source: 'digest', note: digest.checkpoint }],
      verifiers: [parseVerifierKey(key.verifierKey)],
    });
    expect(result.problems).toEqual([]);
    expect(result.treeSize).toBe(digest.treeSize);
    expect(lines.slice(before, before + 4).map((line) => JSON.parse(line).payload.n)).toEqual([1, 2, 4, 5]);
  });

  it('queues an entry asked to integrate while earlier entries wait in the queue, so the journal keeps their order', async () => {
    const ledger = t.app.get(LedgerService);
    await appendCommitted(t, 1);
    const before = await ledger.treeSize();
    const [first, second] = await ledger.integratingTransaction(async (trx) => [
      ...(await ledger.append(trx, { type: 'TEST_EVENT', subject: 'raffle-8', payload: { n: 'first' } })),
      ...(await ledger.appendIntegrating(trx, {
        type: 'TEST_EVENT',
        subject: 'raffle-8',
        payload: { n: 'second' },
      })),
    ]);
    expect(second.integrated).toBeUndefined();
    const places = await ledger.integrated([first, second]);
    expect(places.map((place) => place.seq)).toEqual([before, before + 1]);
  });

  it('gives 1,000 concurrent appends a gapless chain that the offline verifier accepts', async () => {
    const ledger = t.app.get(LedgerService);
    const start = await ledger.treeSize();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => appendCommitted(t, 10, `raffle-${i}`)),
    );
    const seqs = results
      .flat()
      .map((r) => r.seq)
      .sort((a, b) => a - b);
    expect(seqs).toEqual(Array.from({ length: 1000 }, (_, i) => start + i));

    const exported = await get('/v1/ledger/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toContain('application/x-ndjson');
    const lines = exported.body.trimEnd().split('\n');
    const digest = (await get('/v1/ledger/digest')).json();
    const key = (await get('/v1/ledger/public-key')).json();
    const result = await verifyJournal(lines, {
      checkpoints: [{ source: 'digest', note: digest.checkpoint }],
      verifiers: [parseVerifierKey(key.verifierKey)],
    });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(result.treeSize).toBe(digest.treeSize);
    expect(result.rootHash).toBe(digest.rootHash);
    expect(result.checkpoints[0].status).toBe('matched');
  });

  it('serves a signed checkpoint and a public key that verifies it', async () => {
    const note = await get('/v1/ledger/checkpoint');
    expect(note.statusCode).toBe(200);
    expect(note.headers['content-type']).toContain('text/plain');
    const key = (await get('/v1/ledger/public-key')).json();
    expect(key.verifierKey.startsWith(`${key.keyName}+`)).toBe(true);
    expect(key.publicKeyPem).toContain('BEGIN PUBLIC KEY');
    const { checkpoint } = openCheckpoint(note.body, [parseVerifierKey(key.verifierKey)]);
    const digest = (await get('/v1/ledger/digest')).json();
    expect(checkpoint.origin).toBe(key.keyName);
    expect(checkpoint.size).toBe(digest.treeSize);
    expect(checkpoint.rootHash.toString('hex')).toBe(digest.rootHash);
    expect(digest.rootHash).toMatch(/^[0-9a-f]{64}$/);
  });

  it('proves any entry included in the latest and in an earlier tree', async () => {
    const digest = (await get('/v1/ledger/digest')).json();
    for (const seq of [0, 1, 7, digest.treeSize - 1]) {
      const response = await get(`/v1/ledger/entries/${seq}`);
      expect(response.statusCode).toBe(200);
      const { entry, proof, checkpoint } = response.json();
      expect(entry.seq).toBe(seq);
      expect(proof.leafHash).toBe(entry.hash);
      const { checkpoint: cp } = openCheckpoint(checkpoint, [
        parseVerifierKey((await get('/v1/ledger/public-key')).json().verifierKey),
      ]);
      verifyInclusion(seq, proof.treeSize, hex(proof.leafHash), proof.path.map(hex), cp.rootHash);
    }
    const earlier = (await get('/v1/ledger/entries/3?treeSize=9')).json();
    expect(earlier.proof.treeSize).toBe(9);
    const { checkpoint } = openCheckpoint(earlier.checkpoint, [
      parseVerifierKey((await get('/v1/ledger/public-key')).json().verifierKey),
    ]);
    expect(checkpoint.size).toBe(9);
    verifyInclusion(3, 9, hex(earlier.proof.leafHash), earlier.proof.path.map(hex), checkpoint.rootHash);
  });

  it('proves consistency between two tree sizes', async () => {
    const ledger = t.app.get(LedgerService);
    const size = await ledger.treeSize();
    for (const [from, to] of [
      [1, size],
      [5, 17],
      [size - 1, size],
      [size, size],
    ]) {
      const response = await get(`/v1/ledger/consistency?from=${from}&to=${to}`);
      expect(response.statusCode).toBe(200);
      const proof = response.json();
      expect(proof).toMatchObject({ first: from, second: to });
      verifyConsistency(from, to, proof.path.map(hex), await ledger.rootAt(from), await ledger.rootAt(to));
    }
  });

  it('answers bad proof requests with 400 or 404 naming the field', async () => {
    const size = await t.app.get(LedgerService).treeSize();
    const beyond = await get(`/v1/ledger/entries/${size + 5}`);
    expect(beyond.statusCode).toBe(404);
    const badSize = await get(`/v1/ledger/entries/2?treeSize=2`);
    expect(badSize.statusCode).toBe(400);
    expect(badSize.json().fields[0].field).toBe('treeSize');
    const notNumber = await get('/v1/ledger/consistency?from=abc&to=3');
    expect(notNumber.statusCode).toBe(400);
    expect(notNumber.json().fields.map((f: { field: string }) => f.field)).toContain('from');
    const reversed = await get('/v1/ledger/consistency?from=5&to=3');
    expect(reversed.statusCode).toBe(400);
  });

  it('lets only auditors and admins read it, and operators anchor', async () => {
    const seller = await t.token(['seller']);
    expect((await get('/v1/ledger/digest', seller)).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/v1/ledger/digest' })).statusCode).toBe(401);
    const auditorAnchor = await t.app.inject({
      method: 'POST',
      url: '/v1/ledger/anchor',
      headers: bearer(auditor),
    });
    expect(auditorAnchor.statusCode).toBe(403);
  });

  it('anchors a signed checkpoint in the local folder, once per tree size', async () => {
    const operator = await t.token(['operator']);
    const first = await t.app.inject({ method: 'POST', url: '/v1/ledger/anchor', headers: bearer(operator) });
    expect(first.statusCode).toBe(201);
    const body = first.json();
    expect(body.anchored).toBe(true);
    expect(body.receipt.anchor).toBe('local');
    const files = readdirSync(join(t.dataDir, 'anchors', 'checkpoints'));
    expect(files).toContain(`${String(body.treeSize).padStart(20, '0')}.note`);
    const note = readFileSync(join(t.dataDir, 'anchors', 'checkpoints', files[files.length - 1]), 'utf8');
    expect(note.split('\n')[1]).toBe(String(body.treeSize));
    const again = await t.app.inject({ method: 'POST', url: '/v1/ledger/anchor', headers: bearer(operator) });
    expect(again.json()).toEqual({ anchored: false });
  });

  it('refuses UPDATE, DELETE and TRUNCATE of the journal in the database itself', async () => {
    const db = t.app.get(DatabaseService).db;
    await expect(sql`update ledger_entry set type = 'FORGED' where seq = 0`.execute(db)).rejects.toThrow(
      /append-only/,
    );
    await expect(sql`delete from ledger_entry where seq = 0`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`truncate ledger_entry cascade`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`delete from ledger_node`.execute(db)).rejects.toThrow(/append-only/);
    await expect(sql`update ledger_checkpoint set note = ''`.execute(db)).rejects.toThrow(/append-only/);
  });

  it('reports integration lag and tree size as metrics', async () => {
    const admin = await t.token(['admin']);
    const metrics = (await get('/metrics', admin)).body;
    expect(metrics).toMatch(/fairdraw_ledger_integration_delay_seconds_count\{[^}]*\} [1-9]/);
    expect(metrics).toContain('fairdraw_ledger_queue_oldest_age_seconds');
    expect(metrics).toMatch(/fairdraw_ledger_tree_size\{[^}]*\} [1-9]/);
  });
});
