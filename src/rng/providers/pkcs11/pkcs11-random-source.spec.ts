import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pkcs11js from 'pkcs11js';
import { createSoftHsm, type SoftHsm } from '../../../../test/support/softhsm.js';
import { RngProviderError } from '../random-source.js';
import {
  PKCS11_CHUNK_BYTES,
  Pkcs11RandomSource,
  type Pkcs11RandomSourceOptions,
} from './pkcs11-random-source.js';

// One SoftHSM2 store for the file: SoftHSM has one configuration per process.
let hsm: SoftHsm;
const DECOY_PIN = '111111';

beforeAll(async () => {
  hsm = await createSoftHsm({ tokenLabel: 'fairdraw' });
  await hsm.addToken('decoy', DECOY_PIN);
});

afterAll(async () => {
  await hsm?.cleanup();
});

const opened: Pkcs11RandomSource[] = [];
afterEach(async () => {
  await Promise.all(opened.splice(0).map((source) => source.close()));
});

async function openSource(overrides: Partial<Pkcs11RandomSourceOptions> = {}): Promise<Pkcs11RandomSource> {
  const source = new Pkcs11RandomSource({
    modulePath: hsm.modulePath,
    tokenLabel: 'fairdraw',
    pin: hsm.pin,
    ...overrides,
  });
  opened.push(source);
  await source.open();
  return source;
}

/** What softhsm2-util (a separate process) says about the store: serial and slot per token label. */
function slotsByLabel(): Map<string, { slot: number; serial: string }> {
  const text = execFileSync('softhsm2-util', ['--show-slots'], {
    env: { ...process.env, SOFTHSM2_CONF: hsm.confPath },
  }).toString();
  const found = new Map<string, { slot: number; serial: string }>();
  for (const block of text.split(/^Slot /m).slice(1)) {
    const label = /^\s+Label:\s+(.*?)\s*$/m.exec(block)?.[1];
    const serial = /^\s+Serial number:\s+(\S+)/m.exec(block)?.[1];
    if (label && serial) found.set(label, { slot: Number(/^(\d+)/.exec(block)?.[1]), serial });
  }
  return found;
}

/**
 * Another user of the same module in this process, acting behind the provider's back: the
 * module is process-wide, so this is how a session loss or a module reset looks to the provider.
 */
function outsider(): pkcs11js.PKCS11 {
  const api = new pkcs11js.PKCS11();
  api.load(hsm.modulePath);
  return api;
}

function slotOf(api: pkcs11js.PKCS11, label: string): Buffer {
  const slot = api.C_GetSlotList(true).find((s) => api.C_GetTokenInfo(s).label.trim() === label);
  if (slot === undefined) throw new Error(`no token ${label}`);
  return slot;
}

function zeroCount(buffer: Buffer): number {
  let zeros = 0;
  for (const byte of buffer) if (byte === 0) zeros++;
  return zeros;
}

