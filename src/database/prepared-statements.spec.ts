import pg from 'pg';
import { createTestDatabase, type TestDatabase } from '../../test/support/postgres.js';
import { prepared, prepareMarkedStatements } from './prepared-statements.js';

describe('statements marked as prepared, on PostgreSQL', () => {
  let database: TestDatabase;
  let pool: pg.Pool;

  beforeAll(async () => {
    database = await createTestDatabase();
    pool = new pg.Pool({ connectionString: database.url, max: 1 });
    pool.on('connect', (client) => prepareMarkedStatements(client));
  });
  afterAll(async () => {
    await pool?.end();
    await database?.drop();
  });

  const preparedOnConnection = async (client: pg.PoolClient) =>
    (await client.query<{ statement: string }>('select statement from pg_prepared_statements')).rows.map(
      (row) => row.statement,
    );

  it('runs a marked text as a named statement, prepared once per connection, with its parameters', async () => {
    const client = await pool.connect();
    try {
      const text = prepared('select $1::int4 + 1 as next');
      expect((await client.query(text, [41])).rows).toEqual([{ next: 42 }]);
      expect((await client.query(text, [1])).rows).toEqual([{ next: 2 }]);
      expect(await preparedOnConnection(client)).toEqual([text]);
    } finally {
      client.release();
    }
  });

  it('does the same through pool.query (which hands the client a callback), errors included', async () => {
    const text = prepared('select $1::int4 * 2 as twice');
    expect((await pool.query(text, [21])).rows).toEqual([{ twice: 42 }]);
    expect((await pool.query(text, [2])).rows).toEqual([{ twice: 4 }]);
    const client = await pool.connect();
    try {
      expect(await preparedOnConnection(client)).toContain(text);
    } finally {
      client.release();
    }
    // (The pool discards the connection of a failed pool.query.)
    await expect(pool.query(text, ['not a number'])).rejects.toThrow(/invalid input syntax/);
    expect((await pool.query(text, [5])).rows).toEqual([{ twice: 10 }]);
  });

  it('leaves every other call as it was', async () => {
    const client = await pool.connect();
    try {
      expect((await client.query('select $1::text as word', ['plain'])).rows).toEqual([{ word: 'plain' }]);
      expect((await client.query({ text: 'select 2 as two' })).rows).toEqual([{ two: 2 }]);
      expect(await preparedOnConnection(client)).not.toContain('select $1::text as word');
      // A statement that fails still fails, and the connection goes on working.
      await expect(client.query(prepared('select 1/$1::int4 as q'), [0])).rejects.toThrow(/division by zero/);
      expect((await client.query(prepared('select 1/$1::int4 as q'), [1])).rows).toEqual([{ q: 1 }]);
    } finally {
      client.release();
    }
  });
});
