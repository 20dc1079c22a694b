import type { ColumnType, Generated } from 'kysely';

/**
 * One row per import of a QLDB export into the journal (append-only). It makes imports idempotent
 * (the final block hash is unique) and lets a later export prove it continues an earlier one: the
 * first block's previousBlockHash and the last block's hash are what neighbouring blocks must name.
 */
export interface QldbImportTable {
  id: Generated<number>;
  ledger_name: string;
  strand_id: string;
  /** QLDB sequence numbers of the first and last imported block. */
  first_seq: number;
  last_seq: number;
  first_previous_block_hash: Buffer | null;
  final_block_hash: Buffer;
  block_count: number;
  revision_count: number;
  export_id: string | null;
  /** SHA-256 (hex) of the list of files verified, as journaled in QLDB_EXPORT_VERIFIED. */
  files_sha256: string;
  imported_at: ColumnType<Date, Date | undefined, never>;
}

declare module '../../database/schema.js' {
  interface Database {
    qldb_import: QldbImportTable;
  }
}
