import { Injectable } from '@nestjs/common';
import type { Kysely, Selectable, Updateable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { Database } from '../database/schema.js';
import type { RaffleStatus } from './raffle-lifecycle.js';
import type { RaffleTable } from './raffle.tables.js';

export type RaffleRow = Selectable<RaffleTable>;
type Db = Kysely<Database> | Tx;

/** Every SQL statement of the raffle module. */
@Injectable()
export class RaffleRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  async insert(trx: Tx, row: RaffleRow): Promise<void> {
    await trx.insertInto('raffle').values(row).execute();
  }

  find(id: string, db: Db = this.db): Promise<RaffleRow | undefined> {
    return db.selectFrom('raffle').selectAll().where('id', '=', id).executeTakeFirst();
  }

  findForUpdate(trx: Tx, id: string): Promise<RaffleRow | undefined> {
    return trx.selectFrom('raffle').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** The status, share-locked: a transition (FOR UPDATE) waits for this transaction and vice versa. */
  async statusForShare(trx: Tx, id: string): Promise<RaffleStatus | undefined> {
    const row = await trx
      .selectFrom('raffle')
      .select('status')
      .where('id', '=', id)
      .forShare()
      .executeTakeFirst();
    return row?.status;
  }

  list(filter: { status?: RaffleStatus; limit: number; offset: number }): Promise<RaffleRow[]> {
    let query = this.db.selectFrom('raffle').selectAll();
    if (filter.status) query = query.where('status', '=', filter.status);
    return query
      .orderBy('created_at', 'desc')
      .orderBy('id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
  }

  /** Replaces a draft's rules; false when it is no longer a draft or not at that version. */
  async updateDraft(
    trx: Tx,
    id: string,
    expectedVersion: number,
    changes: Pick<
      RaffleRow,
      'rules' | 'rules_hash' | 'license_number' | 'name' | 'jurisdiction' | 'sales_close_at' | 'updated_at'
    >,
  ): Promise<boolean> {
    const result = await trx
      .updateTable('raffle')
      .set({ ...changes, version: expectedVersion + 1 })
      .where('id', '=', id)
      .where('status', '=', 'DRAFT')
      .where('version', '=', expectedVersion)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Moves a raffle from `from` to `to`; false when another transaction moved it first. */
  async setStatus(
    trx: Tx,
    id: string,
    from: RaffleStatus,
    to: RaffleStatus,
    changes: Updateable<RaffleTable>,
  ): Promise<boolean> {
    const result = await trx
      .updateTable('raffle')
      .set({ ...changes, status: to })
      .where('id', '=', id)
      .where('status', '=', from)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  /** Open raffles whose sales window has ended, locked; rows another replica holds, and `except`, are skipped. */
  async dueToClose(trx: Tx, now: Date, limit: number, except: readonly string[] = []): Promise<RaffleRow[]> {
    let query = trx
      .selectFrom('raffle')
      .selectAll()
      .where('status', '=', 'OPEN')
      .where('sales_close_at', '<=', now);
    if (except.length > 0) query = query.where('id', 'not in', except);
    return query.orderBy('sales_close_at').limit(limit).forUpdate().skipLocked().execute();
  }
}
