import { rmSync } from 'node:fs';
import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { firstValueFrom, take } from 'rxjs';
import { createApp } from '../src/app.factory.js';
import { AuditService } from '../src/audit/audit.service.js';
import { RECORDER_WAIT_MS, SecurityEvents, type AccessDenied } from '../src/auth/security-events.js';
import { SERVICE_VERSION } from '../src/common/service-version.js';
import { loadEnvironment } from '../src/config/environment.js';
import type { JournalEntry } from '../src/ledger/core/entry.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { bearer, startTestApp, type Engine, type TestApp } from './support/app.js';

/** The journal as it stands (every write of the audit module waits for its entry's integration). */
async function journalOf(app: NestFastifyApplication, type?: string): Promise<JournalEntry[]> {
  const ledger = app.get(LedgerService);
  const entries: JournalEntry[] = [];
  for await (const line of ledger.exportLines(0, await ledger.treeSize())) {
    const entry = JSON.parse(line) as JournalEntry;
    if (type === undefined || entry.type === type) entries.push(entry);
  }
  return entries;
}

type Payload = {
  actor: Record<string, unknown>;
  outcome: string;
  component: string;
  source: string | null;
  requestId: string | null;
  at: string;
  instance: string;
  details: Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
};
const payloadOf = (entry: JournalEntry) => entry.payload as unknown as Payload;

/** A second process of the service on the same database and DATA_DIR (same signing keys). */
function replicaOf(t: TestApp, env: NodeJS.ProcessEnv = {}): Promise<NestFastifyApplication> {
  return createApp(
    loadEnvironment({
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      DATA_DIR: t.dataDir,
      ...(t.database ? { DATABASE_URL: t.database.url } : {}),
      ...env,
    }),
  );
}

const SECRET_ENV = { DATABASE_PASSWORD: 'hunter2-never-journaled' };

describe.each(['pglite', 'postgres'] as const)('significant events on %s', (engine: Engine) => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ engine, env: SECRET_ENV });
  });
  afterAll(async () => t?.close());

  it('journals SERVICE_STARTED with version, code digest, RNG, database and redacted configuration', async () => {
    const [started] = await journalOf(t.app, 'SERVICE_STARTED');
    const payload = payloadOf(started);
    expect(started.subject).toBeNull();
    expect(payload).toMatchObject({ actor: { type: 'system' }, outcome: 'success', component: 'service' });
    expect(payload.instance).toBe(t.app.get(AuditService).instance.bootId);
    expect(payload.details).toMatchObject({
      name: 'fairdraw',
      version: SERVICE_VERSION,
      software: { kind: 'source', state: 'UNVERIFIED', digest: expect.stringMatching(/^[0-9a-f]{64}$/) },
      rng: { provider: 'os', certified: false, state: 'healthy', identity: expect.any(String) },
      database: { engine },
      runtime: { node: process.version },
      instance: { bootId: payload.instance, pid: process.pid, host: expect.any(String) },
      configDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(payload.details.config).toMatchObject({
      DATABASE_PASSWORD: 'set',
      LEDGER_SIGNING_KEY: 'unset',
      INTEGRITY_JOURNAL_INTERVAL_SECONDS: 900,
      CERTIFIED_CODE_DIGEST: null,
    });
    const text = (await journalOf(t.app)).map((entry) => JSON.stringify(entry)).join('\n');
    expect(text).not.toContain('hunter2');

    // The start-up software check ran first and found the same code.
    const [check] = await journalOf(t.app, 'SOFTWARE_INTEGRITY_CHECKED');
    expect(check.seq).toBeLessThan(started.seq);
    expect(payloadOf(check).details).toMatchObject({
      trigger: 'start-up',
      digest: payload.details.software.digest,
    });
  });

  it('journals a denied request with actor, route, source, request id and outcome before answering', async () => {
    const anonymous = await t.app.inject({ method: 'GET', url: '/v1/ledger/digest' });
    expect(anonymous.statusCode).toBe(401);
    const sellerToken = await t.token(['seller'], 'sam-seller');
    const seller = await t.app.inject({
      method: 'POST',
      url: '/v1/ledger/anchor',
      headers: bearer(sellerToken),
      remoteAddress: '203.0.113.9',
    });
    expect(seller.statusCode).toBe(403);

    const denied = await journalOf(t.app, 'ACCESS_DENIED');
    const first = denied.find((e) => payloadOf(e).requestId === anonymous.headers['x-request-id'])!;
    expect(first.subject).toBe('route:GET /v1/ledger/digest');
    expect(payloadOf(first)).toMatchObject({
      actor: { type: 'anonymous' },
      outcome: 'denied',
      component: 'auth',
      source: '127.0.0.1',
      details: { status: 401, method: 'GET', route: '/v1/ledger/digest', reason: expect.any(String) },
    });
    expect(Date.parse(payloadOf(first).at)).toBeLessThanOrEqual(Date.parse(first.time) + 5);

    const second = denied.find((e) => payloadOf(e).requestId === seller.headers['x-request-id'])!;
    expect(second.subject).toBe('route:POST /v1/ledger/anchor');
    expect(payloadOf(second)).toMatchObject({
      actor: { type: 'user', sub: 'sam-seller', roles: ['seller'] },
      outcome: 'denied',
      source: '203.0.113.9',
      details: { status: 403, reason: 'requires one of: admin, operator' },
    });
    // A valid token is a sign-in even when the route is refused; it comes first.
    const [signIn] = (await journalOf(t.app, 'SIGNED_IN')).filter((e) => e.subject === 'user:sam-seller');
    expect(signIn.seq).toBeLessThan(second.seq);
  });

  it('journals SIGNED_IN once, at the first use of a token, even for concurrent first requests', async () => {
    const token = await t.token(['auditor'], 'ada-auditor');
    const jti = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()).jti as string;
    const concurrent = await Promise.all(
      Array.from({ length: 4 }, () =>
        t.app.inject({ method: 'GET', url: '/v1/integrity/software', headers: bearer(token) }),
      ),
    );
    expect(concurrent.map((r) => r.statusCode)).toEqual([200, 200, 200, 200]);
    await t.app.inject({ method: 'GET', url: '/v1/ledger/digest', headers: bearer(token) });

    const signIns = (await journalOf(t.app, 'SIGNED_IN')).filter((e) => e.subject === 'user:ada-auditor');
    expect(signIns).toHaveLength(1);
    expect(payloadOf(signIns[0])).toMatchObject({
      actor: { type: 'user', sub: 'ada-auditor', roles: ['auditor'], issuer: 'fairdraw-local' },
      outcome: 'success',
      component: 'auth',
      source: '127.0.0.1',
      details: {
        tokenId: jti,
        method: 'GET',
        route: '/v1/integrity/software',
        issuedAt: expect.any(String),
        expiresAt: expect.any(String),
      },
    });
    // A new token of the same person is a new sign-in.
    const again = await t.token(['auditor'], 'ada-auditor');
    await t.app.inject({ method: 'GET', url: '/v1/integrity/software', headers: bearer(again) });
    expect(
      (await journalOf(t.app, 'SIGNED_IN')).filter((e) => e.subject === 'user:ada-auditor'),
    ).toHaveLength(2);
  });

  it('publishes every verified request on SecurityEvents.granted', async () => {
    const token = await t.token(['admin'], 'grace-admin');
    const granted = firstValueFrom(t.app.get(SecurityEvents).granted.pipe(take(1)));
    await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(token) });
    expect(await granted).toMatchObject({
      sub: 'grace-admin',
      roles: ['admin'],
      method: 'GET',
      route: '/metrics',
      token: { id: expect.any(String) },
    });
  });
});

