import { sql, type Kysely } from 'kysely';
import { RUNTIME_ROLE } from '../../ledger/migrations/20261123_01_ledger.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table complaint (
      id text primary key,
      reference text not null unique,
      raffle_id text not null,
      category text not null,
      text text not null,
      code_hash text check (code_hash ~ '^[0-9a-f]{64}$'),
      first_ticket bigint,
      last_ticket bigint,
      status text not null check (status in ('OPEN', 'IN_REVIEW', 'RESOLVED', 'REJECTED')),
      resolution text,
      commitment text check (commitment ~ '^[0-9a-f]{64}$'),
      filed_at timestamptz not null,
      queue_id bigint not null,
      recorded_at timestamptz not null,
      updated_at timestamptz not null,
      updated_by text
    )`.execute(db);
  await sql`create index complaint_by_raffle on complaint (raffle_id, filed_at)`.execute(db);
  await sql`create index complaint_by_status on complaint (status, filed_at)`.execute(db);

  await sql`
    create table complaint_transition (
      complaint_id text not null references complaint (id),
      from_status text not null,
      to_status text not null,
      resolution text,
      changed_by text not null,
      changed_at timestamptz not null,
      queue_id bigint not null,
      recorded_at timestamptz not null,
      primary key (complaint_id, to_status)
    )`.execute(db);

  // Contact details: never changed (an edit would no longer match the journaled commitment), but
  // deleted when erased.
  await sql`
    create table complaint_personal_data (
      complaint_id text primary key references complaint (id),
      salt text not null check (salt ~ '^[0-9a-f]{64}$'),
      data text not null,
      created_at timestamptz not null
    )`.execute(db);

  await sql`
    create function complaint_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'complaint records are append-only: % on % is refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger complaint_transition_append_only before update or delete on complaint_transition
    for each row execute function complaint_refuse_change()`.execute(db);
  await sql`
    create trigger complaint_no_delete before delete on complaint
    for each row execute function complaint_refuse_change()`.execute(db);
  await sql`
    create trigger complaint_personal_data_no_update before update on complaint_personal_data
    for each row execute function complaint_refuse_change()`.execute(db);
  for (const table of ['complaint', 'complaint_transition', 'complaint_personal_data']) {
    await sql`
      create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function complaint_refuse_change()`.execute(db);
  }
  await sql`grant select, insert, update on complaint to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  await sql`grant select, insert on complaint_transition to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  await sql`grant select, insert, delete on complaint_personal_data to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('complaints are never rolled back');
}
