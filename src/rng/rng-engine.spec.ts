import { randomBytes } from 'node:crypto';
import pkcs11js from 'pkcs11js';
import { startMoto, type MotoServer } from '../../test/support/moto.js';
import { createSoftHsm, type SoftHsm } from '../../test/support/softhsm.js';
import { replaySelectDistinct, replaySelectWithRepeats } from './core/index.js';
import {
  KmsRandomSource,
  OsRandomSource,
  Pkcs11RandomSource,
  RngProviderError,
  type RandomSource,
} from './providers/index.js';
import { RngEngine, type RngCall } from './rng-engine.js';
import { RngStartUpError, RngUnavailableError, type RngFault } from './rng-fault.js';

/**
 * A deliberately broken generator for fault injection: real OS bytes until told to get stuck
 * (0xff forever: above every range after masking, so a draw keeps reading) or biased (0xaa 60% of the time, never more than 4 in a row, so only the
 * adaptive proportion test can see it).
 */
class FaultySource implements RandomSource {
  readonly provider = 'os' as const;
  readonly certified = false;
  readonly identity = 'test:faulty';
  mode: 'ok' | 'stuck' | 'biased' = 'ok';
  calls = 0;
  private run = 0;

  async open(): Promise<void> {}
  async close(): Promise<void> {}

  async generate(bytes: number): Promise<Buffer> {
    this.calls++;
    if (this.mode === 'stuck') return Buffer.alloc(bytes, 0xff);
    const block = randomBytes(bytes);
    if (this.mode === 'biased') {
      for (let i = 0; i < bytes; i++) {
        const favoured = this.run < 4 && block[i] < 154; // 154/256 = 60%
        if (favoured) {
          block[i] = 0xaa;
          this.run++;
        } else {
          if (block[i] === 0xaa) block[i] = 0x55;
          this.run = 0;
        }
      }
    }
    return block;
  }
}

function observed() {
  const faults: RngFault[] = [];
  const calls: Array<{ bytes: number; ok: boolean }> = [];
  return {
    faults,
    calls,
    observer: {
      fault: (fault: RngFault) => faults.push(fault),
      call: ({ bytes, ok }: { bytes: number; ok: boolean }) => calls.push({ bytes, ok }),
    },
  };
}

describe('RngEngine on the OS source', () => {
  it('starts with the known-answer self-test and 1024 samples, then selects exactly as replay does', async () => {
    const watch = observed();
    const engine = new RngEngine(new OsRandomSource(), { observer: watch.observer });
    expect(engine.state).toBe('new');
    const startUp = await engine.start();
    expect(startUp.passed).toBe(true);
    expect(startUp.samplesTested).toBe(1024);
    expect(engine.state).toBe('healthy');
    expect(engine.startUpRecord).toMatchObject({ passed: true, samplesTested: 1024 });
    expect(engine.startUpRecord!.checks.length).toBeGreaterThanOrEqual(10);
    expect(engine.info).toEqual({ provider: 'os', certified: false, identity: 'os:node-crypto' });

    const calls: RngCall[] = [];
    const selection = await engine.select({ k: 5, n: 1000 }, calls);
    expect(new Set(selection.values).size).toBe(5);
    expect(replaySelectDistinct(5, 1000, selection.bytesConsumed).values).toEqual(selection.values);
    // Each attempt of a 10-bit range is one request of 2 bytes; every byte read is used.
    expect(calls.every((call) => call.bytes === 2)).toBe(true);
    expect(calls.length * 2).toBe(selection.bytesConsumed.length);
    expect(Date.parse(calls[0].at)).not.toBeNaN();

    const repeated = await engine.select({ k: 20, n: 3, repeats: true });
    expect(replaySelectWithRepeats(20, 3, repeated.bytesConsumed).values).toEqual(repeated.values);

    expect(engine.stats.bytesServed).toBe(selection.bytesConsumed.length + repeated.bytesConsumed.length);
    // The start-up samples went to the provider but were not served.
    expect(watch.calls[0]).toEqual({ bytes: 1024, ok: true });
    expect(engine.stats.providerCalls).toBe(watch.calls.length);
    expect(watch.faults).toEqual([]);
    await engine.close();
    expect(engine.state).toBe('closed');
    await expect(engine.read(4)).rejects.toBeInstanceOf(RngUnavailableError);
  });

  it('serves nothing before start()', async () => {
    const engine = new RngEngine(new OsRandomSource());
    await expect(engine.read(8)).rejects.toThrow(/has not passed its start-up test/);
    await expect(engine.select({ k: 1, n: 10 })).rejects.toBeInstanceOf(RngUnavailableError);
  });
});

