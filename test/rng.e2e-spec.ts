import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { Logger, type DynamicModule } from '@nestjs/common';
import pkcs11js from 'pkcs11js';
import type { DomainException } from '../src/common/domain.exception.js';
import { DatabaseService } from '../src/database/database.service.js';
import type { JournalEntry } from '../src/ledger/core/entry.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { replaySelectDistinct, replaySelectWithRepeats } from '../src/rng/core/index.js';
import { OsRandomSource, type RandomSource } from '../src/rng/providers/index.js';
import { RNG_SOURCE_FACTORY } from '../src/rng/rng-source.factory.js';
import { RngRepository } from '../src/rng/rng.repository.js';
import { RNG_ALGORITHM, RngService, type RngDrawResult } from '../src/rng/rng.service.js';
import { bearer, startTestApp, type Engine, type TestApp } from './support/app.js';
import { startMoto, type MotoServer } from './support/moto.js';
import { createSoftHsm, type SoftHsm } from './support/softhsm.js';

let hsm: SoftHsm;
let moto: MotoServer;

beforeAll(async () => {
  hsm = await createSoftHsm({ tokenLabel: 'fairdraw-e2e' });
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
  await hsm?.cleanup();
});

const pkcs11Env = () => ({
  RNG_PROVIDER: 'pkcs11',
  PKCS11_MODULE: hsm.modulePath,
  PKCS11_TOKEN_LABEL: hsm.tokenLabel,
  PKCS11_PIN: hsm.pin,
});

/** What a promise that must fail rejected with. */
async function rejection<E = DomainException>(promise: Promise<unknown>): Promise<E> {
  try {
    await promise;
  } catch (error) {
    return error as E;
  }
  throw new Error('expected a failure');
}

/** The committed journal once the sequencer has integrated everything queued so far. */
async function journal(t: TestApp, type?: string): Promise<JournalEntry[]> {
  const ledger = t.app.get(LedgerService);
  let size = -1;
  for (let stable = 0; stable < 3;) {
    await new Promise((resolve) => setTimeout(resolve, 60));
    const now = await ledger.treeSize();
    stable = now === size ? stable + 1 : 0;
    size = now;
  }
  const entries: JournalEntry[] = [];
  for await (const line of ledger.exportLines(0, size)) entries.push(JSON.parse(line) as JournalEntry);
  return type === undefined ? entries : entries.filter((entry) => entry.type === type);
}

async function status(t: TestApp, roles: Parameters<TestApp['token']>[0] = ['auditor']) {
  return t.app.inject({ method: 'GET', url: '/v1/rng/status', headers: bearer(await t.token(roles)) });
}

async function metrics(t: TestApp): Promise<string> {
  return (await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(await t.token(['admin'])) }))
    .body;
}

/** A draw in the caller's transaction, as the draws module makes it. */
function drawIn(t: TestApp, request: Parameters<RngService['draw']>[0]): Promise<RngDrawResult> {
  return t.app.get(DatabaseService).transaction((trx) => t.app.get(RngService).draw(request, trx));
}

/** Checks a served draw end to end: replay, accounting, rng_request row and RNG_REQUEST entry. */
async function expectRecorded(t: TestApp, result: RngDrawResult, certified: boolean): Promise<void> {
  const bytes = Buffer.from(result.bytes, 'hex');
  const replay = result.repeats ? replaySelectWithRepeats : replaySelectDistinct;
  expect(replay(result.k, result.n, bytes).values).toEqual(result.values);
  expect(result.algorithm).toBe(RNG_ALGORITHM);
  expect(result.certified).toBe(certified);
  expect(result.byteCount).toBe(bytes.length);
  expect(result.calls.reduce((sum, call) => sum + call.bytes, 0)).toBe(bytes.length);

  const [row] = (await t.app.get(RngRepository).requestsFor(subjectOf(result))).filter(
    (r) => r.id === result.requestId,
  );
  expect(row).toMatchObject({
    outcome: 'served',
    provider: result.provider,
    identity: result.identity,
    certified,
    byte_count: result.byteCount,
    call_count: result.calls.length,
    calls: result.calls,
    bytes_sha256: createHash('sha256').update(bytes).digest('hex'),
  });

  const entry = (await journal(t, 'RNG_REQUEST')).find((e) => e.payload.requestId === result.requestId);
  expect(entry).toBeDefined();
  expect(entry!.subject).toBe(subjectOf(result));
  expect(entry!.payload).toMatchObject({
    provider: result.provider,
    identity: result.identity,
    certified,
    algorithm: RNG_ALGORITHM,
    k: result.k,
    n: result.n,
    repeats: result.repeats,
    byteCount: result.byteCount,
    calls: result.calls,
    bytesSha256: row.bytes_sha256,
  });
}

