import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type TestDatabase } from '../../../test/support/postgres.js';
import { loadEnvironment } from '../../config/environment.js';
import { openQldbImportContext, type QldbImportContext } from './qldb-import.context.js';
import { writeSyntheticExport } from './testing/synthetic-export.js';

// The same import on the local PostgreSQL 15 server (the migrations and SQL must work on both
// engines), with two replicas importing the same export at the same moment.
let database: TestDatabase;
let replicas: QldbImportContext[];
const dirs: string[] = [];

beforeAll(async () => {
  database = await createTestDatabase('fairdraw_qldb');
  replicas = [];
  for (let i = 0; i < 2; i++) {
    const dataDir = mkdtempSync(join(tmpdir(), 'qldb-pg-'));
    dirs.push(dataDir);
    replicas.push(
      await openQldbImportContext(
        loadEnvironment({
          DATABASE_URL: database.url,
          DATA_DIR: dataDir,
          LOG_LEVEL: 'silent',
          NODE_ENV: 'test',
          ANCHOR_INTERVAL_SECONDS: '0',
        }),
      ),
    );
  }
}, 60_000);

afterAll(async () => {
  for (const replica of replicas ?? []) await replica.close();
  await database?.drop();
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

describe('QldbImportService on PostgreSQL', () => {
  it('two replicas importing one export at once journal it exactly once', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'qldb-pg-src-'));
    dirs.push(dir);
    const exp = writeSyntheticExport({ dir, format: 'binary', blockCount: 8 });
    const source = { kind: 'directory' as const, path: exp.exportDir };
    const results = await Promise.all(replicas.map((replica) => replica.importer.import(source)));
    expect(results.map((result) => result.status).sort()).toEqual(['ALREADY_IMPORTED', 'IMPORTED']);
    expect(await replicas[0].ledger.treeSize()).toBe(9);
  });

  it('refuses to change or remove an import record', async () => {
    const db = replicas[0].database.db;
    await expect(db.deleteFrom('qldb_import').execute()).rejects.toThrow(/append-only/);
    await expect(db.updateTable('qldb_import').set({ block_count: 1 }).execute()).rejects.toThrow(
      /append-only/,
    );
  });
});
