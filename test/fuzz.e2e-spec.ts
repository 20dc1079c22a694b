import fc from 'fast-check';
import { sql } from 'kysely';
import { ROLES } from '../src/auth/roles.js';
import { DatabaseService } from '../src/database/database.service.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { invalidValue, validValue, type Components, type Schema } from './support/openapi-arbitrary.js';

/**
 * Every route of the OpenAPI document receives generated valid, boundary and invalid requests,
 * with and without tokens of every role. Seeded, so a failure reproduces: FUZZ_SEED=<seed>.
 */
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
const RUNS_PER_ROUTE = Number(process.env.FUZZ_RUNS ?? 30);
/** Tables a refused request may still write to: the journal of the refusal itself. */
const JOURNAL_TABLES = /^(ledger_|audit_|signed_in|token_use)/;

interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: Schema;
}
interface Operation {
  parameters?: Parameter[];
  requestBody?: { content?: Record<string, { schema?: Schema }> };
}

describe('fuzzing every route of the OpenAPI document', () => {
  let t: TestApp;
  let components: Components;
  let operations: Array<{ method: string; path: string; operation: Operation }>;
  const callers: Array<[string, Record<string, string>]> = [['no token', {}]];
  let countRows: () => Promise<Record<string, number>>;

  beforeAll(async () => {
    t = await startTestApp({
      engine: 'pglite',
      env: { ANCHOR_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '1000000' },
    });
    const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json();
    components = document.components?.schemas ?? {};
    operations = Object.entries(document.paths as Record<string, Record<string, Operation>>).flatMap(
      ([path, item]) =>
        Object.entries(item)
          .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
          .map(([method, operation]) => ({ method: method.toUpperCase(), path, operation })),
    );
    for (const role of ROLES) {
      const headers = bearer(await t.token([role], `fuzz-${role}`));
      // First use of a token is itself a journaled sign-in; make it before measuring state.
      await t.app.inject({ method: 'GET', url: '/v1/ledger/digest', headers });
      callers.push([role, headers]);
    }
    const db = t.app.get(DatabaseService).db;
    const { rows } = await sql<{ name: string }>`
      select table_name as name from information_schema.tables
      where table_schema = 'public' and table_type = 'BASE TABLE' and table_name not like 'kysely_%'
      order by table_name`.execute(db);
    const counts = rows.map(
      (row) => sql`(select count(*) from ${sql.table(row.name)})::int8 as ${sql.ref(row.name)}`,
    );
    countRows = async () =>
      (await sql<Record<string, number>>`select ${sql.join(counts)}`.execute(db)).rows[0] ?? {};
  });
  afterAll(async () => t?.close());

  it('never answers 5xx, answers every error in the documented shape, and changes nothing when it refuses', async () => {
    const failures: string[] = [];
    for (const { method, path, operation } of operations) {
      const parameters = operation.parameters ?? [];
      const bodySchema = operation.requestBody?.content?.['application/json']?.schema;
      const request = fc.record({
        caller: fc.constantFrom(...callers),
        valid: fc.boolean(),
        params: fc.tuple(
          ...parameters.map((p) =>
            fc.oneof(
              validValue(p.schema ?? { type: 'string' }, components),
              invalidValue(p.schema ?? {}, components),
            ),
          ),
        ),
        body: bodySchema
          ? fc.oneof(validValue(bodySchema, components), invalidValue(bodySchema, components))
          : fc.constant(undefined),
      });
      await fc.assert(
        fc.asyncProperty(request, async ({ caller: [caller, auth], params, body }) => {
          let url = path;
          const query = new URLSearchParams();
          const headers: Record<string, string> = { ...auth };
          parameters.forEach((parameter, i) => {
            const value = params[i];
            if (value === undefined) return;
            const text = typeof value === 'string' ? value : JSON.stringify(value);
            if (parameter.in === 'path')
              url = url.replace(`{${parameter.name}}`, encodeURIComponent(text || 'x'));
            else if (parameter.in === 'query') query.set(parameter.name, text);
            else if (parameter.in === 'header' && /^[\t\x20-\x7e]*$/.test(text))
              headers[parameter.name] = text;
          });
          const qs = query.toString();
          const before = await countRows();
          const response = await t.app.inject({
            method: method as 'GET',
            url: qs ? `${url}?${qs}` : url,
            headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
            payload: body === undefined ? undefined : JSON.stringify(body),
          });
          const where = `${method} ${path} as ${caller} (${response.statusCode})`;
          if (response.statusCode >= 500) failures.push(`${where}: ${response.body.slice(0, 300)}`);
          if (response.statusCode >= 400) {
            let shaped = false;
            try {
              const error = response.json() as Record<string, unknown>;
              shaped =
                error.status === response.statusCode &&
                typeof error.code === 'string' &&
                typeof error.message === 'string' &&
                typeof error.requestId === 'string';
            } catch {
              shaped = false;
            }
            if (!shaped)
              failures.push(`${where}: error not in the documented shape: ${response.body.slice(0, 200)}`);
            const after = await countRows();
            for (const table of Object.keys(after)) {
              const journaling = JOURNAL_TABLES.test(table) && [401, 403].includes(response.statusCode);
              if (after[table] !== before[table] && !journaling) {
                failures.push(
                  `${where}: refused, yet ${table} went from ${before[table]} to ${after[table]} rows`,
                );
              }
            }
          }
        }),
        { seed: SEED, numRuns: RUNS_PER_ROUTE, endOnFailure: true },
      );
    }
    expect(failures.slice(0, 20)).toEqual([]);
  }, 600_000);
});
