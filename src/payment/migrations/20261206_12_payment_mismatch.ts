import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

/**
 * Payment mismatches operators must resolve: a provider payment (a Stripe PaymentIntent) that names
 * one of our orders but is not the payment taken for it. One row per intent; its PAYMENT_MISMATCH
 * significant event is journaled in the transaction that inserts it, and every action on it (a
 * refund through the provider, or a review with a reason) is journaled with the row's change.
 */
export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payment_mismatch (
      id uuid primary key,
      provider text not null,
      intent_id text not null,
      kind text not null,
      event_id text not null,
      claimed_order_id text,
      raffle_id uuid,
      amount_minor bigint not null check (amount_minor >= 0),
      currency text not null,
      status text not null check (status in ('OPEN', 'REFUNDING', 'REFUND_PENDING', 'REFUNDED', 'REFUND_FAILED', 'REVIEWED')),
      detected_at timestamptz not null,
      provider_refund_id text,
      last_error text,
      claimed_at timestamptz,
      resolved_at timestamptz,
      resolved_by text,
      resolution_reason text,
      unique (provider, intent_id)
    )`.execute(db);
  await sql`create index payment_mismatch_by_status on payment_mismatch (status, detected_at)`.execute(db);
  await sql`create index payment_mismatch_by_raffle on payment_mismatch (raffle_id, status)`.execute(db);
  await sql`grant select, insert, update on payment_mismatch to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table payment_mismatch`.execute(db);
}