describe('RngEngine health tests on a faulty source', () => {
  it('trips the repetition count test on a stuck source, latches, and recovers only by a passed self-test', async () => {
    const source = new FaultySource();
    const watch = observed();
    const engine = new RngEngine(source, { observer: watch.observer });
    await engine.start();
    await engine.select({ k: 3, n: 100 });

    source.mode = 'stuck';
    const calls: RngCall[] = [];
    const failure = await engine.select({ k: 3, n: 100 }, calls).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RngUnavailableError);
    expect(engine.state).toBe('failed');
    expect(watch.faults).toHaveLength(1);
    expect(watch.faults[0]).toMatchObject({
      kind: 'health-test',
      test: 'repetition-count',
      sample: 0xff,
      count: 6,
      cutoff: 6,
    });
    // 1-byte requests (range 100: 7 bits, 0xff masks to 127 and is rejected): the sixth equal
    // byte in a row trips the test (the fifth, if the byte before happened to be 0xff too).
    expect(calls.map((call) => call.bytes)).toEqual(new Array(calls.length).fill(1));
    expect(calls.length).toBeGreaterThanOrEqual(5);
    expect(calls.length).toBeLessThanOrEqual(6);
    expect(engine.stats.healthFailures).toEqual({ 'repetition-count': 1 });

    // Latched: refused without asking the provider, and the fault is reported once.
    const before = source.calls;
    await expect(engine.select({ k: 1, n: 10 })).rejects.toThrow(
      /disabled since repetition-count test failed/,
    );
    await expect(engine.read(16)).rejects.toBeInstanceOf(RngUnavailableError);
    expect(source.calls).toBe(before);
    expect(watch.faults).toHaveLength(1);

    const stillStuck = await engine.selfTest();
    expect(stillStuck.passed).toBe(false);
    expect(engine.state).toBe('failed');
    expect(engine.startUpRecord).toMatchObject({ passed: false });

    source.mode = 'ok';
    const fixed = await engine.selfTest();
    expect(fixed.passed).toBe(true);
    expect(engine.state).toBe('healthy');
    expect(engine.fault).toBeUndefined();
    expect((await engine.select({ k: 2, n: 10 })).values).toHaveLength(2);
  });

  it('trips the adaptive proportion test on a biased source that the repetition test cannot see', async () => {
    const source = new FaultySource();
    const watch = observed();
    const engine = new RngEngine(source, { observer: watch.observer });
    await engine.start();
    source.mode = 'biased';
    await expect(
      (async () => {
        for (let i = 0; i < 100; i++) await engine.read(4096);
      })(),
    ).rejects.toBeInstanceOf(RngUnavailableError);
    expect(watch.faults).toHaveLength(1);
    expect(watch.faults[0]).toMatchObject({
      kind: 'health-test',
      test: 'adaptive-proportion',
      sample: 0xaa,
      count: 62,
      cutoff: 62,
    });
    expect(engine.state).toBe('failed');
  });

  it('refuses to start on a source that is stuck from the beginning', async () => {
    const source = new FaultySource();
    source.mode = 'stuck';
    const watch = observed();
    const engine = new RngEngine(source, { observer: watch.observer });
    const failure = await engine.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RngStartUpError);
    expect((failure as RngStartUpError).fault).toMatchObject({
      kind: 'health-test',
      test: 'repetition-count',
    });
    expect(engine.state).toBe('failed');
    expect(watch.faults).toHaveLength(1);
    await expect(engine.read(1)).rejects.toBeInstanceOf(RngUnavailableError);
  });
});

