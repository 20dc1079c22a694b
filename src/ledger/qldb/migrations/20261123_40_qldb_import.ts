import { sql, type Kysely } from 'kysely';
import { RUNTIME_ROLE } from '../../migrations/20261123_01_ledger.js';

export async function up(db: Kysely<unknown>): Promise<void> {
  await sql`
    create table qldb_import (
      id bigserial primary key,
      ledger_name text not null,
      strand_id text not null,
      first_seq bigint not null check (first_seq >= 0),
      last_seq bigint not null,
      first_previous_block_hash bytea check (length(first_previous_block_hash) = 32),
      final_block_hash bytea not null unique check (length(final_block_hash) = 32),
      block_count integer not null check (block_count > 0),
      revision_count integer not null check (revision_count >= 0),
      export_id text,
      files_sha256 text not null,
      imported_at timestamptz not null default now(),
      check (last_seq >= first_seq)
    )`.execute(db);
  await sql`create index qldb_import_ledger on qldb_import (ledger_name, strand_id, first_seq)`.execute(db);
  // Like the journal it points into: rows are added, never changed or removed (ledger_refuse_change
  // is the ledger's own trigger function).
  await sql`
    create trigger qldb_import_append_only before update or delete on qldb_import
    for each row execute function ledger_refuse_change()`.execute(db);
  await sql`
    create trigger qldb_import_no_truncate before truncate on qldb_import
    for each statement execute function ledger_refuse_change()`.execute(db);
  await sql`grant select, insert on qldb_import to ${sql.id(RUNTIME_ROLE)}`.execute(db);
  await sql`grant usage on sequence qldb_import_id_seq to ${sql.id(RUNTIME_ROLE)}`.execute(db);
}

export async function down(): Promise<void> {
  throw new Error('QLDB import records are never rolled back');
}
