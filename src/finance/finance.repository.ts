import { Injectable } from '@nestjs/common';
import type { Insertable, Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { FinanceRecordTable } from './finance.tables.js';

export type FinanceRecordRow = Selectable<FinanceRecordTable>;

/** Every SQL statement about financial records (RPT-7). */
@Injectable()
export class FinanceRepository {
  constructor(private readonly database: DatabaseService) {}

  async insert(trx: Tx, row: Insertable<FinanceRecordTable>): Promise<void> {
    await trx.insertInto('finance_record').values(row).execute();
  }

  /** The record, locked so that two reversals of it cannot both pass the check (the index refuses too). */
  async findForUpdate(trx: Tx, id: string): Promise<FinanceRecordRow | undefined> {
    return trx.selectFrom('finance_record').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  async reversalOf(trx: Tx, id: string): Promise<FinanceRecordRow | undefined> {
    return trx.selectFrom('finance_record').selectAll().where('reverses', '=', id).executeTakeFirst();
  }

  async ofRaffle(raffleId: string): Promise<FinanceRecordRow[]> {
    return this.database.db
      .selectFrom('finance_record')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .orderBy('recorded_at')
      .orderBy('queue_id')
      .execute();
  }

  /** Signed sums and counts per kind (reversals included), for the report's reconciliation. */
  async totals(raffleId: string): Promise<Array<{ kind: string; records: number; amountMinor: number }>> {
    const rows = await this.database.db
      .selectFrom('finance_record')
      .select((eb) => [
        'kind',
        eb.fn.countAll<number>().as('records'),
        eb.fn.sum<number>('amount_minor').as('amountMinor'),
      ])
      .where('raffle_id', '=', raffleId)
      .groupBy('kind')
      .execute();
    return rows.map((r) => ({
      kind: r.kind,
      records: Number(r.records),
      amountMinor: Number(r.amountMinor),
    }));
  }
}
