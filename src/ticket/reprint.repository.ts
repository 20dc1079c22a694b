import { Injectable } from '@nestjs/common';
import type { Insertable, Kysely } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { Database } from '../database/schema.js';
import type { TicketReceiptReprintTable } from './ticket.tables.js';

export interface ReprintSummary {
  /** How many copies of the receipt were printed again. */
  count: number;
  /** When the last of them was printed, or null when there is none. */
  lastAt: Date | null;
}

/** Every SQL statement about receipt reprints (TKT-6). */
@Injectable()
export class ReprintRepository {
  constructor(private readonly database: DatabaseService) {}

  /** How many times an order's receipt was reprinted; the caller holds the order row's lock. */
  async count(trx: Tx, orderId: string): Promise<number> {
    const row = await trx
      .selectFrom('ticket_receipt_reprint')
      .select((eb) => eb.fn.max('reprint_number').as('last'))
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  /** How many reprints an order's receipt has and when the last one was made (for the order's view). */
  async summary(orderId: string, db: Kysely<Database> | Tx = this.database.db): Promise<ReprintSummary> {
    const row = await db
      .selectFrom('ticket_receipt_reprint')
      .select((eb) => [
        eb.fn.countAll<string | number>().as('count'),
        eb.fn.max('reprinted_at').as('last_at'),
      ])
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    return { count: Number(row?.count ?? 0), lastAt: row?.last_at ?? null };
  }

  async insert(trx: Tx, row: Insertable<TicketReceiptReprintTable>): Promise<void> {
    await trx.insertInto('ticket_receipt_reprint').values(row).execute();
  }
}
