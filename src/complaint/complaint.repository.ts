import { Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { Database } from '../database/schema.js';
import type {
  ComplaintPersonalDataTable,
  ComplaintTable,
  ComplaintTransitionTable,
} from './complaint.tables.js';
import './complaint.tables.js';

export type ComplaintRow = Selectable<ComplaintTable>;
export type ComplaintTransitionRow = Selectable<ComplaintTransitionTable>;
export type ComplaintPersonalDataRow = Selectable<ComplaintPersonalDataTable>;

export interface ComplaintFilter {
  raffleId?: string;
  status?: string;
  from?: Date;
  to?: Date;
  limit: number;
  offset: number;
}

type Db = Kysely<Database> | Tx;

/** Every SQL statement of complaints. */
@Injectable()
export class ComplaintRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  async insert(trx: Tx, row: ComplaintRow, personal: ComplaintPersonalDataRow | undefined): Promise<void> {
    await trx.insertInto('complaint').values(row).execute();
    if (personal) await trx.insertInto('complaint_personal_data').values(personal).execute();
  }

  /** The complaint, locked until the transaction ends (transitions of one complaint never interleave). */
  lockById(trx: Tx, id: string): Promise<ComplaintRow | undefined> {
    return trx.selectFrom('complaint').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  async recordTransition(
    trx: Tx,
    transition: ComplaintTransitionRow,
    changes: { status: string; resolution: string | null; updated_at: Date; updated_by: string },
  ): Promise<void> {
    await trx.insertInto('complaint_transition').values(transition).execute();
    await trx.updateTable('complaint').set(changes).where('id', '=', transition.complaint_id).execute();
  }

  byId(id: string, db: Db = this.db): Promise<ComplaintRow | undefined> {
    return db.selectFrom('complaint').selectAll().where('id', '=', id).executeTakeFirst();
  }

  byReference(reference: string): Promise<ComplaintRow | undefined> {
    return this.db.selectFrom('complaint').selectAll().where('reference', '=', reference).executeTakeFirst();
  }

  list(filter: ComplaintFilter): Promise<ComplaintRow[]> {
    let query = this.db.selectFrom('complaint').selectAll();
    if (filter.raffleId !== undefined) query = query.where('raffle_id', '=', filter.raffleId);
    if (filter.status !== undefined) query = query.where('status', '=', filter.status);
    if (filter.from !== undefined) query = query.where('filed_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('filed_at', '<', filter.to);
    return query.orderBy('filed_at').orderBy('id').limit(filter.limit).offset(filter.offset).execute();
  }

  /** How many complaints filed in scope are in each status. */
  async countsByStatus(
    filter: Pick<ComplaintFilter, 'raffleId' | 'from' | 'to'>,
  ): Promise<Map<string, number>> {
    let query = this.db
      .selectFrom('complaint')
      .select(['status', (eb) => eb.fn.countAll<string>().as('n')])
      .groupBy('status');
    if (filter.raffleId !== undefined) query = query.where('raffle_id', '=', filter.raffleId);
    if (filter.from !== undefined) query = query.where('filed_at', '>=', filter.from);
    if (filter.to !== undefined) query = query.where('filed_at', '<', filter.to);
    const rows = await query.execute();
    return new Map(rows.map((row) => [row.status, Number(row.n)]));
  }

  transitions(complaintIds: string[]): Promise<ComplaintTransitionRow[]> {
    if (complaintIds.length === 0) return Promise.resolve([]);
    return this.db
      .selectFrom('complaint_transition')
      .selectAll()
      .where('complaint_id', 'in', complaintIds)
      .orderBy('queue_id')
      .execute();
  }

  async personalData(
    complaintIds: string[],
    db: Db = this.db,
  ): Promise<Map<string, ComplaintPersonalDataRow>> {
    if (complaintIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('complaint_personal_data')
      .selectAll()
      .where('complaint_id', 'in', complaintIds)
      .execute();
    return new Map(rows.map((row) => [row.complaint_id, row]));
  }

  /** Deletes a complaint's contact details and their salt; false when there were none. */
  async deletePersonalData(trx: Tx, complaintId: string): Promise<boolean> {
    const result = await trx
      .deleteFrom('complaint_personal_data')
      .where('complaint_id', '=', complaintId)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }
}
