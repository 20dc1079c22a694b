import { Injectable } from '@nestjs/common';
import type { Insertable } from 'kysely';
import type { Tx } from '../database/database.service.js';
import type { TicketReceiptReprintTable } from './ticket.tables.js';

/** Every SQL statement about receipt reprints (TKT-6). */
@Injectable()
export class ReprintRepository {
  /** How many times an order's receipt was reprinted; the caller holds the order row's lock. */
  async count(trx: Tx, orderId: string): Promise<number> {
    const row = await trx
      .selectFrom('ticket_receipt_reprint')
      .select((eb) => eb.fn.max('reprint_number').as('last'))
      .where('order_id', '=', orderId)
      .executeTakeFirst();
    return Number(row?.last ?? 0);
  }

  async insert(trx: Tx, row: Insertable<TicketReceiptReprintTable>): Promise<void> {
    await trx.insertInto('ticket_receipt_reprint').values(row).execute();
  }
}
