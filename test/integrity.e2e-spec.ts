import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import { createApp } from '../src/app.factory.js';
import { SERVICE_VERSION } from '../src/common/service-version.js';
import { DomainException } from '../src/common/domain.exception.js';
import { loadEnvironment } from '../src/config/environment.js';
import { DatabaseService } from '../src/database/database.service.js';
import { main as digestCli } from '../src/integrity/cli/digest.js';
import { computeCodeDigest } from '../src/integrity/code-digest.js';
import { runningCode } from '../src/integrity/running-code.js';
import { SoftwareIntegrityService } from '../src/integrity/software-integrity.service.js';
import type { JournalEntry } from '../src/ledger/core/entry.js';
import { LedgerAnchoring } from '../src/ledger/ledger-anchoring.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { LocalSigningKey } from '../src/auth/local-signing-key.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { freePort } from './support/moto.js';
import { adminQuery } from './support/postgres.js';

async function journalOf(app: NestFastifyApplication, type: string): Promise<JournalEntry[]> {
  const ledger = app.get(LedgerService);
  const entries: JournalEntry[] = [];
  for await (const line of ledger.exportLines(0, await ledger.treeSize())) {
    const entry = JSON.parse(line) as JournalEntry;
    if (entry.type === type) entries.push(entry);
  }
  return entries;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
const details = (entry: JournalEntry) => (entry.payload as any).details;
// eslint-disable-next-line @typescript-eslint/no-explicit-any
const payload = (entry: JournalEntry) => entry.payload as any;

async function cli(...argv: string[]): Promise<{ status: number; stdout: string }> {
  let stdout = '';
  const status = await digestCli(argv, { stdout: (text) => (stdout += text), stderr: () => undefined });
  return { status, stdout };
}

function metric(body: string, name: string): number {
  const line = body.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  if (!line) throw new Error(`metric ${name} not found`);
  return Number(line.slice(line.lastIndexOf(' ') + 1));
}

describe('software integrity', () => {
  let t: TestApp;
  let auditor: string;
  beforeAll(async () => {
    t = await startTestApp({ engine: 'pglite' });
    auditor = await t.token(['auditor'], 'ada');
  });
  afterAll(async () => t?.close());

  it('reports version and SHA-256 of the running code, labelled source (never the build) in tests', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/v1/integrity/software',
      headers: bearer(auditor),
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      name: 'fairdraw',
      version: SERVICE_VERSION,
      state: 'UNVERIFIED',
      kind: 'source',
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      certifiedDigest: null,
      match: null,
      drawsAllowed: true,
      trigger: 'start-up',
      error: null,
    });
  });

  it('agrees with the command-line tool, and serves the manifest the digest is made of', async () => {
    const checked = await t.app.inject({
      method: 'POST',
      url: '/v1/integrity/software-checks',
      headers: bearer(auditor),
    });
    const fromCli = JSON.parse((await cli('--json')).stdout);
    expect(fromCli).toMatchObject({ name: 'fairdraw', version: SERVICE_VERSION, kind: 'source' });
    expect(checked.json().digest).toBe(fromCli.digest);
    expect(checked.json().files).toBe(fromCli.files);

    const manifest = await t.app.inject({
      method: 'GET',
      url: '/v1/integrity/software/manifest',
      headers: bearer(auditor),
    });
    expect(manifest.headers['content-type']).toContain('text/plain');
    expect(createHash('sha256').update(manifest.body).digest('hex')).toBe(checked.json().digest);
    expect(manifest.body).toBe((await cli('--manifest')).stdout);
    expect(manifest.body).toMatch(/^[0-9a-f]{64} {2}src\/integrity\/code-digest\.ts$/m);
    expect(manifest.body).toMatch(/^[0-9a-f]{64} {2}package-lock\.json$/m);
  });

  it('journals an on-demand check with who asked, from where, and the outcome', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/integrity/software-checks',
      headers: bearer(auditor),
      remoteAddress: '198.51.100.4',
    });
    expect(response.statusCode).toBe(200);
    const checks = await journalOf(t.app, 'SOFTWARE_INTEGRITY_CHECKED');
    const mine = checks.find((e) => payload(e).requestId === response.headers['x-request-id'])!;
    expect(mine.subject).toBe('software');
    expect(payload(mine)).toMatchObject({
      actor: { type: 'user', sub: 'ada', roles: ['auditor'] },
      outcome: 'success',
      component: 'integrity',
      source: '198.51.100.4',
    });
    expect(details(mine)).toMatchObject({
      trigger: 'on-demand',
      state: 'UNVERIFIED',
      digest: response.json().digest,
    });
    expect(await journalOf(t.app, 'SOFTWARE_INTEGRITY_FAILED')).toEqual([]);
  });

  it('lets admins, operators and auditors check, and nobody else', async () => {
    const seller = await t.token(['seller']);
    const post = (headers = {}) =>
      t.app.inject({ method: 'POST', url: '/v1/integrity/software-checks', headers });
    expect((await post(bearer(seller))).statusCode).toBe(403);
    expect((await post()).statusCode).toBe(401);
    expect((await post(bearer(await t.token(['operator'])))).statusCode).toBe(200);
    expect((await post(bearer(await t.token(['admin'])))).statusCode).toBe(200);
  });

  it('is ready, allows draws and exports the result as metrics', async () => {
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().details.software).toMatchObject({
      status: 'up',
      state: 'UNVERIFIED',
      kind: 'source',
    });
    const status = await t.app
      .get(SoftwareIntegrityService)
      .assertDrawsAllowed({ subject: 'raffle/1/prize/1' });
    expect(status).toMatchObject({ drawsAllowed: true, trigger: 'pre-draw' });
    const [preDraw] = (await journalOf(t.app, 'SOFTWARE_INTEGRITY_CHECKED')).filter(
      (e) => details(e).trigger === 'pre-draw',
    );
    expect(details(preDraw)).toMatchObject({ drawSubject: 'raffle/1/prize/1', drawsAllowed: true });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(auditor) })).body;
    expect(metric(metrics, 'fairdraw_software_integrity_ok')).toBe(1);
    expect(metric(metrics, 'fairdraw_software_integrity_last_check_timestamp_seconds')).toBeGreaterThan(
      Date.now() / 1000 - 60,
    );
    expect(metrics).toContain(`digest="${status.digest}"`);
  });
});

