import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

/**
 * Receipt reprints (TKT-6): each copy printed again is numbered per order, so a reprint says which
 * copy it is; its RECEIPT_REPRINTED journal entry is written in the same transaction.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ticket_receipt_reprint (
      order_id uuid not null,
      reprint_number integer not null check (reprint_number >= 1),
      raffle_id uuid not null,
      reprinted_at timestamptz not null,
      reprinted_by text not null,
      device_id text,
      reason text,
      journal_queue_id bigint not null,
      primary key (order_id, reprint_number)
    )`.execute(db);
  // A reprint is a record of something printed: never changed, never deleted.
  await sql`grant select, insert on ticket_receipt_reprint to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table ticket_receipt_reprint`.execute(db);
}
