/** The latest journal re-verification (a single row, id 1; see migrations/20261123_31_integrity.ts). */
export interface IntegrityJournalCheckTable {
  id: number;
  started_at: Date;
  finished_at: Date;
  ok: boolean;
  trigger: string;
  instance: string;
  /** JournalCheckResult as JSON text. */
  report: string;
}

declare module '../database/schema.js' {
  interface Database {
    integrity_journal_check: IntegrityJournalCheckTable;
  }
}
