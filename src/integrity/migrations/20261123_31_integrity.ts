import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

export async function up(db: Kysely<unknown>): Promise<void> {
  // The latest re-verification of the whole journal, shared by every replica: readiness and the
  // metrics of each replica report it, and a scheduled check is skipped when another replica has
  // just run one. The history of checks is in the journal itself (INTEGRITY_CHECK entries).
  await sql`
    create table integrity_journal_check (
      id smallint primary key check (id = 1),
      started_at timestamptz not null,
      finished_at timestamptz not null,
      ok boolean not null,
      trigger text not null,
      instance text not null,
      report text not null
    )`.execute(db);
  await sql`grant select, insert, update on integrity_journal_check to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table integrity_journal_check`.execute(db);
}