describe('a certified digest', () => {
  afterEach(() => jest.restoreAllMocks());

  it('that the running code does not match stops draws, turns readiness red and is journaled', async () => {
    const logged = jest.spyOn(Logger.prototype, 'error');
    const certified = 'ab'.repeat(32);
    const t = await startTestApp({
      engine: 'pglite',
      env: { CERTIFIED_CODE_DIGEST: certified.toUpperCase() },
    });
    try {
      const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(ready.statusCode).toBe(503);
      expect(ready.json().details.software).toMatchObject({
        status: 'down',
        state: 'MISMATCH',
        certifiedDigest: certified,
      });
      expect(ready.json().details.database.status).toBe('up');

      const software = t.app.get(SoftwareIntegrityService);
      const refused = software.assertDrawsAllowed({ subject: 'raffle/9/prize/1' });
      await expect(refused).rejects.toBeInstanceOf(DomainException);
      await expect(refused).rejects.toMatchObject({ code: 'SOFTWARE_NOT_CERTIFIED', status: 503 });

      const failed = await journalOf(t.app, 'SOFTWARE_INTEGRITY_FAILED');
      expect(failed.map((e) => details(e).trigger)).toEqual(['start-up', 'pre-draw']);
      expect(payload(failed[1])).toMatchObject({ outcome: 'failure', component: 'integrity' });
      expect(details(failed[1])).toMatchObject({
        state: 'MISMATCH',
        kind: 'source',
        certifiedDigest: certified,
        match: false,
        drawsAllowed: false,
        drawSubject: 'raffle/9/prize/1',
      });
      const checks = await journalOf(t.app, 'SOFTWARE_INTEGRITY_CHECKED');
      expect(checks.map((e) => payload(e).outcome)).toEqual(['failure', 'failure']);
      const [started] = await journalOf(t.app, 'SERVICE_STARTED');
      expect(details(started).software).toMatchObject({ state: 'MISMATCH', certifiedDigest: certified });

      expect(logged).toHaveBeenCalledWith(
        expect.objectContaining({ event: 'software_integrity_failed', state: 'MISMATCH' }),
        expect.any(String),
      );
      const admin = await t.token(['admin']);
      const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(admin) })).body;
      expect(metric(metrics, 'fairdraw_software_integrity_ok')).toBe(0);
    } finally {
      await t.close();
    }
  });

  it('that the running code matches allows draws, and says so', async () => {
    const code = runningCode();
    const { digest } = await computeCodeDigest(code.root, code.kind);
    const t = await startTestApp({ engine: 'pglite', env: { CERTIFIED_CODE_DIGEST: digest } });
    try {
      const status = await t.app.get(SoftwareIntegrityService).assertDrawsAllowed();
      expect(status).toMatchObject({ state: 'MATCH', match: true, digest, certifiedDigest: digest });
      expect(
        (await t.app.inject({ method: 'GET', url: '/health/ready' })).json().details.software,
      ).toMatchObject({
        status: 'up',
        state: 'MATCH',
      });
    } finally {
      await t.close();
    }
  });
});