describe('Pkcs11RandomSource on a real SoftHSM2 token', () => {
  it('finds its token by label among others and names it by an RFC 7512 URI with the real serial', async () => {
    const source = await openSource();
    const { serial } = slotsByLabel().get('fairdraw')!;
    expect(source.provider).toBe('pkcs11');
    expect(source.certified).toBe(true);
    expect(source.identity).toBe(
      `pkcs11:token=fairdraw;manufacturer=SoftHSM%20project;model=SoftHSM%20v2;serial=${serial};` +
        'library-manufacturer=SoftHSM;library-description=Implementation%20of%20PKCS11;library-version=2.6',
    );
    expect(source.tokenIdentity).toMatchObject({ label: 'fairdraw', serial });
  });

  it('selects the token by explicit slot, and refuses a slot that holds another label', async () => {
    const slots = slotsByLabel();
    const bySlot = await openSource({ tokenLabel: undefined, slot: slots.get('fairdraw')!.slot });
    expect(bySlot.tokenIdentity?.serial).toBe(slots.get('fairdraw')!.serial);
    const mismatch = new Pkcs11RandomSource({
      modulePath: hsm.modulePath,
      tokenLabel: 'fairdraw',
      slot: slots.get('decoy')!.slot,
      pin: hsm.pin,
    });
    await expect(mismatch.open()).rejects.toMatchObject({ provider: 'pkcs11', reason: 'token-not-found' });
  });

  it('returns exactly the requested number of bytes, distinct from call to call', async () => {
    const source = await openSource();
    const lengths = [0, 1, 32, PKCS11_CHUNK_BYTES - 1, PKCS11_CHUNK_BYTES, PKCS11_CHUNK_BYTES + 1];
    for (const length of lengths) expect((await source.generate(length)).length).toBe(length);
    const outputs = await Promise.all(Array.from({ length: 100 }, () => source.generate(32)));
    expect(new Set(outputs.map((b) => b.toString('hex'))).size).toBe(100);
  });

  it('produces 1 MiB in 64 KiB chunks, every chunk filled, letting the event loop run in between', async () => {
    const source = await openSource();
    let turns = 0;
    let spinning = true;
    const spin = () => {
      if (!spinning) return;
      turns++;
      setImmediate(spin);
    };
    setImmediate(spin);
    const output = await source.generate(1024 * 1024);
    spinning = false;
    expect(output.length).toBe(1024 * 1024);
    expect(turns).toBeGreaterThanOrEqual(8);
    // Expected 4096 zeros (sd 64); a chunk left unfilled would add 65536.
    expect(zeroCount(output)).toBeLessThan(4096 + 10 * 64);
    const chunks = new Set<string>();
    for (let offset = 0; offset < output.length; offset += PKCS11_CHUNK_BYTES) {
      chunks.add(output.subarray(offset, offset + PKCS11_CHUNK_BYTES).toString('hex'));
    }
    expect(chunks.size).toBe(16);
  });

  it('serves concurrent calls from its pool without lending a session twice', async () => {
    const source = await openSource({ poolSize: 2 });
    let maxInUse = 0;
    let maxWaiting = 0;
    let sampling = true;
    const sample = () => {
      if (!sampling) return;
      const { inUse, waiting } = source.status();
      maxInUse = Math.max(maxInUse, inUse);
      maxWaiting = Math.max(maxWaiting, waiting);
      setImmediate(sample);
    };
    sample();
    const outputs = await Promise.all(Array.from({ length: 8 }, () => source.generate(256 * 1024)));
    sampling = false;
    expect(outputs.every((b) => b.length === 256 * 1024)).toBe(true);
    expect(new Set(outputs.map((b) => b.subarray(0, 64).toString('hex'))).size).toBe(8);
    expect(maxInUse).toBe(2);
    expect(maxWaiting).toBeGreaterThan(0);
    expect(source.status()).toMatchObject({ state: 'open', idle: 2, inUse: 0, waiting: 0 });
  });

  it('gives up with a clear error when no session frees up in time', async () => {
    const source = await openSource({ poolSize: 1, timeoutMs: 1 });
    const long = source.generate(64 * 1024 * 1024);
    const starved = source.generate(32);
    await expect(starved).rejects.toMatchObject({ provider: 'pkcs11', reason: 'session-timeout' });
    expect((await long).length).toBe(64 * 1024 * 1024);
  });

  it('opens even when the module was finalised behind the back of an earlier user in this process', async () => {
    const earlier = await openSource();
    outsider().C_Finalize();
    const later = await openSource();
    expect((await later.generate(32)).length).toBe(32);
    expect((await earlier.generate(32)).length).toBe(32);
    expect(earlier.status().reconnects).toBe(1);
  });

  it('refuses to generate before open and after close, and finalises the module on the last close', async () => {
    const source = new Pkcs11RandomSource({
      modulePath: hsm.modulePath,
      tokenLabel: 'fairdraw',
      pin: hsm.pin,
    });
    await expect(source.generate(8)).rejects.toMatchObject({ reason: 'not-open' });
    await source.open();
    await source.close();
    await expect(source.generate(8)).rejects.toMatchObject({ reason: 'closed' });
    const api = outsider();
    expect(() => api.C_GetSlotList(true)).toThrow('CKR_CRYPTOKI_NOT_INITIALIZED');
  });
});

