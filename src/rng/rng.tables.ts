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
  /** For a draw's request: which draw it is for ('result:<prizeId>', 'redraw:<drawId>:<ticket>'). */
  draw_key: string | null;
  /** For a draw's request: the id the draw that consumes it takes. */
  draw_id: string | null;
  /** For a draw's request: every byte served (hex), so a retried draw reuses them (docs/draws.md 11.1). */
  bytes: string | null;
}

export type RngSettlementOutcome = 'consumed' | 'abandoned';

/** How a draw's request ended (see migrations/20261207_21_rng_draw_binding.ts); at most one per request. */
export interface RngRequestSettlementTable {
  request_id: string;
  outcome: RngSettlementOutcome;
  draw_id: string | null;
  reason: string | null;
  settled_at: Date;
}

declare module '../database/schema.js' {
  interface Database {
    rng_request: RngRequestTable;
    rng_request_settlement: RngRequestSettlementTable;
  }
}
