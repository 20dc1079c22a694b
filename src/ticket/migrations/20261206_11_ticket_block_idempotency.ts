import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

/**
 * Idempotency-Key of block reservations: a seller device that retries a reservation after a
 * timeout gets the block it already holds, never a second one. Kept apart from the order keys
 * (`ticket_idempotency`), whose rows point at orders.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ticket_block_idempotency (
      raffle_id uuid not null,
      key text not null,
      request_hash text not null,
      block_id uuid not null,
      created_at timestamptz not null,
      primary key (raffle_id, key)
    )`.execute(db);
  // A key is claimed inside the reservation's transaction, so a refused reservation rolls its claim
  // back: the service never deletes one.
  await sql`grant select, insert on ticket_block_idempotency to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table ticket_block_idempotency`.execute(db);
}
