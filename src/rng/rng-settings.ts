import { isKmsStandIn, type AppConfig } from '../config/environment.js';
import type { RandomSourceConfig } from './providers/random-source-config.js';

/** The RNG variables of AppConfig; the service and the command-line tools read the same ones. */
export type RngSettings = Pick<
  AppConfig,
  | 'RNG_PROVIDER'
  | 'PKCS11_MODULE'
  | 'PKCS11_TOKEN_LABEL'
  | 'PKCS11_SLOT'
  | 'PKCS11_PIN'
  | 'PKCS11_POOL_SIZE'
  | 'RNG_KMS_REGION'
  | 'RNG_KMS_ENDPOINT'
  | 'RNG_KMS_CUSTOM_KEY_STORE_ID'
  | 'RNG_TIMEOUT_MS'
  | 'AWS_REGION'
>;

/**
 * Which provider to build from validated settings (checkRngEnvironment has already made sure the
 * chosen provider has what it needs). KMS credentials come from the SDK's default chain (the task
 * role in ECS, AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY elsewhere).
 */
export function randomSourceConfig(settings: RngSettings): RandomSourceConfig {
  switch (settings.RNG_PROVIDER) {
    case 'os':
      return { provider: 'os' };
    case 'pkcs11':
      return {
        provider: 'pkcs11',
        modulePath: required(settings.PKCS11_MODULE, 'PKCS11_MODULE'),
        tokenLabel: settings.PKCS11_TOKEN_LABEL,
        slot: settings.PKCS11_SLOT,
        pin: required(settings.PKCS11_PIN, 'PKCS11_PIN'),
        poolSize: settings.PKCS11_POOL_SIZE,
        timeoutMs: settings.RNG_TIMEOUT_MS,
      };
    case 'kms':
      return {
        provider: 'kms',
        region: required(settings.RNG_KMS_REGION ?? settings.AWS_REGION, 'RNG_KMS_REGION'),
        endpoint: settings.RNG_KMS_ENDPOINT,
        customKeyStoreId: settings.RNG_KMS_CUSTOM_KEY_STORE_ID,
        certified: !isKmsStandIn(settings.RNG_KMS_ENDPOINT),
        timeoutMs: settings.RNG_TIMEOUT_MS,
      };
  }
}

/** The settings as they may be logged or journaled: everything but the PIN. */
export function describeRngSettings(settings: RngSettings): Record<string, string | number> {
  const shown: Record<string, string | number | undefined> = {
    provider: settings.RNG_PROVIDER,
    ...(settings.RNG_PROVIDER === 'pkcs11'
      ? {
          module: settings.PKCS11_MODULE,
          tokenLabel: settings.PKCS11_TOKEN_LABEL,
          slot: settings.PKCS11_SLOT,
          poolSize: settings.PKCS11_POOL_SIZE,
        }
      : {}),
    ...(settings.RNG_PROVIDER === 'kms'
      ? {
          region: settings.RNG_KMS_REGION ?? settings.AWS_REGION,
          endpoint: settings.RNG_KMS_ENDPOINT,
          customKeyStoreId: settings.RNG_KMS_CUSTOM_KEY_STORE_ID,
        }
      : {}),
    timeoutMs: settings.RNG_TIMEOUT_MS,
  };
  return Object.fromEntries(Object.entries(shown).filter(([, value]) => value !== undefined)) as Record<
    string,
    string | number
  >;
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new Error(`${name} is required when RNG_PROVIDER is set to use it`);
  return value;
}
