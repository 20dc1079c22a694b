import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

export async function up(db: Kysely<unknown>): Promise<void> {
  // A draw's RNG request commits in a transaction of its own before the draw (docs/draws.md 11.1):
  // the request names the draw it is for, and keeps its bytes until a draw consumes them, so a draw
  // retried after a crash reuses them instead of drawing fresh ones (the same winner).
  await sql`
    alter table rng_request
      add column draw_key text,
      add column draw_id text,
      add column bytes text check (bytes ~ '^([0-9a-f]{2})*$')`.execute(db);
  await sql`create index rng_request_by_draw_key on rng_request (subject, draw_key) where draw_key is not null`.execute(
    db,
  );
  // How a draw's request ended: consumed by its draw (in the draw's transaction) or abandoned (journaled
  // as RNG_REQUEST_ABANDONED). One row per request at most: a request is never used twice.
  await sql`
    create table rng_request_settlement (
      request_id uuid primary key references rng_request (id),
      outcome text not null check (outcome in ('consumed', 'abandoned')),
      draw_id text,
      reason text,
      settled_at timestamptz not null
    )`.execute(db);
  await sql`grant select, insert on rng_request_settlement to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rng_request_settlement`.execute(db);
  await sql`drop index rng_request_by_draw_key`.execute(db);
  await sql`alter table rng_request drop column draw_key, drop column draw_id, drop column bytes`.execute(db);
}
