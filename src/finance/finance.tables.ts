import type { ColumnType } from 'kysely';

/** A financial record of a raffle (see migrations/20261206_60_finance.ts); never changed. */
export interface FinanceRecordTable {
  id: string;
  raffle_id: string;
  kind: 'EXPENSE' | 'PROCEEDS_USE' | 'DEPOSIT' | 'CASH_COUNT';
  /** Minor units; a cash count's over (+) or short (-); a reversal's is the negated original. */
  amount_minor: ColumnType<number, number, never>;
  currency: string;
  /** UTC calendar date, YYYY-MM-DD. */
  occurred_on: ColumnType<string, string, never>;
  /** JSON text: the kind's own fields (category, payee, purpose, reference, cash session...). */
  details: string;
  reverses: string | null;
  reason: string | null;
  recorded_by: string;
  recorded_at: Date;
  queue_id: number;
}

declare module '../database/schema.js' {
  interface Database {
    finance_record: FinanceRecordTable;
  }
}
