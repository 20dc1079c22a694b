import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

export async function up(db: Kysely<unknown>): Promise<void> {
  // One row per token ever used, so its first use is journaled once (SIGNED_IN) whichever replica
  // sees it first: the primary key settles the race. Rows of expired tokens are pruned.
  await sql`
    create table audit_sign_in (
      token_key text primary key check (token_key ~ '^[0-9a-f]{64}$'),
      sub text not null,
      first_seen_at timestamptz not null,
      expires_at timestamptz
    )`.execute(db);
  await sql`create index audit_sign_in_expires_at on audit_sign_in (expires_at)`.execute(db);

  // The effective configuration the last start ran with, to journal what changed (CONFIG_CHANGED).
  await sql`
    create table audit_config_state (
      id smallint primary key check (id = 1),
      config text not null,
      digest text not null check (digest ~ '^[0-9a-f]{64}$'),
      boot_id text not null,
      recorded_at timestamptz not null
    )`.execute(db);

  await sql`grant select, insert, delete on audit_sign_in to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  await sql`grant select, insert, update on audit_config_state to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table audit_config_state`.execute(db);
  await sql`drop table audit_sign_in`.execute(db);
}