const subjects = new Map<string, string>();
const subjectOf = (result: RngDrawResult) => subjects.get(result.requestId)!;
async function recordedDraw(t: TestApp, request: Parameters<RngService['draw']>[0]): Promise<RngDrawResult> {
  const result = await drawIn(t, request);
  subjects.set(result.requestId, request.subject);
  return result;
}

describe('the RNG module on the os provider (the development default)', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ engine: 'pglite' });
  });
  afterAll(async () => t?.close());

  it('says NOT certified in its status, readiness, metrics and start-up journal entry', async () => {
    const response = await status(t);
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      provider: 'os',
      certified: false,
      identity: 'os:node-crypto',
      state: 'healthy',
      healthFailures: 0,
      fault: null,
      startUp: { passed: true, samplesTested: 1024 },
    });
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().details.rng).toMatchObject({ status: 'up', provider: 'os', certified: false });
    const text = await metrics(t);
    expect(text).toMatch(/^fairdraw_rng_certified\{[^}]*\} 0$/m);
    expect(text).toMatch(/^fairdraw_rng_healthy\{[^}]*\} 1$/m);
    expect(text).toMatch(/^fairdraw_rng_generate_seconds_count\{[^}]*outcome="ok"[^}]*\} [1-9]/m);
    const [started] = await journal(t, 'RNG_STARTED');
    expect(started.subject).toBe('rng');
    expect(started.payload).toMatchObject({ provider: 'os', certified: false, algorithm: RNG_ALGORITHM });
  });

  it('lets only admins, auditors and operators read the status, and returns no random numbers', async () => {
    expect((await status(t, ['operator'])).statusCode).toBe(200);
    expect((await status(t, ['admin'])).statusCode).toBe(200);
    expect((await status(t, ['seller'])).statusCode).toBe(403);
    expect((await t.app.inject({ method: 'GET', url: '/v1/rng/status' })).statusCode).toBe(401);
    const operator = await t.token(['operator']);
    const selfTest = await t.app.inject({
      method: 'POST',
      url: '/v1/rng/self-test',
      headers: bearer(operator),
    });
    expect(selfTest.statusCode).toBe(403);
    const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();
    expect(Object.keys(document.paths).filter((path) => path.startsWith('/v1/rng'))).toEqual([
      '/v1/rng/status',
      '/v1/rng/self-test',
    ]);
  });

  it('records a draw in the caller transaction with bytes that replay to the same winners', async () => {
    const before = (await status(t)).json().bytesServed;
    const distinct = await recordedDraw(t, {
      purpose: 'draw',
      subject: 'raffle/os-1/prize/1',
      k: 3,
      n: 1000,
    });
    expect(new Set(distinct.values).size).toBe(3);
    await expectRecorded(t, distinct, false);
    const repeats = await recordedDraw(t, {
      purpose: 'draw',
      subject: 'raffle/os-1/prize/2',
      k: 8,
      n: 6,
      repeats: true,
    });
    await expectRecorded(t, repeats, false);
    expect((await status(t)).json().bytesServed).toBe(before + distinct.byteCount + repeats.byteCount);
    expect(await metrics(t)).toMatch(/^fairdraw_rng_requests_total\{[^}]*purpose="draw"[^}]*\} 2$/m);
  });

  it('leaves no record when the caller transaction rolls back, and records on its own without one', async () => {
    const rng = t.app.get(RngService);
    let drawn: RngDrawResult | undefined;
    await expect(
      t.app.get(DatabaseService).transaction(async (trx) => {
        drawn = await rng.draw({ purpose: 'draw', subject: 'raffle/os-rollback', k: 1, n: 10 }, trx);
        throw new Error('the draw failed after the RNG');
      }),
    ).rejects.toThrow('the draw failed after the RNG');
    expect(drawn?.values).toHaveLength(1);
    expect(await t.app.get(RngRepository).requestsFor('raffle/os-rollback')).toEqual([]);
    expect((await journal(t, 'RNG_REQUEST')).some((e) => e.subject === 'raffle/os-rollback')).toBe(false);

    const alone = await rng.draw({ purpose: 'audit-sample', subject: 'raffle/os-alone', k: 1, n: 2 });
    subjects.set(alone.requestId, 'raffle/os-alone');
    await expectRecorded(t, alone, false);
  });

  it('refuses a bad request with 400 naming the fields, drawing nothing', async () => {
    const rng = t.app.get(RngService);
    const before = rng.status().bytesServed;
    const failure = await rejection(rng.draw({ purpose: 'Draw Now', subject: '', k: 5, n: 3 }));
    expect(failure.getStatus()).toBe(400);
    expect(failure.code).toBe('INVALID_RNG_REQUEST');
    expect(failure.fields!.map((f) => f.field).sort()).toEqual(['k', 'purpose', 'subject']);
    expect(rng.status().bytesServed).toBe(before);
  });
});