describe('journal integrity checks on PGlite', () => {
  let t: TestApp;
  let auditor: string;
  beforeAll(async () => {
    t = await startTestApp({ engine: 'pglite', env: { INTEGRITY_JOURNAL_INTERVAL_SECONDS: '1' } });
    auditor = await t.token(['auditor'], 'ivy');
  });
  afterAll(async () => t?.close());

  it('re-verifies the whole journal on a schedule and journals the result', async () => {
    let scheduled: JournalEntry[] = [];
    for (let i = 0; i < 50 && scheduled.length === 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      scheduled = (await journalOf(t.app, 'INTEGRITY_CHECK')).filter(
        (e) => details(e).trigger === 'schedule',
      );
    }
    expect(scheduled.length).toBeGreaterThan(0);
    expect(payload(scheduled[0])).toMatchObject({ actor: { type: 'system' }, outcome: 'success' });
    expect(details(scheduled[0])).toMatchObject({ ok: true, firstBadSeq: null, problemCount: 0 });
    expect(details(scheduled[0]).treeSize).toBeLessThanOrEqual(scheduled[0].seq);
  });

  it('re-verifies on demand, returns the report, and serves it as the latest', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/integrity/journal-checks',
      headers: bearer(auditor),
    });
    expect(response.statusCode).toBe(200);
    const { result, journalSeq } = response.json();
    expect(result).toMatchObject({ ok: true, trigger: 'on-demand', firstBadSeq: null, problems: [] });
    expect(result.treeSize).toBe(result.claimedTreeSize);
    expect(result.rootHash).toMatch(/^[0-9a-f]{64}$/);
    const entry = await t.app.get(LedgerService).entry(journalSeq);
    expect(entry.type).toBe('INTEGRITY_CHECK');
    expect(payload(entry)).toMatchObject({ actor: { type: 'user', sub: 'ivy' }, outcome: 'success' });
    expect(details(entry)).toMatchObject({ treeSize: result.treeSize, rootHash: result.rootHash });

    const latest = await t.app.inject({
      method: 'GET',
      url: '/v1/integrity/journal',
      headers: bearer(auditor),
    });
    expect(latest.json().intervalSeconds).toBe(1);
    // The schedule may have run since; either way the latest passed.
    expect(latest.json().lastCheck).toMatchObject({ ok: true });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.json().details['journal-integrity']).toMatchObject({ status: 'up', ok: true });
    const metrics = (await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(auditor) })).body;
    expect(metric(metrics, 'fairdraw_journal_integrity_ok')).toBe(1);
    expect(metric(metrics, 'fairdraw_journal_integrity_last_check_timestamp_seconds')).toBeGreaterThan(0);
  });
});