describe('SecurityEvents recorders', () => {
  const denial: AccessDenied = {
    status: 401,
    reason: 'Missing bearer token',
    method: 'GET',
    route: '/x',
    sourceIp: '127.0.0.1',
    requestId: 'r',
    at: new Date().toISOString(),
  };
  afterEach(() => jest.useRealTimers());

  it('waits for a recorder, never fails because of one, and waits at most RECORDER_WAIT_MS', async () => {
    const events = new SecurityEvents();
    const error = jest.spyOn(Logger.prototype, 'error').mockImplementation(() => undefined);
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    let recorded = false;
    events.addRecorder({
      accessDenied: async () => {
        await new Promise((resolve) => setTimeout(resolve, 20));
        recorded = true;
      },
    });
    events.addRecorder({
      accessDenied: () => {
        throw new Error('database down');
      },
    });
    await events.accessDenied(denial);
    expect(recorded).toBe(true);
    expect(error).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'security_event_not_recorded' }),
      expect.any(String),
    );

    jest.useFakeTimers();
    const stuck = new SecurityEvents();
    stuck.addRecorder({ accessDenied: () => new Promise<void>(() => undefined) });
    let answered = false;
    const answer = stuck.accessDenied(denial).then(() => (answered = true));
    await jest.advanceTimersByTimeAsync(RECORDER_WAIT_MS - 1);
    expect(answered).toBe(false);
    await jest.advanceTimersByTimeAsync(1);
    await answer;
    expect(answered).toBe(true);
    jest.restoreAllMocks();
  });
});

