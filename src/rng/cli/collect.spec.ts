import { createHash } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSoftHsm, type SoftHsm } from '../../../test/support/softhsm.js';
import { main } from './collect.js';

let directory: string;
let hsm: SoftHsm;
beforeAll(async () => {
  hsm = await createSoftHsm({ tokenLabel: 'fairdraw-lab' });
});
afterAll(async () => hsm?.cleanup());
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'rng-collect-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

const sha256 = (data: Buffer | string) => createHash('sha256').update(data).digest('hex');

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  const lines: string[] = [];
  const status = await main(argv, env, (line) => lines.push(line));
  return { status, output: lines.join('\n') };
}

async function sidecar(file: string): Promise<Record<string, unknown> & { output: Record<string, unknown> }> {
  return JSON.parse(await readFile(`${file}.json`, 'utf8'));
}

const softHsmEnv = () => ({
  RNG_PROVIDER: 'pkcs11',
  PKCS11_MODULE: hsm.modulePath,
  PKCS11_TOKEN_LABEL: 'fairdraw-lab',
  PKCS11_PIN: hsm.pin,
});

describe('rng:collect on the os provider', () => {
  it('writes raw bytes after the health tests, with a sidecar naming the source as NOT certified', async () => {
    const out = join(directory, 'raw.bin');
    const { status, output } = await run(['--raw', '--bytes', '200000', '--out', out]);
    expect(status).toBe(0);
    const data = await readFile(out);
    expect(data.length).toBe(200_000);
    const description = await sidecar(out);
    expect(description).toMatchObject({
      provider: 'os',
      certified: false,
      identity: 'os:node-crypto',
      parameters: { mode: 'raw', bytes: 200_000 },
      output: { format: 'binary', bytes: 200_000, sha256: sha256(data), stoppedByReader: false },
      bytesConsumed: 200_000,
      health: { state: 'healthy', failures: {}, startUp: { passed: true, samplesTested: 1024 } },
    });
    expect(description.certifiedNote).toMatch(/NOT a certified RNG/);
    expect(output).toContain(`200000 bytes from os to ${out}`);
  });

  it('writes distinct winners per selection exactly as draws make them', async () => {
    const out = join(directory, 'distinct.txt');
    const { status } = await run(['--range', '10', '--count', '3000', '--winners', '3', '--out', out]);
    expect(status).toBe(0);
    const text = await readFile(out, 'utf8');
    const values = text.trimEnd().split('\n').map(Number);
    expect(values).toHaveLength(3000);
    for (let i = 0; i < values.length; i += 3) {
      const draw = values.slice(i, i + 3);
      expect(new Set(draw).size).toBe(3); // distinct within each selection
      expect(draw.every((v) => Number.isInteger(v) && v >= 0 && v < 10)).toBe(true);
    }
    expect(new Set(values).size).toBe(10); // every position comes up somewhere in 1000 draws
    expect(await sidecar(out)).toMatchObject({
      algorithm: 'fairdraw-rejection-v1',
      parameters: { mode: 'scaled', range: 10, count: 3000, repeats: false, winnersPerSelection: 3 },
      output: { lines: 3000, sha256: sha256(text) },
    });
  });

  it('writes independent outcomes with --repeats, in selections larger than the range', async () => {
    const out = join(directory, 'repeats.txt');
    const { status } = await run(['--range', '6', '--count', '25000', '--repeats', '--out', out]);
    expect(status).toBe(0);
    const values = (await readFile(out, 'utf8')).trimEnd().split('\n').map(Number);
    expect(values).toHaveLength(25_000);
    const counts = new Array<number>(6).fill(0);
    for (const v of values) counts[v]++;
    // Each face expected 4167 times; 6 sigma is about 350.
    for (const c of counts) expect(Math.abs(c - 25_000 / 6)).toBeLessThan(350);
    expect(await sidecar(out)).toMatchObject({
      parameters: { repeats: true, winnersPerSelection: 10_000 },
    });
  });

  it('refuses bad usage and configuration with status 2', async () => {
    const out = join(directory, 'x');
    expect((await run(['--raw', '--out', out])).output).toMatch(/--bytes is required/);
    expect((await run(['--range', '5', '--count', '6', '--out', out])).output).toMatch(
      /6 distinct winners cannot come from a range of 5/,
    );
    expect((await run(['--range', '5', '--count', '7', '--winners', '2', '--out', out])).status).toBe(2);
    expect((await run(['--raw', '--range', '5', '--count', '1', '--out', out])).status).toBe(2);
    expect((await run(['--raw', '--bytes', '10'])).status).toBe(2);
    const pkcs11WithoutPin = await run(['--raw', '--bytes', '10', '--out', out], {
      RNG_PROVIDER: 'pkcs11',
      PKCS11_MODULE: hsm.modulePath,
      PKCS11_TOKEN_LABEL: 'fairdraw-lab',
    });
    expect(pkcs11WithoutPin).toMatchObject({ status: 2 });
    expect(pkcs11WithoutPin.output).toMatch(/PKCS11_PIN is required when RNG_PROVIDER=pkcs11/);
    const production = await run(['--raw', '--bytes', '10', '--out', out], { NODE_ENV: 'production' });
    expect(production.status).toBe(2);
    expect(production.output).toMatch(/not a certified RNG/);
  });
});

describe('rng:collect on a SoftHSM2 token (pkcs11, the same variables as the service)', () => {
  it('writes raw token output, the sidecar naming the token by serial', async () => {
    const out = join(directory, 'hsm.bin');
    const { status } = await run(['--raw', '--bytes', '300000', '--out', out], softHsmEnv());
    expect(status).toBe(0);
    const data = await readFile(out);
    expect(data.length).toBe(300_000);
    const description = await sidecar(out);
    expect(description).toMatchObject({
      provider: 'pkcs11',
      certified: true,
      settings: { provider: 'pkcs11', module: hsm.modulePath, tokenLabel: 'fairdraw-lab' },
      output: { sha256: sha256(data) },
    });
    expect(description.identity).toMatch(/^pkcs11:token=fairdraw-lab;.*;serial=[0-9a-f]+;/);
    expect(JSON.stringify(description)).not.toContain(hsm.pin);
  });

  it('writes scaled outcomes from the token; --provider picks it over RNG_PROVIDER', async () => {
    const out = join(directory, 'hsm.txt');
    const { status } = await run(
      ['--provider', 'pkcs11', '--range', '1000003', '--count', '500', '--out', out],
      {
        ...softHsmEnv(),
        RNG_PROVIDER: 'os',
      },
    );
    expect(status).toBe(0);
    const values = (await readFile(out, 'utf8')).trimEnd().split('\n').map(Number);
    expect(values).toHaveLength(500);
    expect(new Set(values).size).toBe(500);
    expect(values.every((v) => v >= 0 && v < 1_000_003)).toBe(true);
    expect(await sidecar(out)).toMatchObject({ provider: 'pkcs11', certified: true });
  });

  it('fails with status 1 and a clear message on a wrong PIN, writing nothing', async () => {
    const out = join(directory, 'never.bin');
    const { status, output } = await run(['--raw', '--bytes', '10', '--out', out], {
      ...softHsmEnv(),
      PKCS11_PIN: '000000',
    });
    expect(status).toBe(1);
    expect(output).toMatch(/CKR_PIN_INCORRECT/);
    expect(output).not.toContain('000000');
    await expect(readFile(out)).rejects.toMatchObject({ code: 'ENOENT' });
  });
});
