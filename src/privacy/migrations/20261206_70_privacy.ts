import { sql, type Kysely } from 'kysely';
import { RUNTIME_ROLE } from '../../ledger/migrations/20261123_01_ledger.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table personal_data_erasure (
      record_kind text not null check (record_kind in ('claim', 'contact-attempt', 'complaint')),
      record_id text not null,
      raffle_id text not null,
      basis text not null check (basis in ('RETENTION_ENDED', 'LAWFUL_REQUEST')),
      reason text not null,
      erased_by text not null,
      erased_at timestamptz not null,
      queue_id bigint not null,
      recorded_at timestamptz not null,
      primary key (record_kind, record_id)
    )`.execute(db);
  await sql`
    create function privacy_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'the erasure register is append-only: % on % is refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  await sql`
    create trigger personal_data_erasure_append_only before update or delete on personal_data_erasure
    for each row execute function privacy_refuse_change()`.execute(db);
  await sql`
    create trigger personal_data_erasure_no_truncate before truncate on personal_data_erasure
    for each statement execute function privacy_refuse_change()`.execute(db);
  await sql`grant select, insert on personal_data_erasure to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('the erasure register is never rolled back');
}
