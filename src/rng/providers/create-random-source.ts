import { KmsRandomSource } from './kms/kms-random-source.js';
import { OsRandomSource } from './os/os-random-source.js';
import { Pkcs11RandomSource } from './pkcs11/pkcs11-random-source.js';
import type { RandomSourceConfig } from './random-source-config.js';
import type { RandomSource } from './random-source.js';

/** Builds (does not open) the configured random source. */
export function createRandomSource(config: RandomSourceConfig): RandomSource {
  switch (config.provider) {
    case 'os':
      return new OsRandomSource();
    case 'kms': {
      const { provider: _provider, ...options } = config;
      return new KmsRandomSource(options);
    }
    case 'pkcs11': {
      const { provider: _provider, ...options } = config;
      return new Pkcs11RandomSource(options);
    }
    default: {
      const unknown: never = config;
      const name = (unknown as { provider?: unknown }).provider;
      throw new TypeError(`unknown RNG provider ${JSON.stringify(name)}; expected 'pkcs11', 'kms' or 'os'`);
    }
  }
}