function serialOf(label: string): string {
  const text = execFileSync('softhsm2-util', ['--show-slots'], {
    env: { ...process.env, SOFTHSM2_CONF: hsm.confPath },
  }).toString();
  for (const block of text.split(/^Slot /m).slice(1)) {
    if (/^\s+Label:\s+(.*?)\s*$/m.exec(block)?.[1] === label) {
      return /^\s+Serial number:\s+(\S+)/m.exec(block)![1];
    }
  }
  throw new Error(`no token ${label}`);
}

describe('the RNG module on the pkcs11 provider (a SoftHSM2 token made by this test)', () => {
  let t: TestApp;
  let errors: jest.SpyInstance;
  beforeAll(async () => {
    t = await startTestApp({ engine: 'pglite', env: pkcs11Env() });
    errors = jest.spyOn(Logger.prototype, 'error');
  });
  afterAll(async () => {
    errors?.mockRestore();
    await t?.close();
  });

  it('is certified and names the token by its serial', async () => {
    const body = (await status(t)).json();
    expect(body).toMatchObject({ provider: 'pkcs11', certified: true, state: 'healthy' });
    expect(body.identity).toMatch(/^pkcs11:token=fairdraw-e2e;manufacturer=SoftHSM%20project;/);
    expect(body.identity).toContain(`;serial=${serialOf('fairdraw-e2e')};`);
    expect(await metrics(t)).toMatch(/^fairdraw_rng_certified\{[^}]*\} 1$/m);
    const [started] = await journal(t, 'RNG_STARTED');
    expect(started.payload).toMatchObject({ provider: 'pkcs11', certified: true, identity: body.identity });
    expect(JSON.stringify(started.payload)).not.toContain(hsm.pin);
  });

  it('draws from the token and records the request', async () => {
    const result = await recordedDraw(t, { purpose: 'draw', subject: 'raffle/hsm-1', k: 5, n: 12345 });
    expect(result.provider).toBe('pkcs11');
    await expectRecorded(t, result, true);
  });

  it('stops when the token is removed: 503, RNG_FAULT journaled, readiness red, later draws refused', async () => {
    await hsm.deleteToken('fairdraw-e2e');
    const outsider = new pkcs11js.PKCS11();
    outsider.load(hsm.modulePath);
    outsider.C_Finalize(); // the device is gone: the module loses its state with it

    const failed = await rejection(drawIn(t, { purpose: 'draw', subject: 'raffle/hsm-2', k: 1, n: 100 }));
    expect(failed.getStatus()).toBe(503);
    expect(failed.code).toBe('RNG_UNAVAILABLE');
    expect(failed.message).toMatch(/token labelled 'fairdraw-e2e'/);
    await t.app.get(RngService).flushRecords();

    const [fault] = await journal(t, 'RNG_FAULT');
    expect(fault.payload).toMatchObject({
      provider: 'pkcs11',
      certified: true,
      fault: { kind: 'provider', test: 'provider', reason: 'token-not-found' },
    });
    expect(errors).toHaveBeenCalledWith(
      expect.objectContaining({ event: 'rng_health_failure', provider: 'pkcs11' }),
      expect.stringMatching(/RNG stopped serving/),
    );

    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().details.rng).toMatchObject({ status: 'down', state: 'failed', healthFailures: 1 });
    expect(ready.json().details.database.status).toBe('up');

    const refused = await rejection(drawIn(t, { purpose: 'draw', subject: 'raffle/hsm-2', k: 1, n: 100 }));
    expect(refused.getStatus()).toBe(503);
    await t.app.get(RngService).flushRecords();
    const rows = await t.app.get(RngRepository).requestsFor('raffle/hsm-2');
    expect(rows.map((row) => row.outcome)).toEqual(['failed', 'refused']);
    expect(rows[0].call_count).toBe(1);
    expect(rows[1].call_count).toBe(0);
    expect(await metrics(t)).toMatch(/^fairdraw_rng_health_failures_total\{[^}]*test="provider"[^}]*\} 1$/m);
    expect((await journal(t, 'RNG_FAULT')).length).toBe(1);
  });
});

