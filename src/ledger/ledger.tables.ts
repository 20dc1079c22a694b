import type { ColumnType, Generated } from 'kysely';

/**
 * An entry appended inside a business transaction and not yet ordered. The sequencer gives it
 * its sequence number and hashes in a batch, then deletes it from here; the queued row commits
 * with the state change, so the entry exists exactly when the change does.
 */
export interface LedgerQueueTable {
  id: Generated<number>;
  type: string;
  subject: string | null;
  /** RFC 8785 canonical JSON of the payload, exactly the text that is hashed. */
  payload: string;
  recorded_at: ColumnType<Date, Date, never>;
}

/** The journal: append-only (UPDATE, DELETE and TRUNCATE are refused by triggers). */
export interface LedgerEntryTable {
  seq: number;
  type: string;
  subject: string | null;
  payload: string;
  recorded_at: ColumnType<Date, Date, never>;
  prev_hash: Buffer;
  hash: Buffer;
  /** The queue id the entry came from, so a caller can wait for its sequence number. */
  queue_id: number | null;
  integrated_at: ColumnType<Date, Date | undefined, never>;
}

/** Hashes of the perfect Merkle subtrees at level >= 1 (level 0 is ledger_entry.hash). */
export interface LedgerNodeTable {
  level: number;
  index: number;
  hash: Buffer;
}

/** The sequencer's single state row: tree size, root, frontier and last hash. */
export interface LedgerStateTable {
  id: number;
  tree_size: number;
  root_hash: Buffer;
  last_hash: Buffer;
  /** CompactRange.toJSON() of the tree's frontier, so a new root costs O(log n). */
  frontier: string;
  updated_at: Date;
}

/** Signed checkpoints the service has published or anchored (append-only). */
export interface LedgerCheckpointTable {
  tree_size: number;
  root_hash: Buffer;
  note: string;
  created_at: ColumnType<Date, Date | undefined, never>;
}

/** Where each checkpoint was anchored outside the database (append-only). */
export interface LedgerAnchorTable {
  id: Generated<number>;
  tree_size: number;
  anchor: string;
  location: string;
  version_id: string | null;
  retain_until: Date | null;
  sha256: string;
  anchored_at: Date;
}

declare module '../database/schema.js' {
  interface Database {
    ledger_queue: LedgerQueueTable;
    ledger_entry: LedgerEntryTable;
    ledger_node: LedgerNodeTable;
    ledger_state: LedgerStateTable;
    ledger_checkpoint: LedgerCheckpointTable;
    ledger_anchor: LedgerAnchorTable;
  }
}
