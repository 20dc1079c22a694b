import { startMoto } from '../../../test/support/moto.js';
import { createSoftHsm } from '../../../test/support/softhsm.js';
import {
  createRandomSource,
  KmsRandomSource,
  OsRandomSource,
  Pkcs11RandomSource,
  type RandomSourceConfig,
} from './index.js';

async function roundTrip(
  config: RandomSourceConfig,
): Promise<{ certified: boolean; identity: string; length: number }> {
  const source = createRandomSource(config);
  await source.open();
  try {
    const bytes = await source.generate(48);
    return { certified: source.certified, identity: source.identity, length: bytes.length };
  } finally {
    await source.close();
  }
}

describe('createRandomSource', () => {
  it('builds the uncertified OS source', async () => {
    expect(createRandomSource({ provider: 'os' })).toBeInstanceOf(OsRandomSource);
    expect(await roundTrip({ provider: 'os' })).toEqual({
      certified: false,
      identity: 'os:node-crypto',
      length: 48,
    });
  });

  it('builds a KMS source that works against moto_server and keeps the certified flag it is given', async () => {
    const moto = await startMoto();
    try {
      const config = {
        provider: 'kms',
        region: moto.region,
        endpoint: moto.endpoint,
        credentials: moto.credentials,
      } as const;
      expect(createRandomSource(config)).toBeInstanceOf(KmsRandomSource);
      expect(await roundTrip(config)).toMatchObject({ certified: true, length: 48 });
      expect(await roundTrip({ ...config, certified: false })).toMatchObject({
        certified: false,
        length: 48,
      });
    } finally {
      await moto.stop();
    }
  });

  it('builds a PKCS#11 source that works against a SoftHSM2 token', async () => {
    const hsm = await createSoftHsm();
    try {
      const config = {
        provider: 'pkcs11',
        modulePath: hsm.modulePath,
        tokenLabel: hsm.tokenLabel,
        pin: hsm.pin,
      } as const;
      expect(createRandomSource(config)).toBeInstanceOf(Pkcs11RandomSource);
      const result = await roundTrip({ ...config, poolSize: 1, timeoutMs: 1000 });
      expect(result).toMatchObject({ certified: true, length: 48 });
      expect(result.identity).toMatch(/^pkcs11:token=fairdraw-test;manufacturer=SoftHSM%20project;/);
    } finally {
      await hsm.cleanup();
    }
  });

  it('refuses an unknown provider name coming from untyped configuration', () => {
    expect(() => createRandomSource(JSON.parse('{"provider":"dice"}') as RandomSourceConfig)).toThrow(
      /unknown RNG provider "dice"/,
    );
  });
});