describe('journal integrity checks on PostgreSQL', () => {
  let a: TestApp;
  let b: NestFastifyApplication | undefined;
  let admin: string;
  beforeAll(async () => {
    a = await startTestApp({ engine: 'postgres', env: { ANCHOR_INTERVAL_SECONDS: '0' } });
    admin = await a.token(['admin'], 'root-admin');
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const check = (app: NestFastifyApplication) =>
    app.inject({ method: 'POST', url: '/v1/integrity/journal-checks', headers: bearer(admin) });

  it('runs on one replica at a time: a check while another holds the lock is refused with 409', async () => {
    const holder = new pg.Client({ connectionString: a.database!.url });
    await holder.connect();
    try {
      await holder.query('select pg_advisory_lock($1)', [0x46444943]);
      const refused = await check(a.app);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().code).toBe('INTEGRITY_CHECK_RUNNING');
      await holder.query('select pg_advisory_unlock($1)', [0x46444943]);
      expect((await check(a.app)).statusCode).toBe(200);
    } finally {
      await holder.end();
    }
  });

  it('fails, located at the entry, after a superuser edits the journal; every replica turns red', async () => {
    const ledger = a.app.get(LedgerService);
    const queued = await a.app.get(DatabaseService).transaction((trx) =>
      ledger.append(
        trx,
        ...Array.from({ length: 10 }, (_, i) => ({
          type: 'TICKETS_SOLD',
          subject: 'raffle-7',
          payload: { order: i, amountMinor: 2000 },
        })),
      ),
    );
    const integrated = await ledger.integrated(queued);
    await a.app.get(LedgerAnchoring).anchorNow();
    const target = integrated[4].seq;
    const logged = jest.spyOn(Logger.prototype, 'error');
    await adminQuery(
      [
        'begin',
        'alter table ledger_entry disable trigger user',
        `update ledger_entry set payload = replace(payload, '"amountMinor":2000', '"amountMinor":1') where seq = ${target}`,
        'alter table ledger_entry enable trigger user',
        'commit',
      ].join(';\n'),
      [],
      a.database!.name,
    );

    const response = await check(a.app);
    expect(response.statusCode).toBe(200);
    const { result, journalSeq } = response.json();
    expect(result.ok).toBe(false);
    expect(result.firstBadSeq).toBe(target);
    expect(result.problems[0]).toMatchObject({ seq: target, kind: 'hash-mismatch' });
    expect(result.problemCount).toBeGreaterThanOrEqual(1);

    expect(logged).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'integrity_check_failed', firstBadSeq: target }),
      expect.any(String),
    );
    logged.mockRestore();

    // The failure is itself journaled (in a journal that is broken: the entry says what was found).
    expect((await ledger.entry(journalSeq)).type).toBe('INTEGRITY_CHECK');
    const [failed] = await journalOf(a.app, 'INTEGRITY_CHECK_FAILED');
    expect(payload(failed)).toMatchObject({ outcome: 'failure', actor: { type: 'user', sub: 'root-admin' } });
    expect(details(failed)).toMatchObject({ firstBadSeq: target, ok: false });
    expect(details(failed).problems[0]).toMatchObject({ seq: target, kind: 'hash-mismatch' });

    const ready = await a.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().details['journal-integrity']).toMatchObject({ status: 'down', firstBadSeq: target });
    const metrics = (await a.app.inject({ method: 'GET', url: '/metrics', headers: bearer(admin) })).body;
    expect(metric(metrics, 'fairdraw_journal_integrity_ok')).toBe(0);

    // Another replica, which ran no check, reports the same from the shared result.
    b = await createApp(
      loadEnvironment({
        LOG_LEVEL: 'silent',
        NODE_ENV: 'test',
        DATA_DIR: a.dataDir,
        DATABASE_URL: a.database!.url,
      }),
    );
    const readyB = await b.inject({ method: 'GET', url: '/health/ready' });
    expect(readyB.statusCode).toBe(503);
    expect(readyB.json().details['journal-integrity'].status).toBe('down');
    const metricsB = (await b.inject({ method: 'GET', url: '/metrics', headers: bearer(admin) })).body;
    expect(metric(metricsB, 'fairdraw_journal_integrity_ok')).toBe(0);
    const latest = (
      await b.inject({ method: 'GET', url: '/v1/integrity/journal', headers: bearer(admin) })
    ).json();
    expect(latest.lastCheck).toMatchObject({ ok: false, firstBadSeq: target });
  });
});

