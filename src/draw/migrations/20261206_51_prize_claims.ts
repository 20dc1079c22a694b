import { sql, type Kysely } from 'kysely';
import { RUNTIME_ROLE } from '../../ledger/migrations/20261123_01_ledger.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table prize_claim (
      id text primary key,
      raffle_id text not null,
      prize_id text not null,
      draw_id text not null references draw_record (id),
      ticket bigint not null check (ticket >= 1),
      code_hash text not null check (code_hash ~ '^[0-9a-f]{64}$'),
      identity_document text not null,
      payment_method text not null,
      amount_minor bigint check (amount_minor >= 0),
      currency text not null,
      commitment text not null check (commitment ~ '^[0-9a-f]{64}$'),
      claimed_by text not null,
      claimed_at timestamptz not null,
      queue_id bigint not null,
      recorded_at timestamptz not null
    )`.execute(db);
  // A prize is paid once: one claim per winning ticket of a prize, whichever draw is named.
  await sql`create unique index prize_claim_one_per_winner on prize_claim (raffle_id, prize_id, ticket)`.execute(
    db,
  );
  await sql`create index prize_claim_by_draw on prize_claim (draw_id)`.execute(db);

  await sql`
    create table winner_contact_attempt (
      id text primary key,
      raffle_id text not null,
      prize_id text not null,
      draw_id text not null references draw_record (id),
      ticket bigint not null check (ticket >= 1),
      channel text not null,
      outcome text not null,
      commitment text not null check (commitment ~ '^[0-9a-f]{64}$'),
      attempted_by text not null,
      attempted_at timestamptz not null,
      queue_id bigint not null,
      recorded_at timestamptz not null
    )`.execute(db);
  await sql`create index winner_contact_attempt_by_draw on winner_contact_attempt (draw_id, queue_id)`.execute(
    db,
  );

  // Personal data: never changed (an edit would no longer match the journaled commitment), but it may
  // be deleted (erasure at the end of retention), which leaves the facts and the journal whole.
  await sql`
    create table winner_personal_data (
      record_id text primary key,
      raffle_id text not null,
      kind text not null check (kind in ('claim', 'contact-attempt')),
      salt text not null check (salt ~ '^[0-9a-f]{64}$'),
      data text not null,
      created_at timestamptz not null
    )`.execute(db);

  for (const table of ['prize_claim', 'winner_contact_attempt']) {
    await sql`
      create trigger ${sql.id(`${table}_append_only`)} before update or delete on ${sql.table(table)}
      for each row execute function draw_refuse_change()`.execute(db);
    await sql`
      create trigger ${sql.id(`${table}_no_truncate`)} before truncate on ${sql.table(table)}
      for each statement execute function draw_refuse_change()`.execute(db);
  }
  await sql`
    create trigger winner_personal_data_no_update before update on winner_personal_data
    for each row execute function draw_refuse_change()`.execute(db);
  await sql`grant select, insert on prize_claim, winner_contact_attempt to ${sql.id(RUNTIME_ROLE)}`.execute(
    db,
  );
  await sql`grant select, insert, delete on winner_personal_data to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('prize claims are never rolled back');
}