describe('RngEngine on PKCS#11 (SoftHSM2) faults', () => {
  let hsm: SoftHsm;
  beforeAll(async () => {
    hsm = await createSoftHsm({ tokenLabel: 'fairdraw-engine' });
  });
  afterAll(async () => hsm?.cleanup());

  const pkcs11 = (overrides: Partial<ConstructorParameters<typeof Pkcs11RandomSource>[0]> = {}) =>
    new Pkcs11RandomSource({
      modulePath: hsm.modulePath,
      tokenLabel: hsm.tokenLabel,
      pin: hsm.pin,
      ...overrides,
    });

  it('does not start with a wrong PIN: a clear error, no PIN in it, and no fallback', async () => {
    const watch = observed();
    const engine = new RngEngine(pkcs11({ pin: '000000' }), { observer: watch.observer });
    const failure = await engine.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RngProviderError);
    expect(failure).toMatchObject({ provider: 'pkcs11', reason: 'login-failed' });
    expect((failure as Error).message).toMatch(/CKR_PIN_INCORRECT/);
    expect((failure as Error).message).not.toContain('000000');
    expect(engine.state).toBe('failed');
    expect(engine.info.provider).toBe('pkcs11');
    expect(watch.faults).toEqual([expect.objectContaining({ kind: 'provider', reason: 'login-failed' })]);
    await expect(engine.read(8)).rejects.toBeInstanceOf(RngUnavailableError);
    await engine.close();
  });

  it('does not start when the module is missing', async () => {
    const engine = new RngEngine(pkcs11({ modulePath: '/opt/cloudhsm/lib/missing.so' }));
    await expect(engine.start()).rejects.toMatchObject({ provider: 'pkcs11', reason: 'module-not-found' });
    expect(engine.state).toBe('failed');
  });

  it('stops when the token is removed mid-run and stays stopped', async () => {
    await hsm.addToken('fairdraw-doomed');
    const source = pkcs11({ tokenLabel: 'fairdraw-doomed' });
    const watch = observed();
    const engine = new RngEngine(source, { observer: watch.observer });
    await engine.start();
    expect(engine.info.certified).toBe(true);
    expect(engine.info.identity).toMatch(/^pkcs11:token=fairdraw-doomed;.*serial=[0-9a-f]+/);
    await engine.select({ k: 2, n: 50 });

    await hsm.deleteToken('fairdraw-doomed');
    const outsider = new pkcs11js.PKCS11();
    outsider.load(hsm.modulePath);
    outsider.C_Finalize(); // the device is gone: the module loses its state with it
    const failure = await engine.select({ k: 2, n: 50 }).catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RngUnavailableError);
    expect((failure as Error).message).toMatch(/token labelled 'fairdraw-doomed'/);
    expect(watch.faults).toEqual([expect.objectContaining({ kind: 'provider', reason: 'token-not-found' })]);
    expect(engine.state).toBe('failed');
    await expect(engine.read(8)).rejects.toThrow(/disabled since/);
    const retry = await engine.selfTest();
    expect(retry.passed).toBe(false);
    expect(engine.state).toBe('failed');
    await engine.close();
  });
});

describe('RngEngine on KMS (moto_server)', () => {
  let moto: MotoServer;
  beforeAll(async () => {
    moto = await startMoto();
  });
  afterAll(async () => moto?.stop());

  it('serves GenerateRandom bytes through the health tests and stops when KMS becomes unreachable', async () => {
    const watch = observed();
    const engine = new RngEngine(
      new KmsRandomSource({
        region: moto.region,
        endpoint: moto.endpoint,
        credentials: moto.credentials,
        certified: false,
        timeoutMs: 2000,
        maxAttempts: 1,
      }),
      { observer: watch.observer },
    );
    await engine.start();
    const selection = await engine.select({ k: 3, n: 37 });
    expect(replaySelectDistinct(3, 37, selection.bytesConsumed).values).toEqual(selection.values);

    await moto.stop();
    await expect(engine.select({ k: 1, n: 37 })).rejects.toBeInstanceOf(RngUnavailableError);
    expect(watch.faults).toEqual([expect.objectContaining({ kind: 'provider', reason: 'unreachable' })]);
    expect(engine.state).toBe('failed');
    await engine.close();
  });
});
