import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';

/** Only one replica re-verifies the journal at a time ("FDIC"). */
const JOURNAL_CHECK_LOCK = 0x46444943;

export interface JournalCheckRow {
  started_at: Date;
  finished_at: Date;
  ok: boolean;
  trigger: string;
  instance: string;
  report: string;
}

/** Every SQL statement of the integrity module. */
@Injectable()
export class IntegrityRepository {
  constructor(private readonly database: DatabaseService) {}

  /**
   * Runs `work` while this replica holds the journal-check lock, or returns `{ ran: false }` at
   * once when another replica holds it. On PostgreSQL the lock is a session advisory lock on one
   * pinned connection (released when the work ends or the connection dies) while the work reads
   * through the pool. A PGlite folder belongs to one process, so there is no other replica to
   * exclude; and its single connection must stay free for the work itself.
   */
  async withJournalCheckLock<T>(work: () => Promise<T>): Promise<{ ran: true; value: T } | { ran: false }> {
    if (this.database.engine === 'pglite') return { ran: true, value: await work() };
    return this.database.db.connection().execute(async (connection) => {
      const { rows } = await sql<{ locked: boolean }>`
        select pg_try_advisory_lock(${JOURNAL_CHECK_LOCK}) as locked`.execute(connection);
      if (!rows[0].locked) return { ran: false as const };
      try {
        return { ran: true as const, value: await work() };
      } finally {
        await sql`select pg_advisory_unlock(${JOURNAL_CHECK_LOCK})`.execute(connection);
      }
    });
  }

  lastJournalCheck(): Promise<JournalCheckRow | undefined> {
    return this.database.db
      .selectFrom('integrity_journal_check')
      .select(['started_at', 'finished_at', 'ok', 'trigger', 'instance', 'report'])
      .where('id', '=', 1)
      .executeTakeFirst();
  }

  async saveJournalCheck(trx: Tx, row: JournalCheckRow): Promise<void> {
    await trx
      .insertInto('integrity_journal_check')
      .values({ id: 1, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }
}