describe('the RNG module on the kms provider (moto_server)', () => {
  let t: TestApp;
  const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
  beforeAll(async () => {
    process.env.AWS_ACCESS_KEY_ID = moto.credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = moto.credentials.secretAccessKey;
    t = await startTestApp({
      engine: 'pglite',
      env: { RNG_PROVIDER: 'kms', RNG_KMS_REGION: moto.region, RNG_KMS_ENDPOINT: moto.endpoint },
    });
  });
  afterAll(async () => {
    await t?.close();
    process.env.AWS_ACCESS_KEY_ID = saved.id;
    process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
  });

  it('draws through the real AWS SDK, labelled NOT certified because moto is a stand-in', async () => {
    const body = (await status(t)).json();
    expect(body).toMatchObject({
      provider: 'kms',
      certified: false,
      identity: `kms:${moto.region}/default@${moto.endpoint}`,
      state: 'healthy',
    });
    const result = await recordedDraw(t, { purpose: 'draw', subject: 'raffle/kms-1', k: 4, n: 37 });
    expect(result.provider).toBe('kms');
    await expectRecorded(t, result, false);
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).json().details.rng.status).toBe(
      'up',
    );
  });
});

describe('start-up refusals (no fallback to another source)', () => {
  it('does not start with a wrong PKCS#11 PIN, and says why without the PIN', async () => {
    await hsm.addToken('fairdraw-pin');
    const failure = await rejection<Error>(
      startTestApp({
        engine: 'pglite',
        env: { ...pkcs11Env(), PKCS11_TOKEN_LABEL: 'fairdraw-pin', PKCS11_PIN: '000000' },
      }),
    );
    expect(failure).toBeInstanceOf(Error);
    expect(failure.message).toMatch(/RNG provider pkcs11 .* could not start: .*CKR_PIN_INCORRECT/);
    expect(failure.message).toMatch(/No other source is used in its place/);
    expect(failure.message).not.toContain('000000');
  });

  it('does not start a pkcs11 configuration that lacks its PIN', async () => {
    const { PKCS11_PIN: _pin, ...withoutPin } = pkcs11Env();
    await expect(startTestApp({ engine: 'pglite', env: withoutPin })).rejects.toMatchObject({
      variable: 'PKCS11_PIN',
    });
  });
});

/** A real OS source that can be made to get stuck: fault injection through the module's factory. */
class SwitchableSource implements RandomSource {
  readonly provider = 'os' as const;
  readonly certified = false;
  readonly identity = 'test:switchable';
  stuck = false;
  calls = 0;
  private readonly inner = new OsRandomSource();

