import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table payment (
      order_id uuid primary key,
      raffle_id uuid not null,
      provider text not null,
      intent_id text not null unique,
      client_secret text,
      status text not null check (status in ('REQUIRES_PAYMENT', 'SUCCEEDED', 'CANCELED')),
      amount_minor bigint not null check (amount_minor >= 0),
      currency text not null,
      failures integer not null default 0,
      last_failure text,
      created_at timestamptz not null,
      updated_at timestamptz not null
    )`.execute(db);

  await sql`
    create table payment_refund (
      id uuid primary key,
      order_id uuid not null unique,
      raffle_id uuid not null,
      provider text not null,
      payment_ref text,
      amount_minor bigint not null check (amount_minor >= 0),
      currency text not null,
      reason text not null,
      status text not null check (status in ('REQUESTED', 'PROCESSING', 'PENDING_PROVIDER', 'SUCCEEDED', 'FAILED')),
      provider_refund_id text,
      attempts integer not null default 0,
      next_attempt_at timestamptz not null,
      claimed_at timestamptz,
      last_error text,
      requested_at timestamptz not null,
      completed_at timestamptz
    )`.execute(db);
  await sql`create index payment_refund_due on payment_refund (next_attempt_at) where status in ('REQUESTED', 'PROCESSING')`.execute(
    db,
  );
  await sql`create index payment_refund_by_raffle on payment_refund (raffle_id, status)`.execute(db);

  await sql`
    create table payment_webhook_event (
      event_id text primary key,
      provider text not null,
      type text not null,
      object_id text,
      event_created_at timestamptz,
      received_at timestamptz not null,
      outcome text not null
    )`.execute(db);

  const role = sql.id(RUNTIME_ROLE);
  await sql`grant select, insert, update on payment, payment_refund to ${role}`.execute(db);
  await sql`grant select, insert on payment_webhook_event to ${role}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of ['payment_webhook_event', 'payment_refund', 'payment']) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
