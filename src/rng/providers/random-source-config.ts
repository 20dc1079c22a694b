import type { KmsRandomSourceOptions } from './kms/kms-random-source.js';
import type { Pkcs11RandomSourceOptions } from './pkcs11/pkcs11-random-source.js';

/** Which provider to build and how; the discriminant is the provider name of RandomSourceInfo. */
export type RandomSourceConfig =
  | { provider: 'os' }
  | ({ provider: 'kms' } & KmsRandomSourceOptions)
  | ({ provider: 'pkcs11' } & Pkcs11RandomSourceOptions);
