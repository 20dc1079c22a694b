import { randomBytes, randomInt } from 'node:crypto';
import type { RandomBytes } from '../random-bytes.js';
import { HealthMonitor, START_UP_SAMPLES } from './health-monitor.js';
import { monitoredSource } from './monitored-source.js';
import { RngHealthError } from './rng-health-error.js';

const good: RandomBytes = async (n) => randomBytes(n);
const stuck: RandomBytes = async (n) => Buffer.alloc(n, 0x42);

/**
 * 60% of bytes are 0x00, never more than 4 in a row: a biased source the repetition test cannot
 * see (its cutoff is 6), so only the adaptive proportion test can catch it.
 */
function biasedWithoutRuns(): RandomBytes {
  let run = 0;
  return async (n) => {
    const out = Buffer.alloc(n);
    for (let i = 0; i < n; i++) {
      const zero = run < 4 && randomInt(0, 100) < 60;
      out[i] = zero ? 0 : randomInt(1, 256);
      run = zero ? run + 1 : 0;
    }
    return out;
  };
}

async function started(source: RandomBytes = good): Promise<HealthMonitor> {
  const monitor = new HealthMonitor();
  expect((await monitor.startUp(source)).passed).toBe(true);
  return monitor;
}

async function expectHealthError(run: Promise<unknown>): Promise<RngHealthError> {
  const error = await run.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(RngHealthError);
  return error as RngHealthError;
}

describe('HealthMonitor', () => {
  it('refuses output before the start-up test', () => {
    const monitor = new HealthMonitor();
    expect(monitor.state).toBe('awaiting-start-up');
    expect(() => monitor.inspect(randomBytes(16))).toThrow(/not started/);
  });

  it('starts up with the known-answer self-test and 1024 discarded samples', async () => {
    const monitor = new HealthMonitor();
    const raw = jest.fn(good);
    const result = await monitor.startUp(raw);
    expect(result).toMatchObject({ passed: true, samplesTested: START_UP_SAMPLES });
    expect(result.selfTest.passed).toBe(true);
    expect(raw).toHaveBeenCalledWith(START_UP_SAMPLES);
    expect(monitor.state).toBe('healthy');
    expect(monitor.samplesInspected).toBe(0);
  });

  it('fails start-up on a stuck source', async () => {
    const monitor = new HealthMonitor();
    const result = await monitor.startUp(stuck);
    expect(result.passed).toBe(false);
    expect(result.failure).toMatchObject({ test: 'repetition-count', sample: 0x42, count: 6, cutoff: 6 });
    expect(monitor.state).toBe('failed');
  });

  it('trips the repetition count test on a stuck source', async () => {
    const monitor = await started();
    const source = monitoredSource(stuck, monitor);
    const error = await expectHealthError(source(32));
    expect(error).toMatchObject({
      test: 'repetition-count',
      sample: 0x42,
      count: 6,
      cutoff: 6,
      sampleIndex: 5,
      latched: false,
    });
  });

  it('trips the adaptive proportion test on a 60% biased source', async () => {
    const monitor = await started();
    const source = monitoredSource(biasedWithoutRuns(), monitor);
    const error = await expectHealthError(
      (async () => {
        for (let i = 0; i < 100; i++) await source(4096);
      })(),
    );
    expect(error).toMatchObject({
      test: 'adaptive-proportion',
      sample: 0,
      count: 62,
      cutoff: 62,
      latched: false,
    });
    expect(error.message).toMatch(
      /adaptive-proportion test failed: byte 0x00 seen 62 times in a window of 512/,
    );
  });

  it('passes 10 MB of node crypto output without a trip', async () => {
    const monitor = await started();
    const source = monitoredSource(good, monitor);
    for (let total = 0; total < 10 * 1024 * 1024; total += 65536) await source(65536);
    expect(monitor.state).toBe('healthy');
    expect(monitor.samplesInspected).toBe(10 * 1024 * 1024);
  });

  it('stays failed (latched) until a new start-up passes', async () => {
    const monitor = await started();
    expect(() => monitor.inspect(Buffer.alloc(10, 7))).toThrow(RngHealthError);
    const latched = await expectHealthError(monitoredSource(good, monitor)(16));
    expect(latched).toMatchObject({ latched: true, test: 'repetition-count', sample: 7 });
    expect(monitor.failure?.test).toBe('repetition-count');

    expect((await monitor.startUp(stuck)).passed).toBe(false);
    expect(() => monitor.inspect(randomBytes(16))).toThrow(/disabled since an earlier health test failure/);

    expect((await monitor.startUp(good)).passed).toBe(true);
    expect(monitor.state).toBe('healthy');
    expect(monitor.failure).toBeUndefined();
    expect(() => monitor.inspect(randomBytes(4096))).not.toThrow();
  });

  it('refuses output while a start-up is still reading its samples', async () => {
    const monitor = new HealthMonitor();
    let release: () => void = () => undefined;
    const slow: RandomBytes = (n) => new Promise((resolve) => (release = () => resolve(randomBytes(n))));
    const starting = monitor.startUp(slow);
    await Promise.resolve();
    expect(monitor.state).toBe('starting');
    expect(() => monitor.inspect(randomBytes(16))).toThrow(/start-up test in progress/);
    release();
    expect((await starting).passed).toBe(true);
    expect(() => monitor.inspect(randomBytes(16))).not.toThrow();
  });

  it('reports a start-up that cannot read the source', async () => {
    const monitor = new HealthMonitor();
    const result = await monitor.startUp(async () => {
      throw new Error('HSM unplugged');
    });
    expect(result.passed).toBe(false);
    expect(result.failure?.message).toMatch(/HSM unplugged/);
    expect(monitor.state).toBe('failed');
  });

  it('refuses a provider that returns the wrong number of bytes', async () => {
    const monitor = await started();
    await expect(monitoredSource(async () => Buffer.alloc(3), monitor)(4)).rejects.toThrow(
      /returned 3 bytes/,
    );
  });

  it('uses cutoffs derived from its parameters', () => {
    const monitor = new HealthMonitor({ minEntropyPerSample: 1, alpha: 2 ** -20, windowSize: 512 });
    expect(monitor.cutoffs).toEqual({ repetitionCount: 21, adaptiveProportion: 311, windowSize: 512 });
  });
});
