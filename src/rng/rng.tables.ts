import type { ColumnType } from 'kysely';
import type { RngCall } from './rng-engine.js';

export type RngRequestOutcome = 'served' | 'failed' | 'refused';

/** One request for random bytes made for a draw (see migrations/20261123_20_rng.ts). */
export interface RngRequestTable {
  id: string;
  purpose: string;
  subject: string;
  provider: string;
  identity: string;
  certified: boolean;
  algorithm: string;
  k: number;
  n: number;
  repeats: boolean;
  byte_count: number;
  call_count: number;
  /** Each provider request in order: its byte count and when it was made. Inserted as JSON text. */
  calls: ColumnType<RngCall[], string, never>;
  /** SHA-256 of every byte the selection consumed; null when no selection was made. */
  bytes_sha256: string | null;
  outcome: RngRequestOutcome;
  /** Why a request failed or was refused. */
  detail: string | null;
  requested_at: Date;
}

declare module '../database/schema.js' {
  interface Database {
    rng_request: RngRequestTable;
  }
}
