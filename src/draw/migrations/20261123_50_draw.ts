import { sql, type Kysely } from 'kysely';
import { RUNTIME_ROLE } from '../../ledger/migrations/20261123_01_ledger.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table draw_seal (
      id text primary key,
      raffle_id text not null,
      seal_key text not null,
      prize_ids text not null,
      sales_closed boolean not null,
      cutoff_tree_size bigint not null check (cutoff_tree_size >= 0),
      ledger_tree_size bigint not null check (ledger_tree_size >= cutoff_tree_size),
      ticket_count bigint not null check (ticket_count >= 0),
      range_count bigint not null check (range_count >= 0 and range_count <= ticket_count),
      root text not null check (root ~ '^[0-9a-f]{64}$'),
      paid_total_minor bigint,
      queue_id bigint not null,
      recorded_at timestamptz not null,
      created_at timestamptz not null,
      unique (raffle_id, seal_key)
    )`.execute(db);

  await sql`
    create table draw_record (
      id text primary key,
      raffle_id text not null,
      prize_id text not null,
      seal_id text not null references draw_seal (id),
      kind text not null check (kind in ('result', 'redraw')),
      replaces_draw_id text references draw_record (id),
      replaces_ticket bigint,
      repeats boolean not null,
      tickets text not null,
      queue_id bigint not null,
      prize_queue_id bigint,
      recorded_at timestamptz not null,
      drawn_by text not null,
      drawn_at timestamptz not null,
      check ((kind = 'redraw') = (replaces_draw_id is not null and replaces_ticket is not null))
    )`.execute(db);
  // A second draw of a prize is refused by the database, not only by the service; a redraw replaces
  // one winner once.
  await sql`create unique index draw_record_one_result_per_prize on draw_record (raffle_id, prize_id) where kind = 'result'`.execute(
    db,
  );
  await sql`create unique index draw_record_one_redraw_per_winner on draw_record (replaces_draw_id, replaces_ticket) where kind = 'redraw'`.execute(
    db,
  );
  await sql`create index draw_record_by_raffle on draw_record (raffle_id, queue_id)`.execute(db);

  // Seals and draws are facts: added, never changed or removed (for every role, as the journal).
  await sql`
    create function draw_refuse_change() returns trigger language plpgsql as $$
    begin
      raise exception 'draws are append-only: % on % is refused', tg_op, tg_table_name
        using errcode = 'insufficient_privilege';
    end $$`.execute(db);
  for (const table of ['draw_seal', 'draw_record']) {
    await sql`
      create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function draw_refuse_change()`.execute(db);
    await sql`
      create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function draw_refuse_change()`.execute(db);
  }
  await sql`grant select, insert on draw_seal, draw_record to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('draws are never rolled back');
}
