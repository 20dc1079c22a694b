import type pg from 'pg';

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

/**
 * Makes `client.query(text, values)` run marked texts as named statements (pg prepares a name on
 * a connection the first time it sees it there). Every other call goes through unchanged.
 */
export function prepareMarkedStatements(client: pg.PoolClient): void {
  const query = client.query as (this: pg.PoolClient, ...args: unknown[]) => unknown;
  client.query = function (this: pg.PoolClient, ...args: unknown[]) {
    const [text, values] = args;
    if (typeof text === 'string' && text.startsWith(MARK) && args.length <= 2) {
      return query.call(this, { name: nameOf(text), text, values });
    }
    return query.apply(this, args);
  } as typeof client.query;
}