  open(): Promise<void> {
    return this.inner.open();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
  async generate(bytes: number): Promise<Buffer> {
    this.calls++;
    return this.stuck ? Buffer.alloc(bytes, 0xff) : this.inner.generate(bytes);
  }
}

function overrideSource(source: RandomSource): DynamicModule {
  class RngSourceOverride {}
  return {
    module: RngSourceOverride,
    global: true,
    providers: [{ provide: RNG_SOURCE_FACTORY, useValue: () => source }],
    exports: [RNG_SOURCE_FACTORY],
  };
}

describe.each(['pglite', 'postgres'] as Engine[])('a health test failure on %s', (engine) => {
  let t: TestApp;
  const source = new SwitchableSource();
  beforeAll(async () => {
    t = await startTestApp({ engine, imports: [overrideSource(source)] });
  });
  afterAll(async () => t?.close());

  it('stops the RNG inside a draw transaction, journals RNG_FAULT after it, and refuses further draws', async () => {
    const ok = await recordedDraw(t, { purpose: 'draw', subject: `raffle/${engine}-1`, k: 2, n: 100 });
    await expectRecorded(t, ok, false);

    source.stuck = true;
    const failure = await rejection(
      drawIn(t, { purpose: 'draw', subject: `raffle/${engine}-2`, k: 2, n: 100 }),
    );
    expect(failure.getStatus()).toBe(503);
    await t.app.get(RngService).flushRecords();
    const [fault] = await journal(t, 'RNG_FAULT');
    expect(fault.payload).toMatchObject({
      provider: 'os',
      identity: 'test:switchable',
      fault: { kind: 'health-test', test: 'repetition-count', sample: 255, cutoff: 6 },
    });

    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().details.rng).toMatchObject({ status: 'down', state: 'failed' });
    expect(ready.json().details.rng.fault).toMatch(/^repetition-count: /);
    const text = await metrics(t);
    expect(text).toMatch(/^fairdraw_rng_healthy\{[^}]*\} 0$/m);
    expect(text).toMatch(/^fairdraw_rng_health_failures_total\{[^}]*test="repetition-count"[^}]*\} 1$/m);

    source.stuck = false; // even a working source is not used until a self-test passes
    const calls = source.calls;
    await expect(
      t.app.get(RngService).draw({ purpose: 'draw', subject: `raffle/${engine}-3`, k: 1, n: 10 }),
    ).rejects.toMatchObject({ code: 'RNG_UNAVAILABLE' });
    expect(source.calls).toBe(calls);
    expect((await status(t)).json()).toMatchObject({ state: 'failed', healthFailures: 1 });
  });

  it('serves again only after an admin self-test passes, journaled as RNG_SELF_TEST', async () => {
    const admin = bearer(await t.token(['admin'], 'ada'));
    source.stuck = true;
    const failed = await t.app.inject({ method: 'POST', url: '/v1/rng/self-test', headers: admin });
    expect(failed.statusCode).toBe(200);
    expect(failed.json()).toMatchObject({ passed: false, state: 'failed', recoveredFrom: null });

    source.stuck = false;
    const passed = await t.app.inject({ method: 'POST', url: '/v1/rng/self-test', headers: admin });
    expect(passed.json()).toMatchObject({
      passed: true,
      state: 'healthy',
      startUp: { passed: true, samplesTested: 1024 },
      recoveredFrom: { kind: 'health-test', test: 'repetition-count' },
    });
    expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    const again = await recordedDraw(t, { purpose: 'draw', subject: `raffle/${engine}-4`, k: 1, n: 10 });
    await expectRecorded(t, again, false);

    const selfTests = await journal(t, 'RNG_SELF_TEST');
    expect(selfTests.map((e) => [e.payload.passed, e.payload.by])).toEqual([
      [false, 'ada'],
      [true, 'ada'],
    ]);
    expect((await journal(t, 'RNG_FAULT')).map((e) => (e.payload.fault as { test: string }).test)).toEqual([
      'repetition-count',
      'repetition-count', // the failed self-test: its 1024 samples tripped the same test
    ]);
  });
});
