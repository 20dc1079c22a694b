import { sql, type Kysely } from 'kysely';

const RUNTIME_ROLE = 'fairdraw_runtime';

export async function up(db: Kysely<unknown>): Promise<void> {
  // Every request for random bytes made for a draw (served, failed or refused), so the number of
  // RNG calls per draw is auditable. The journal holds the same facts (RNG_REQUEST, RNG_FAULT).
  await sql`
    create table rng_request (
      id uuid primary key,
      purpose text not null,
      subject text not null,
      provider text not null check (provider in ('pkcs11', 'kms', 'os')),
      identity text not null,
      certified boolean not null,
      algorithm text not null,
      k integer not null check (k >= 0),
      n bigint not null check (n >= 1),
      repeats boolean not null,
      byte_count integer not null check (byte_count >= 0),
      call_count integer not null check (call_count >= 0),
      calls jsonb not null,
      bytes_sha256 text check (bytes_sha256 ~ '^[0-9a-f]{64}$'),
      outcome text not null check (outcome in ('served', 'failed', 'refused')),
      detail text,
      requested_at timestamptz not null
    )`.execute(db);
  await sql`create index rng_request_by_subject on rng_request (subject, requested_at)`.execute(db);
  await sql`create index rng_request_by_time on rng_request (requested_at)`.execute(db);

  // A record of what happened: the service adds rows and never changes them.
  await sql`grant select, insert on rng_request to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(db: Kysely<unknown>): Promise<void> {
  await sql`drop table rng_request`.execute(db);
}