describe('restarts on PGlite', () => {
  it('journals SERVICE_STOPPED at shutdown, SERVICE_STARTED at each boot, and what the configuration changed', async () => {
    const first = await startTestApp({ engine: 'pglite' });
    const firstBoot = first.app.get(AuditService).instance.bootId;
    await first.app.close();
    const second = await replicaOf(first, { RATE_LIMIT_PER_MINUTE: '600' });
    try {
      const secondBoot = second.get(AuditService).instance.bootId;
      const lifecycle = (await journalOf(second)).filter((e) =>
        ['SERVICE_STARTED', 'SERVICE_STOPPED', 'CONFIG_CHANGED'].includes(e.type),
      );
      expect(lifecycle.map((e) => [e.type, payloadOf(e).instance])).toEqual([
        ['SERVICE_STARTED', firstBoot],
        ['SERVICE_STOPPED', firstBoot],
        ['SERVICE_STARTED', secondBoot],
        ['CONFIG_CHANGED', secondBoot],
      ]);
      expect(payloadOf(lifecycle[1]).details).toMatchObject({
        version: SERVICE_VERSION,
        bootId: firstBoot,
        signal: null,
        uptimeSeconds: expect.any(Number),
      });
      expect(payloadOf(lifecycle[3]).details).toMatchObject({
        changes: [{ name: 'RATE_LIMIT_PER_MINUTE', from: 1200, to: 600 }],
        previousBootId: firstBoot,
      });
      expect(lifecycle[3].subject).toBe('config');
    } finally {
      await second.close();
      rmSync(first.dataDir, { recursive: true, force: true });
    }
  });
});

describe('two replicas on one PostgreSQL database', () => {
  let a: TestApp;
  let b: NestFastifyApplication | undefined;
  beforeAll(async () => {
    a = await startTestApp({ engine: 'postgres' });
    b = await replicaOf(a);
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  it('journals one SIGNED_IN per token when both replicas see its first use at once', async () => {
    const subs = ['ola', 'pia', 'quinn', 'rafa', 'suki'];
    await Promise.all(
      subs.map(async (sub) => {
        const token = await a.token(['operator'], sub);
        const request = { method: 'GET' as const, url: '/v1/integrity/software', headers: bearer(token) };
        const responses = await Promise.all([a.app.inject(request), b!.inject(request), b!.inject(request)]);
        expect(responses.map((r) => r.statusCode)).toEqual([200, 200, 200]);
      }),
    );
    const signIns = await journalOf(a.app, 'SIGNED_IN');
    for (const sub of subs) expect(signIns.filter((e) => e.subject === `user:${sub}`)).toHaveLength(1);
  });

  it('journals each replica start and stop under its own boot id', async () => {
    const bootA = a.app.get(AuditService).instance.bootId;
    const bootB = b!.get(AuditService).instance.bootId;
    expect(bootA).not.toBe(bootB);
    await b!.close();
    b = undefined;
    const started = (await journalOf(a.app, 'SERVICE_STARTED')).map((e) => payloadOf(e).instance);
    expect(started).toEqual([bootA, bootB]);
    const stopped = (await journalOf(a.app, 'SERVICE_STOPPED')).map((e) => payloadOf(e).details.bootId);
    expect(stopped).toEqual([bootB]);
  });
});

describe('the auditor role', () => {
  /** The only writes an auditor may make: integrity checks, which change no business state. */
  const AUDITOR_WRITES = ['POST /v1/integrity/journal-checks', 'POST /v1/integrity/software-checks'];
  /** Reads an auditor may not make (none: an auditor reads everything). */
  const HIDDEN_FROM_AUDITORS: string[] = [];

  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ engine: 'pglite' });
  });
  afterAll(async () => t?.close());

  async function operations() {
    const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json() as {
      paths: Record<string, Record<string, { 'x-fairdraw-access'?: { public?: true; roles?: string[] } }>>;
    };
    return Object.entries(document.paths).flatMap(([path, item]) =>
      ['get', 'head', 'post', 'put', 'patch', 'delete']
        .filter((method) => item[method])
        .map((method) => ({
          name: `${method.toUpperCase()} ${path}`,
          method,
          access: item[method]['x-fairdraw-access'],
        })),
    );
  }

  it('may change nothing: no write operation of the API lists it, but the integrity checks', async () => {
    const all = await operations();
    expect(all.length).toBeGreaterThan(10);
    for (const operation of all) expect(operation.access).toBeDefined();
    const writesOpenToAuditors = all
      .filter((o) => o.method !== 'get' && o.method !== 'head' && o.access?.roles?.includes('auditor'))
      .map((o) => o.name)
      .sort();
    expect(writesOpenToAuditors).toEqual(AUDITOR_WRITES);
  });

  it('may read everything: every protected read lists it', async () => {
    const hidden = (await operations())
      .filter((o) => o.method === 'get' && o.access?.public !== true && !o.access?.roles?.includes('auditor'))
      .map((o) => o.name);
    expect(hidden).toEqual(HIDDEN_FROM_AUDITORS);
  });

  it('is refused a write, and the refusal is journaled', async () => {
    const auditor = await t.token(['auditor'], 'audrey');
    const response = await t.app.inject({
      method: 'POST',
      url: '/v1/ledger/anchor',
      headers: bearer(auditor),
    });
    expect(response.statusCode).toBe(403);
    const denied = (await journalOf(t.app, 'ACCESS_DENIED')).filter(
      (e) => payloadOf(e).requestId === response.headers['x-request-id'],
    );
    expect(payloadOf(denied[0]).actor).toMatchObject({ type: 'user', sub: 'audrey', roles: ['auditor'] });
  });
});
