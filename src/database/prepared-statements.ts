import pg from 'pg';

/**
 * A statement text that begins with this comment runs as a named prepared statement on `pg`:
 * PostgreSQL parses, analyses and plans it once per connection instead of on every call, which is
 * a large part of what a small INSERT costs the server. Kysely has no way to name a statement, so
 * the mark travels in the text (PGlite, and any other driver, runs the text as it is).
 */
const MARK = '/* prepared */ ';

/** Only fixed texts on hot paths: each distinct text stays prepared on every connection. */
export function prepared(text: string): string {
  return MARK + text;
}

const names = new Map<string, string>();

function nameOf(text: string): string {
  let name = names.get(text);
  if (name === undefined) {
    name = `fairdraw_${names.size + 1}`;
    names.set(text, name);
  }
  return name;
}

type QueryCallback = (error: Error | null, result?: pg.QueryResult) => void;

/** The parts of pg's Query a named statement sets (pg reads them when it submits the query). */
type NamedQuery = pg.Query & { name?: string; values?: unknown[]; callback?: QueryCallback };

/**
 * Makes `client.query(text, values)` and `client.query(text, values, callback)` (what pg.Pool's
 * `query` calls) run marked texts as named statements (pg prepares a name on a connection the first
 * time it sees it there). Every other call goes through unchanged.
 *
 * A marked text goes to pg as a Query built from the text alone and named afterwards: handed a
 * config object instead, pg copies it property descriptor by property descriptor and wraps its
 * promise in a second one, Node CPU spent on every statement (see docs/performance.md, Ledger).
 */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query as (this: pg.PoolClient, ...args: unknown[]) => unknown;
  client.query = function (this: pg.PoolClient, ...args: unknown[]) {
    const [text, values, callback] = args;
    if (
      typeof text === 'string' &&
      text.startsWith(MARK) &&
      args.length <= 3 &&
      (values === undefined || Array.isArray(values)) &&
      (callback === undefined || typeof callback === 'function')
    ) {
      const named = new pg.Query(text) as NamedQuery;
      named.name = nameOf(text);
      named.values = values as unknown[] | undefined;
      if (callback !== undefined) {
        named.callback = callback as QueryCallback;
        query.call(this, named);
        return undefined;
      }
      return new Promise<pg.QueryResult>((resolve, reject) => {
        named.callback = (error, result) => (error ? reject(error) : resolve(result!));
        query.call(this, named);
      });
    }
    return query.apply(this, args);
  } as typeof client.query;
}
