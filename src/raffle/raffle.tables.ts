import type { ColumnType } from 'kysely';
import type { RaffleStatus } from './raffle-lifecycle.js';

/**
 * A raffle: its rules as one canonical JSON document (frozen by a trigger once it leaves DRAFT),
 * the columns the service filters on, and the time of each lifecycle step.
 */
export interface RaffleTable {
  id: string;
  status: RaffleStatus;
  version: number;
  /** RFC 8785 canonical JSON of the RaffleRules. */
  rules: string;
  /** Lowercase hex SHA-256 of `rules`, journaled when sales open. */
  rules_hash: string;
  license_number: string;
  name: string;
  jurisdiction: string;
  sales_close_at: Date;
  created_by: string;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
  opened_at: Date | null;
  closed_at: Date | null;
  drawn_at: Date | null;
  settled_at: Date | null;
  cancelled_at: Date | null;
  cancel_reason: string | null;
}

declare module '../database/schema.js' {
  interface Database {
    raffle: RaffleTable;
  }
}
