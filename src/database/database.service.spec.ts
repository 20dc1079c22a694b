import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { adminQuery, createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { loadEnvironment } from '../config/environment.js';
import { DatabaseService } from './database.service.js';
import type { Database } from './schema.js';

interface CounterDb {
  counter: { id: number; value: number };
}

async function createCounter(database: DatabaseService): Promise<Kysely<CounterDb>> {
  const db = database.db as unknown as Kysely<CounterDb>;
  await sql`create table counter (id int primary key, value int8 not null)`.execute(db);
  await sql`insert into counter values (1, 0)`.execute(db);
  return db;
}

describe.each(['pglite', 'postgres'] as const)('DatabaseService on %s', (engine) => {
  let dataDir: string;
  let testDb: TestDatabase | undefined;
  let database: DatabaseService;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-db-'));
    if (engine === 'postgres') testDb = await createTestDatabase();
    database = await DatabaseService.connect(
      loadEnvironment({ DATA_DIR: dataDir, DATABASE_URL: testDb?.url }),
    );
    await database.migrate();
  });

  afterAll(async () => {
    await database?.onApplicationShutdown();
    await testDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('runs on the engine it was configured for', () => {
    expect(database.engine).toBe(engine);
  });

  it('returns int8 as a JS number on every engine', async () => {
    const { rows } = await sql<{ big: number }>`select 9007199254740991::int8 as big`.execute(database.db);
    expect(rows[0].big).toBe(Number.MAX_SAFE_INTEGER);
    await expect(sql`select 9007199254740993::int8 as big`.execute(database.db)).rejects.toThrow(/2\^53/);
  });

  it('keeps two concurrent transactions isolated and rolls back the one that throws', async () => {
    const db = await createCounter(database);
    let releaseFirst!: () => void;
    const firstMayFinish = new Promise<void>((resolve) => (releaseFirst = resolve));
    let firstWrote!: () => void;
    const firstHasWritten = new Promise<void>((resolve) => (firstWrote = resolve));

    const failing = database.transaction(async (trx) => {
      await sql`update counter set value = value + 100 where id = 1`.execute(trx);
      firstWrote();
      await firstMayFinish;
      throw new Error('business rule failed');
    });
    const succeeding = (async () => {
      await firstHasWritten;
      const seen = database.transaction(async (trx) => {
        const { rows } = await sql<{ value: number }>`select value from counter where id = 1`.execute(trx);
        await sql`update counter set value = value + 1 where id = 1`.execute(trx);
        return rows[0].value;
      });
      releaseFirst();
      return seen;
    })();

    await expect(failing).rejects.toThrow('business rule failed');
    // The second transaction never saw the first one's uncommitted write...
    expect(await succeeding).toBe(0);
    // ...and the failed transaction's write is gone, the successful one's is kept.
    const row = await db.selectFrom('counter').select('value').where('id', '=', 1).executeTakeFirstOrThrow();
    expect(row.value).toBe(1);
    await sql`drop table counter`.execute(database.db);
  });

  it('fails loudly, instead of waiting forever, on a query through the root db inside a transaction', async () => {
    const attempt = database.transaction(async () => sql`select 1`.execute(database.db));
    if (engine === 'pglite') await expect(attempt).rejects.toThrow(/use the transaction/);
    else await expect(attempt).resolves.toBeDefined();
  });

  it('begins a transaction with the isolation level asked for', async () => {
    const level = await database.transaction(
      async (trx) =>
        (await sql<{ level: string }>`select current_setting('transaction_isolation') as level`.execute(trx))
          .rows[0].level,
      { isolation: 'serializable' },
    );
    expect(level).toBe('serializable');
  });
});

describe('DatabaseService on PostgreSQL when the server drops a connection in use', () => {
  let dataDir: string;
  let testDb: TestDatabase;
  let database: DatabaseService;

  beforeAll(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-db-'));
    testDb = await createTestDatabase();
    database = await DatabaseService.connect(
      loadEnvironment({ DATA_DIR: dataDir, DATABASE_URL: testDb.url }),
    );
  });

  afterAll(async () => {
    await database?.onApplicationShutdown();
    await testDb?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  // A restart or failover terminates every backend (57P01). A checked-out client that is between
  // two statements of a transaction then emits 'error' with no query to fail; unheard, that
  // error is an uncaught exception that kills the process (found by the crash drill).
  it('fails that transaction, keeps the process alive and serves the next one', async () => {
    const pid = async (db: Kysely<Database>) =>
      (await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db)).rows[0].pid;
    const failed = database.transaction(async (trx) => {
      const backend = await pid(trx);
      await adminQuery('select pg_terminate_backend($1)', [backend]);
      // Let the server's FATAL message arrive while no statement is running on this client.
      await new Promise((resolve) => setTimeout(resolve, 300));
      await sql`select 1`.execute(trx);
    });
    await expect(failed).rejects.toThrow(/terminat|not queryable|Connection terminated/i);
    expect(await pid(database.db)).toEqual(expect.any(Number));
  });
});
