// The effective configuration of the service, safe to journal (GLI31 LOG-2, SWI-5): every
// variable AppConfig declares, with secrets shown only as "set" or "unset".

import { createHash } from 'node:crypto';
import { getMetadataStorage } from 'class-validator';
import { AppConfig } from '../config/environment.js';
import { canonicalJson } from '../ledger/core/canonical-json.js';

export type ConfigValue = string | number | boolean | null;
export type EffectiveConfig = Record<string, ConfigValue>;

export interface ConfigChange {
  name: string;
  from: ConfigValue;
  to: ConfigValue;
}

/**
 * A variable is a secret when a word of its name says so. New variables are covered without a
 * list to keep up to date; a false positive (RNG_KMS_CUSTOM_KEY_STORE_ID) only hides a value.
 */
const SECRET_WORDS = new Set([
  'SECRET',
  'PASSWORD',
  'PASSPHRASE',
  'PIN',
  'KEY',
  'TOKEN',
  'PRIVATE',
  'CREDENTIALS',
]);

export function isSecretVariable(name: string): boolean {
  return name.split('_').some((word) => SECRET_WORDS.has(word));
}

/** Every declared variable, sorted by name; unset ones are null. */
export function effectiveConfiguration(config: AppConfig): EffectiveConfig {
  const names = new Set<string>();
  for (const meta of getMetadataStorage().getTargetValidationMetadatas(AppConfig, '', true, false)) {
    names.add(meta.propertyName);
  }
  const effective: EffectiveConfig = {};
  for (const name of [...names].sort()) {
    const value = (config as unknown as Record<string, unknown>)[name];
    if (isSecretVariable(name)) effective[name] = value === undefined || value === '' ? 'unset' : 'set';
    else effective[name] = publicValue(value);
  }
  return effective;
}

/** SHA-256 of the RFC 8785 canonical JSON of a configuration: equal configurations, equal digests. */
export function configDigest(config: EffectiveConfig): string {
  return createHash('sha256').update(canonicalJson(config), 'utf8').digest('hex');
}

/** What differs between two configurations, by variable name. */
export function configChanges(before: EffectiveConfig, after: EffectiveConfig): ConfigChange[] {
  const names = [...new Set([...Object.keys(before), ...Object.keys(after)])].sort();
  return names
    .filter((name) => (before[name] ?? null) !== (after[name] ?? null))
    .map((name) => ({ name, from: before[name] ?? null, to: after[name] ?? null }));
}

function publicValue(value: unknown): ConfigValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  return withoutUrlPassword(String(value));
}

/** A URL may carry a password (DATABASE_URL): it is replaced by ***, the rest is kept. */
function withoutUrlPassword(text: string): string {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(text)) return text;
  try {
    const url = new URL(text);
    if (url.password === '') return text;
    url.password = '***';
    return url.toString();
  } catch {
    return text;
  }
}