describe('Pkcs11RandomSource configuration and login failures', () => {
  it('rejects a wrong PIN with login-failed, without echoing the PIN and without falling back', async () => {
    const source = new Pkcs11RandomSource({ modulePath: hsm.modulePath, tokenLabel: 'decoy', pin: '999999' });
    const failure = await source.open().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(RngProviderError);
    expect(failure).toMatchObject({ provider: 'pkcs11', reason: 'login-failed' });
    expect((failure as Error).message).toContain('CKR_PIN_INCORRECT');
    expect((failure as Error).message).not.toContain('999999');
    await expect(source.generate(32)).rejects.toMatchObject({ reason: 'not-open' });
    const right = await openSource({ tokenLabel: 'decoy', pin: DECOY_PIN });
    expect((await right.generate(16)).length).toBe(16);
  });

  it('names a missing module, and a file that is not a PKCS#11 module', async () => {
    const missing = new Pkcs11RandomSource({
      modulePath: '/nonexistent/libcloudhsm_pkcs11.so',
      tokenLabel: 't',
      pin: 'p',
    });
    await expect(missing.open()).rejects.toMatchObject({ provider: 'pkcs11', reason: 'module-not-found' });
    const notAModule = join(hsm.dir, 'not-a-module.so');
    writeFileSync(notAModule, 'not an ELF file');
    const bogus = new Pkcs11RandomSource({ modulePath: notAModule, tokenLabel: 't', pin: 'p' });
    await expect(bogus.open()).rejects.toMatchObject({ reason: 'module-load-failed' });
  });

  it('reports an unknown label, and a configuration that names no token', async () => {
    const unknown = new Pkcs11RandomSource({ modulePath: hsm.modulePath, tokenLabel: 'nope', pin: hsm.pin });
    await expect(unknown.open()).rejects.toThrow(/no token labelled 'nope'/);
    expect(() => new Pkcs11RandomSource({ modulePath: hsm.modulePath, pin: hsm.pin })).toThrow(
      RngProviderError,
    );
  });
});

describe('Pkcs11RandomSource after faults under it', () => {
  it('recovers when its sessions are closed behind its back (lost sessions)', async () => {
    const source = await openSource();
    const identity = source.identity;
    expect((await source.generate(32)).length).toBe(32);
    const api = outsider();
    api.C_CloseAllSessions(slotOf(api, 'fairdraw'));
    expect((await source.generate(100_000)).length).toBe(100_000);
    expect(source.status()).toMatchObject({ state: 'open', reconnects: 1, idle: 2 });
    expect(source.identity).toBe(identity);
  });

  it('recovers when the module is finalised behind its back (CKR_CRYPTOKI_NOT_INITIALIZED)', async () => {
    const source = await openSource();
    outsider().C_Finalize();
    expect((await source.generate(32)).length).toBe(32);
    expect(source.status().reconnects).toBe(1);
  });

  it('shares the module with another source: one re-initialisation, no stale handle used, no ping-pong', async () => {
    const main = await openSource();
    const other = await openSource({ tokenLabel: 'decoy', pin: DECOY_PIN });
    const api = outsider();
    api.C_CloseAllSessions(slotOf(api, 'decoy'));
    expect((await other.generate(32)).length).toBe(32); // re-initialises the module for both
    expect((await main.generate(32)).length).toBe(32); // notices, opens new sessions, no second reset
    expect((await other.generate(32)).length).toBe(32);
    expect([main.status().reconnects, other.status().reconnects]).toEqual([1, 1]);
    expect(main.tokenIdentity?.label).toBe('fairdraw');
  });

  it('throws token-not-found, again and again, once the token is gone, and token-changed for a look-alike', async () => {
    await hsm.addToken('doomed');
    const source = await openSource({ tokenLabel: 'doomed' });
    expect((await source.generate(32)).length).toBe(32);
    await hsm.deleteToken('doomed');
    outsider().C_Finalize(); // the device is gone: the module loses its state with it
    await expect(source.generate(32)).rejects.toMatchObject({
      provider: 'pkcs11',
      reason: 'token-not-found',
    });
    await expect(source.generate(32)).rejects.toMatchObject({ reason: 'token-not-found' });
    expect(source.status()).toMatchObject({ state: 'faulted', idle: 0 });

    await hsm.addToken('doomed'); // same label, new serial: another device
    await expect(source.generate(32)).rejects.toMatchObject({ reason: 'token-changed' });
    expect(source.status().lastFault).toMatch(/refusing to draw from another device/);
  });
});
