import { readFileSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { ConfigError } from './config.js';

/**
 * A deployment's settings kept as a reviewed file (deploy/config/<name>.json): the context
 * key `config` names it, relative to deploy/. Keys given with `-c` override the file's.
 */
export function readConfigFile(path: unknown, baseDir: string): Record<string, unknown> {
  if (path === undefined || path === null || path === '') return {};
  if (typeof path !== 'string') throw new ConfigError('config', 'must be a path to a JSON file');
  const file = isAbsolute(path) ? path : resolve(baseDir, path);
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError('config', `cannot read ${file}: ${(error as Error).message}`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new ConfigError('config', `${file} must hold a JSON object of settings`);
  }
  return parsed as Record<string, unknown>;
}

/** Context first (`-c key=value`, cdk.json), then the configuration file. */
export function contextLookup(
  tryGetContext: (key: string) => unknown,
  baseDir: string,
): (key: string) => unknown {
  const file = readConfigFile(tryGetContext('config'), baseDir);
  return (key) => {
    const value = tryGetContext(key);
    return value === undefined ? file[key] : value;
  };
}