describe('the built service and the command-line tool', () => {
  beforeAll(() => {
    execFileSync('node', ['scripts/ensure-built.mjs'], { stdio: 'inherit' });
  }, 180_000);

  it('report the same digest of the build, which coreutils alone reproduce', async () => {
    const fromCli = JSON.parse(
      execFileSync('node', ['dist/src/integrity/cli/digest.js', '--json'], { encoding: 'utf8' }),
    );
    expect(fromCli).toMatchObject({ kind: 'build', root: process.cwd(), version: SERVICE_VERSION });
    const coreutils = execFileSync(
      'bash',
      [
        '-c',
        '{ find dist -type f ! -path dist/.build-stamp; echo package.json; echo package-lock.json; } ' +
          "| LC_ALL=C sort | xargs -d '\\n' sha256sum | sha256sum",
      ],
      { encoding: 'utf8' },
    );
    expect(coreutils).toBe(`${fromCli.digest}  -\n`);

    const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-built-'));
    const port = await freePort();
    const child = spawn('node', ['dist/src/main.js'], {
      env: {
        PATH: process.env.PATH,
        LOG_LEVEL: 'silent',
        DATA_DIR: dataDir,
        PORT: String(port),
        HOST: '127.0.0.1',
        CERTIFIED_CODE_DIGEST: fromCli.digest,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
    try {
      await new Promise<void>((resolve, reject) => {
        let output = '';
        child.stdout.on('data', (chunk: Buffer) => {
          output += chunk.toString();
          if (output.includes('Swagger UI')) resolve();
        });
        void exited.then((code) => reject(new Error(`the service exited (${code}) before listening`)));
      });
      const token = await (
        await LocalSigningKey.loadOrCreate(dataDir)
      ).issue({ sub: 'lab', roles: ['auditor'] });
      const response = await fetch(`http://127.0.0.1:${port}/v1/integrity/software`, {
        headers: bearer(token),
      });
      expect(response.status).toBe(200);
      expect(await response.json()).toMatchObject({
        kind: 'build',
        digest: fromCli.digest,
        files: fromCli.files,
        state: 'MATCH',
        match: true,
        drawsAllowed: true,
      });
    } finally {
      child.kill('SIGTERM');
      await exited;
    }
    // Stopped by SIGTERM, the service journaled its stop: read the journal it left behind.
    const database = await DatabaseService.connect(loadEnvironment({ DATA_DIR: dataDir }));
    try {
      const rows = await database.db
        .selectFrom('ledger_entry')
        .select(['type', 'payload'])
        .where('type', 'in', ['SERVICE_STARTED', 'SERVICE_STOPPED'])
        .orderBy('seq')
        .execute();
      expect(rows.map((row) => row.type)).toEqual(['SERVICE_STARTED', 'SERVICE_STOPPED']);
      expect(JSON.parse(rows[0].payload).details.software).toMatchObject({ kind: 'build', state: 'MATCH' });
      expect(JSON.parse(rows[1].payload).details).toMatchObject({ signal: 'SIGTERM' });
    } finally {
      await database.onApplicationShutdown();
      rmSync(dataDir, { recursive: true, force: true });
    }
  }, 120_000);
});
