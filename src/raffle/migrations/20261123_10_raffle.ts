import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table raffle (
      id uuid primary key,
      status text not null check (status in ('DRAFT', 'OPEN', 'CLOSED', 'DRAWN', 'SETTLED', 'CANCELLED')),
      version integer not null check (version >= 1),
      rules text not null,
      rules_hash text not null check (rules_hash ~ '^[0-9a-f]{64}$'),
      license_number text not null,
      name text not null,
      jurisdiction text not null,
      sales_close_at timestamptz not null,
      created_by text not null,
      created_at timestamptz not null,
      updated_at timestamptz not null,
      opened_at timestamptz,
      closed_at timestamptz,
      drawn_at timestamptz,
      settled_at timestamptz,
      cancelled_at timestamptz,
      cancel_reason text
    )`.execute(db);
  await sql`create index raffle_open_by_close on raffle (sales_close_at) where status = 'OPEN'`.execute(db);
  await sql`create index raffle_by_status on raffle (status, created_at)`.execute(db);

  // SALE-5: the rules are fixed once sales open, even for a statement that bypasses the service.
  await sql`
    create function raffle_rules_frozen() returns trigger language plpgsql as $$
    begin
      if old.status <> 'DRAFT' and (new.rules is distinct from old.rules
          or new.rules_hash is distinct from old.rules_hash
          or new.sales_close_at is distinct from old.sales_close_at) then
        raise exception 'the rules of raffle % are frozen since it left DRAFT', old.id
          using errcode = 'integrity_constraint_violation';
      end if;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger raffle_rules_frozen before update on raffle
    for each row execute function raffle_rules_frozen()`.execute(db);

  // Raffles are never deleted: a mistaken draft is cancelled, and the journal says so.
  await sql`grant select, insert, update on raffle to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table raffle`.execute(db);
  await sql`drop function raffle_rules_frozen()`.execute(db);
}
