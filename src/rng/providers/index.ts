export { createRandomSource } from './create-random-source.js';
export {
  KMS_MAX_BYTES_PER_CALL,
  KmsRandomSource,
  type KmsRandomSourceOptions,
} from './kms/kms-random-source.js';
export { OsRandomSource } from './os/os-random-source.js';
export {
  PKCS11_CHUNK_BYTES,
  Pkcs11RandomSource,
  type Pkcs11RandomSourceOptions,
  type Pkcs11SourceStatus,
} from './pkcs11/pkcs11-random-source.js';
export type { TokenIdentity } from './pkcs11/token-identity.js';
export type { RandomSourceConfig } from './random-source-config.js';
export {
  RngProviderError,
  type RandomSource,
  type RandomSourceInfo,
  type RngProviderName,
} from './random-source.js';
export { MAX_BYTES_PER_REQUEST } from './byte-count.js';
