import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ModuleMetadata } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { createApp } from '../../src/app.factory.js';
import { LocalSigningKey } from '../../src/auth/local-signing-key.js';
import type { Role } from '../../src/auth/roles.js';
import { loadEnvironment } from '../../src/config/environment.js';
import { DatabaseService } from '../../src/database/database.service.js';
import { MIGRATIONS } from '../../src/database/migrations.js';
import { createTestDatabase, type TestDatabase } from './postgres.js';

export type Engine = 'pglite' | 'postgres';

export interface TestApp {
  app: NestFastifyApplication;
  engine: Engine;
  dataDir: string;
  database?: TestDatabase;
  /** A token from the local development key (only when no JWKS is configured). */
  token(roles: Role[], sub?: string): Promise<string>;
  close(): Promise<void>;
}

/** Boots the whole service on a fresh PGlite folder or a fresh PostgreSQL database. */
export async function startTestApp(options: {
  engine: Engine;
  env?: NodeJS.ProcessEnv;
  imports?: NonNullable<ModuleMetadata['imports']>;
}): Promise<TestApp> {
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-e2e-'));
  const database = options.engine === 'postgres' ? await createTestDatabase() : undefined;
  if (options.engine === 'pglite')
    cpSync(await migratedPgliteTemplate(), join(dataDir, 'pglite'), { recursive: true });
  const config = loadEnvironment({
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    DATA_DIR: dataDir,
    ...(database ? { DATABASE_URL: database.url } : {}),
    ...options.env,
  });
  let app: NestFastifyApplication;
  try {
    app = await createApp(config, { imports: options.imports });
  } catch (error) {
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  let key: LocalSigningKey | undefined;
  return {
    app,
    engine: options.engine,
    dataDir,
    database,
    async token(roles, sub = 'test-user') {
      key ??= await LocalSigningKey.loadOrCreate(dataDir);
      return key.issue({ sub, roles });
    },
    async close() {
      await app.close();
      await database?.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

export function bearer(token: string): { authorization: string } {
  return { authorization: `Bearer ${token}` };
}

/**
 * A migrated PGlite folder, made once per set of migrations and copied for each test app:
 * creating a PGlite database costs seconds, copying one a few milliseconds.
 */
async function migratedPgliteTemplate(): Promise<string> {
  const key = createHash('sha256')
    .update(
      Object.entries(MIGRATIONS)
        .map(([name, m]) => name + m.up.toString())
        .join('\n'),
    )
    .digest('hex')
    .slice(0, 16);
  const template = join(tmpdir(), `fairdraw-pglite-template-${key}`);
  if (existsSync(template)) return template;
  const building = mkdtempSync(join(tmpdir(), 'fairdraw-pglite-building-'));
  const database = await DatabaseService.connect(
    loadEnvironment({ DATA_DIR: building, LOG_LEVEL: 'silent' }),
  );
  await database.migrate();
  await database.onApplicationShutdown();
  try {
    renameSync(join(building, 'pglite'), template);
  } catch (error) {
    // Another test process made it first; theirs is as good.
    if (!existsSync(template)) throw error;
  }
  rmSync(building, { recursive: true, force: true });
  return template;
}
