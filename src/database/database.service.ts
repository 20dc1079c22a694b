import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import {
  Kysely,
  Migrator,
  PostgresDialect,
  sql,
  type IsolationLevel,
  type Migration,
  type MigrationProvider,
  type Transaction,
} from 'kysely';
import pg from 'pg';
import { AppConfig } from '../config/environment.js';
import { MIGRATIONS } from './migrations.js';
import { insideTransaction, PGliteDialect } from './pglite-dialect.js';
import { prepareMarkedStatements } from './prepared-statements.js';
import type { Database } from './schema.js';
import { BYTEA_OID, INT8_OID, parseBytea, parseInt8 } from './type-parsers.js';

export type DatabaseEngine = 'postgres' | 'pglite';
export type Tx = Transaction<Database>;

export interface TransactionOptions {
  isolation?: IsolationLevel;
  /** Retries after a serialization failure or deadlock (SQLSTATE 40001/40P01). */
  retries?: number;
}

const RETRYABLE = new Set(['40001', '40P01']);

/** Owns the connection (a `pg` pool, or embedded PGlite) and the transaction helper modules use. */
@Injectable()
export class DatabaseService implements OnApplicationShutdown {
  private readonly logger = new Logger(DatabaseService.name);

  private constructor(
    readonly db: Kysely<Database>,
    readonly engine: DatabaseEngine,
    readonly location: string,
    /**
     * The `pg` pool under `db` on PostgreSQL (undefined on PGlite): only for a repository's hot
     * statement outside a transaction, which it runs with `pool.query` instead of through Kysely's
     * executor (see LedgerRepository.enqueue). Everything else goes through `db`.
     */
    readonly pool?: pg.Pool,
  ) {}

  static async connect(config: AppConfig): Promise<DatabaseService> {
    if (config.DATABASE_URL) {
      const pool = new pg.Pool({
        connectionString: config.DATABASE_URL,
        max: config.DATABASE_POOL_SIZE,
        connectionTimeoutMillis: 5_000,
        idleTimeoutMillis: 30_000,
        types: {
          getTypeParser: ((oid: number, format?: 'text' | 'binary') =>
            oid === INT8_OID
              ? parseInt8
              : pg.types.getTypeParser(oid, format)) as typeof pg.types.getTypeParser,
        },
      });
      // An idle client losing its server (restart, failover) must not crash the process.
      pool.on('error', (error) =>
        new Logger(DatabaseService.name).warn(`idle client error: ${error.message}`),
      );
      // The pool listens to a client only while it is idle. A client checked out between two
      // statements of a transaction emits the same error with no query to fail: heard here, the
      // transaction fails on its next statement and the pool discards the client; unheard, it is
      // an uncaught exception that stops the process.
      pool.on('connect', (client) => {
        client.on('error', (error) =>
          new Logger(DatabaseService.name).warn(`connection lost while in use: ${error.message}`),
        );
        prepareMarkedStatements(client);
      });
      const db = new Kysely<Database>({ dialect: new PostgresDialect({ pool }) });
      return new DatabaseService(db, 'postgres', redactUrl(config.DATABASE_URL), pool);
    }
    const dir = join(config.DATA_DIR, 'pglite');
    mkdirSync(dir, { recursive: true });
    const pglite = await PGlite.create(dir, { parsers: { [INT8_OID]: parseInt8, [BYTEA_OID]: parseBytea } });
    const db = new Kysely<Database>({ dialect: new PGliteDialect(pglite) });
    return new DatabaseService(db, 'pglite', dir);
  }

  /** Runs every pending migration; PostgreSQL serialises concurrent replicas on an advisory lock. */
  async migrate(migrations: Record<string, Migration> = MIGRATIONS): Promise<string[]> {
    const provider: MigrationProvider = { getMigrations: async () => migrations };
    const migrator = new Migrator({ db: this.db, provider });
    const { error, results } = await migrator.migrateToLatest();
    if (error) {
      const failed = results?.find((result) => result.status === 'Error');
      throw new Error(`migration ${failed?.migrationName ?? '?'} failed: ${String(error)}`, { cause: error });
    }
    const applied = (results ?? []).map((result) => result.migrationName);
    if (applied.length > 0) this.logger.log(`applied migrations: ${applied.join(', ')}`);
    return applied;
  }

  /**
   * Runs `work` in one transaction: the state change and its journal entry commit together or
   * not at all. With `retries`, a serialization failure or deadlock re-runs the whole unit.
   */
  async transaction<T>(work: (trx: Tx) => Promise<T>, options: TransactionOptions = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        const builder = this.db.transaction();
        const configured = options.isolation ? builder.setIsolationLevel(options.isolation) : builder;
        return await configured.execute((trx) => insideTransaction.run(true, () => work(trx)));
      } catch (error) {
        if (attempt >= (options.retries ?? 0) || !isRetryable(error)) throw error;
      }
    }
  }

  async ping(): Promise<void> {
    await sql`select 1`.execute(this.db);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.db.destroy();
  }
}

/** A serialization failure or deadlock: the whole transaction may be run again. */
export function isRetryable(error: unknown): boolean {
  return RETRYABLE.has(sqlState(error) ?? '');
}

export function sqlState(error: unknown): string | undefined {
  if (typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string') {
    return error.code;
  }
  return undefined;
}

function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'postgres://(unparseable)';
  }
}
