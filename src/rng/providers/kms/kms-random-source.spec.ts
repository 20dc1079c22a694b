import { createServer, type Server, type Socket } from 'node:net';
import { startMoto, type MotoServer } from '../../../../test/support/moto.js';
import { RngProviderError } from '../random-source.js';
import { KMS_MAX_BYTES_PER_CALL, KmsRandomSource } from './kms-random-source.js';

/** A TCP server that accepts connections and never answers: a hung endpoint. */
async function startSilentServer(): Promise<{ endpoint: string; stop(): Promise<void> }> {
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => sockets.add(socket));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    endpoint: `http://127.0.0.1:${address.port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        sockets.forEach((socket) => socket.destroy());
        server.close(() => resolve());
      }),
  };
}

function zeroCount(buffer: Buffer): number {
  let zeros = 0;
  for (const byte of buffer) if (byte === 0) zeros++;
  return zeros;
}

describe('KmsRandomSource against moto_server', () => {
  let moto: MotoServer;
  let source: KmsRandomSource;

  beforeAll(async () => {
    moto = await startMoto();
    source = new KmsRandomSource({
      region: moto.region,
      endpoint: moto.endpoint,
      credentials: moto.credentials,
      certified: false,
    });
    await source.open();
  });

  afterAll(async () => {
    await source?.close();
    await moto?.stop();
  });

  it('names its region, key store and endpoint, and reports certified from the configuration', () => {
    expect(source.provider).toBe('kms');
    expect(source.identity).toBe(`kms:${moto.region}/default@${moto.endpoint}`);
    expect(source.certified).toBe(false);
    const production = new KmsRandomSource({
      region: 'eu-west-1',
      customKeyStoreId: 'cks-1234567890abcdef0',
    });
    expect(production.identity).toBe('kms:eu-west-1/cks-1234567890abcdef0');
    expect(production.certified).toBe(true);
  });

  it('returns exactly the requested number of bytes, below, at and above the 1024-byte KMS limit', async () => {
    const lengths = [
      0,
      1,
      32,
      KMS_MAX_BYTES_PER_CALL,
      KMS_MAX_BYTES_PER_CALL + 1,
      3 * KMS_MAX_BYTES_PER_CALL + 7,
    ];
    for (const length of lengths) {
      expect((await source.generate(length)).length).toBe(length);
    }
  });

  it('fills every part of a split request with random bytes (no zero-filled or repeated chunk)', async () => {
    const bytes = 70_000;
    const output = await source.generate(bytes);
    // A chunk left unfilled would add 1024 zeros; the expected count is 273 with a standard deviation near 16.5.
    expect(zeroCount(output)).toBeLessThan(273 + 10 * 16.5);
    const chunks = new Set<string>();
    for (let offset = 0; offset < bytes; offset += KMS_MAX_BYTES_PER_CALL) {
      chunks.add(output.subarray(offset, offset + KMS_MAX_BYTES_PER_CALL).toString('hex'));
    }
    expect(chunks.size).toBe(Math.ceil(bytes / KMS_MAX_BYTES_PER_CALL));
  });

  it('gives distinct outputs from call to call, also when called concurrently', async () => {
    const outputs = await Promise.all(Array.from({ length: 20 }, () => source.generate(32)));
    expect(new Set(outputs.map((b) => b.toString('hex'))).size).toBe(20);
  });

  it('passes CustomKeyStoreId through to GenerateRandom', async () => {
    const withStore = new KmsRandomSource({
      region: moto.region,
      endpoint: moto.endpoint,
      credentials: moto.credentials,
      customKeyStoreId: 'cks-1234567890abcdef0',
    });
    await withStore.open();
    expect((await withStore.generate(2000)).length).toBe(2000);
    await withStore.close();
  });
});

describe('KmsRandomSource failures', () => {
  it('fails to open with a clear "unreachable" error on a wrong endpoint, and never falls back', async () => {
    const moto = await startMoto();
    const endpoint = moto.endpoint;
    await moto.stop();
    const source = new KmsRandomSource({ region: 'us-east-1', endpoint, credentials: moto.credentials });
    const failure = await source.open().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RngProviderError);
    expect(failure).toMatchObject({ provider: 'kms', reason: 'unreachable' });
    expect((failure as Error).message).toContain(endpoint);
    await expect(source.generate(32)).rejects.toMatchObject({ reason: 'not-open' });
  });

  it('turns a hung endpoint into a "timeout" error within the configured deadline', async () => {
    const silent = await startSilentServer();
    try {
      const source = new KmsRandomSource({
        region: 'us-east-1',
        endpoint: silent.endpoint,
        credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
        timeoutMs: 300,
      });
      const started = Date.now();
      await expect(source.open()).rejects.toMatchObject({ provider: 'kms', reason: 'timeout' });
      expect(Date.now() - started).toBeLessThan(3000);
    } finally {
      await silent.stop();
    }
  });

  it('rejects generate once the endpoint goes away mid-run instead of returning bytes from elsewhere', async () => {
    const moto = await startMoto();
    const source = new KmsRandomSource({
      region: moto.region,
      endpoint: moto.endpoint,
      credentials: moto.credentials,
      maxAttempts: 1,
    });
    await source.open();
    expect((await source.generate(16)).length).toBe(16);
    await moto.stop();
    await expect(source.generate(16)).rejects.toMatchObject({ provider: 'kms', reason: 'unreachable' });
    await source.close();
  });
});
