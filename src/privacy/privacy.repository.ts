import { Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { Database } from '../database/schema.js';
import type { PersonalDataErasureTable } from './privacy.tables.js';
import './privacy.tables.js';

export type ErasureRow = Selectable<PersonalDataErasureTable>;

/** Every SQL statement of the erasure register. */
@Injectable()
export class PrivacyRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  async insert(trx: Tx, row: ErasureRow): Promise<void> {
    await trx.insertInto('personal_data_erasure').values(row).execute();
  }

  find(kind: string, recordId: string, db: Kysely<Database> | Tx = this.db): Promise<ErasureRow | undefined> {
    return db
      .selectFrom('personal_data_erasure')
      .selectAll()
      .where('record_kind', '=', kind)
      .where('record_id', '=', recordId)
      .executeTakeFirst();
  }

  ofRecords(kinds: string[], recordIds: string[]): Promise<ErasureRow[]> {
    if (recordIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('personal_data_erasure')
      .selectAll()
      .where('record_kind', 'in', kinds)
      .where('record_id', 'in', recordIds)
      .execute();
  }

  list(filter: { raffleId?: string; limit: number; offset: number }): Promise<ErasureRow[]> {
    let query = this.db.selectFrom('personal_data_erasure').selectAll();
    if (filter.raffleId !== undefined) query = query.where('raffle_id', '=', filter.raffleId);
    return query
      .orderBy('erased_at')
      .orderBy('record_id')
      .limit(filter.limit)
      .offset(filter.offset)
      .execute();
  }
}
