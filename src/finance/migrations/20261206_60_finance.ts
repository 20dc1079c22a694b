import { sql, type Kysely } from 'kysely';
import { RUNTIME_ROLE } from '../../ledger/migrations/20261123_01_ledger.js';

/**
 * The licensee's financial records of a raffle (RPT-7): expenses, use of proceeds, bank deposits and
 * cash counts, each journaled in the same transaction. Append-only: a correction is a new row that
 * reverses an earlier one (once), with a reason.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table finance_record (
      id text primary key,
      raffle_id text not null,
      kind text not null check (kind in ('EXPENSE', 'PROCEEDS_USE', 'DEPOSIT', 'CASH_COUNT')),
      amount_minor bigint not null,
      currency text not null check (currency ~ '^[A-Z]{3}$'),
      occurred_on text not null check (occurred_on ~ '^[0-9]{4}-[0-9]{2}-[0-9]{2}$'),
      details text not null,
      reverses text references finance_record (id),
      reason text,
      recorded_by text not null,
      recorded_at timestamptz not null,
      queue_id bigint not null,
      check ((reverses is null) = (reason is null)),
      check (reverses is not null or kind = 'CASH_COUNT' or amount_minor > 0)
    )`.execute(db);
  // A record is reversed at most once; a reversal is never itself reversed (the service refuses it).
  await sql`create unique index finance_record_reversed_once on finance_record (reverses)`.execute(db);
  await sql`create index finance_record_by_raffle on finance_record (raffle_id, recorded_at)`.execute(db);
  await sql`
    create function finance_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'finance records are append-only: reverse a record instead of changing it';
    end $$`.execute(db);
  await sql`
    create trigger finance_record_append_only before update or delete on finance_record
    for each row execute function finance_refuse_change()`.execute(db);
  await sql`
    create trigger finance_record_no_truncate before truncate on finance_record
    for each statement execute function finance_refuse_change()`.execute(db);
  await sql`grant select, insert on finance_record to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('financial records are never rolled back');
}
