import { sql, type Kysely } from 'kysely';

/** The role the service runs as in production: it may append, never rewrite. */
export const RUNTIME_ROLE = 'fairdraw_runtime';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ledger_queue (
      id bigserial primary key,
      type text not null,
      subject text,
      payload text not null,
      recorded_at timestamptz not null
    )`.execute(db);

  await sql`
    create table ledger_entry (
      seq bigint primary key check (seq >= 0),
      type text not null,
      subject text,
      payload text not null,
      recorded_at timestamptz not null,
      prev_hash bytea not null check (length(prev_hash) = 32),
      hash bytea not null check (length(hash) = 32),
      queue_id bigint unique,
      integrated_at timestamptz not null default now()
    )`.execute(db);
  await sql`create index ledger_entry_subject on ledger_entry (subject, seq)`.execute(db);
  await sql`create index ledger_entry_type on ledger_entry (type, seq)`.execute(db);

  await sql`
    create table ledger_node (
      level smallint not null check (level >= 1),
      index bigint not null check (index >= 0),
      hash bytea not null check (length(hash) = 32),
      primary key (level, index)
    )`.execute(db);

  await sql`
    create table ledger_state (
      id smallint primary key check (id = 1),
      tree_size bigint not null,
      root_hash bytea not null,
      last_hash bytea not null,
      frontier text not null,
      updated_at timestamptz not null
    )`.execute(db);
  await sql`
    insert into ledger_state (id, tree_size, root_hash, last_hash, frontier, updated_at)
    values (1, 0, sha256(''::bytea), decode(repeat('00', 32), 'hex'), '{"size":0,"hashes":[]}', now())
  `.execute(db);

  await sql`
    create table ledger_checkpoint (
      tree_size bigint primary key,
      root_hash bytea not null,
      note text not null,
      created_at timestamptz not null default now()
    )`.execute(db);

  await sql`
    create table ledger_anchor (
      id bigserial primary key,
      tree_size bigint not null references ledger_checkpoint (tree_size),
      anchor text not null,
      location text not null,
      version_id text,
      retain_until timestamptz,
      sha256 text not null,
      anchored_at timestamptz not null,
      unique (tree_size, anchor)
    )`.execute(db);

  // Immutability in the database itself, for every role including the owner: rows of the
  // journal, its tree and its checkpoints can be added, never changed or removed.
  await sql`
    create function ledger_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the ledger is append-only: % on % is refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  for (const table of ['ledger_entry', 'ledger_node', 'ledger_checkpoint', 'ledger_anchor']) {
    await sql`
      create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function ledger_refuse_change()`.execute(db);
    await sql`
      create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function ledger_refuse_change()`.execute(db);
  }

  // Least privilege: the runtime role appends and reads; it cannot update, delete or truncate the
  // journal even if the triggers were dropped. Migrations run as the owner, the service as this role.
  await sql`
    do $$
    begin
      if not exists (select 1 from pg_roles where rolname = ${sql.lit(RUNTIME_ROLE)}) then
        create role ${sql.id(RUNTIME_ROLE)} nologin;
      end if;
    end $$`.execute(db);
  await sql`grant select, insert on ledger_entry, ledger_node, ledger_checkpoint, ledger_anchor to ${sql.id(RUNTIME_ROLE)}`.execute(
    db,
  );
  await sql`grant select, insert, delete on ledger_queue to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  await sql`grant select, update on ledger_state to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  await sql`grant usage on sequence ledger_queue_id_seq, ledger_anchor_id_seq to ${sql.id(RUNTIME_ROLE)}`.execute(
    db,
  );
}

export async function down(): Promise<void> {
  throw new Error('the ledger is never rolled back');
}
