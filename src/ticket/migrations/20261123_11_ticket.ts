import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table ticket_counter (
      raffle_id uuid primary key,
      next_number bigint not null check (next_number >= 1),
      max_tickets bigint not null check (max_tickets >= 1),
      sold_tickets bigint not null default 0 check (sold_tickets >= 0),
      held_tickets bigint not null default 0 check (held_tickets >= 0),
      reserved_tickets bigint not null default 0 check (reserved_tickets >= 0),
      voided_tickets bigint not null default 0 check (voided_tickets >= 0),
      returned_tickets bigint not null default 0 check (returned_tickets >= 0),
      paid_total_minor bigint not null default 0 check (paid_total_minor >= 0),
      sold_orders bigint not null default 0 check (sold_orders >= 0),
      sales_open boolean not null,
      sales_open_at timestamptz not null,
      sales_close_at timestamptz not null,
      updated_at timestamptz not null,
      check (sold_tickets + held_tickets + reserved_tickets <= max_tickets)
    )`.execute(db);

  await sql`
    create table ticket_order (
      id uuid primary key,
      raffle_id uuid not null,
      status text not null check (status in ('PENDING_PAYMENT', 'PAID', 'VOIDED', 'CANCELLED')),
      channel text not null check (channel in ('ONLINE', 'POS', 'CASHIER', 'POS_OFFLINE')),
      package_id text not null,
      ticket_count integer not null check (ticket_count >= 1),
      price_minor bigint not null check (price_minor >= 0),
      currency text not null,
      first_number bigint check (first_number >= 1),
      last_number bigint,
      verification_code text unique,
      seller_id text not null,
      device_id text,
      block_id uuid,
      buyer_key text,
      payment_provider text not null,
      payment_ref text,
      created_at timestamptz not null,
      sold_at timestamptz,
      expires_at timestamptz,
      closed_at timestamptz,
      close_reason text,
      closed_by text,
      journal_queue_id bigint,
      check ((first_number is null) = (last_number is null)),
      check (first_number is null or last_number - first_number + 1 = ticket_count),
      check (status = 'PENDING_PAYMENT' or status = 'CANCELLED' or first_number is not null),
      check ((first_number is null) = (verification_code is null))
    )`.execute(db);
  // Two orders never start on the same number; allocation under the counter lock keeps ranges apart.
  await sql`create unique index ticket_order_first_number on ticket_order (raffle_id, first_number)`.execute(
    db,
  );
  await sql`create index ticket_order_by_status on ticket_order (raffle_id, status)`.execute(db);
  await sql`create index ticket_order_pending on ticket_order (expires_at) where status = 'PENDING_PAYMENT'`.execute(
    db,
  );
  await sql`create index ticket_order_by_block on ticket_order (block_id) where block_id is not null`.execute(
    db,
  );
  await sql`create index ticket_order_by_seller on ticket_order (seller_id, created_at)`.execute(db);

  await sql`
    create table ticket_idempotency (
      raffle_id uuid not null,
      key text not null,
      request_hash text not null,
      order_id uuid not null,
      created_at timestamptz not null,
      primary key (raffle_id, key)
    )`.execute(db);

  await sql`
    create table ticket_buyer_tally (
      raffle_id uuid not null,
      buyer_key text not null,
      tickets bigint not null check (tickets >= 0),
      primary key (raffle_id, buyer_key)
    )`.execute(db);

  await sql`
    create table ticket_block (
      id uuid primary key,
      raffle_id uuid not null,
      device_id text not null,
      seller_id text not null,
      first_number bigint not null check (first_number >= 1),
      last_number bigint not null,
      block_key text not null,
      status text not null check (status in ('RESERVED', 'SOLD_OUT', 'RETURNED')),
      sold_tickets bigint not null default 0,
      returned_tickets bigint not null default 0,
      reserved_at timestamptz not null,
      closed_at timestamptz,
      close_reason text,
      closed_by text,
      check (last_number >= first_number),
      check (sold_tickets + returned_tickets <= last_number - first_number + 1)
    )`.execute(db);
  await sql`create index ticket_block_by_raffle on ticket_block (raffle_id, status)`.execute(db);

  // Least privilege: orders and blocks change state but are never deleted; an idempotency key is
  // deleted only by the batch that claimed it for an order it then refused (same transaction).
  const role = sql.id(RUNTIME_ROLE);
  await sql`grant select, insert, update on ticket_counter, ticket_order, ticket_buyer_tally, ticket_block to ${role}`.execute(
    db,
  );
  await sql`grant select, insert, delete on ticket_idempotency to ${role}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  for (const table of [
    'ticket_block',
    'ticket_buyer_tally',
    'ticket_idempotency',
    'ticket_order',
    'ticket_counter',
  ]) {
    await sql`drop table ${sql.table(table)}`.execute(db);
  }
}
