import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { Database } from '../database/schema.js';
import type { TicketBlockTable } from './ticket.tables.js';

export type BlockRow = Selectable<TicketBlockTable>;

/** Every SQL statement about blocks of numbers reserved to seller devices (offline POS). */
@Injectable()
export class BlockRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  /**
   * Claims a reservation's Idempotency-Key for a new block; false when the key is taken. A key
   * another transaction holds uncommitted makes this wait for it, so a retry racing the first
   * request (on any replica) sees its block instead of reserving a second one.
   */
  async claimKey(
    trx: Tx,
    claim: { raffleId: string; key: string; requestHash: string; blockId: string; at: Date },
  ): Promise<boolean> {
    const inserted = await trx
      .insertInto('ticket_block_idempotency')
      .values({
        raffle_id: claim.raffleId,
        key: claim.key,
        request_hash: claim.requestHash,
        block_id: claim.blockId,
        created_at: claim.at,
      })
      .onConflict((oc) => oc.columns(['raffle_id', 'key']).doNothing())
      .returning('key')
      .execute();
    return inserted.length === 1;
  }

  keyRecord(raffleId: string, key: string): Promise<{ request_hash: string; block_id: string } | undefined> {
    return this.db
      .selectFrom('ticket_block_idempotency')
      .select(['request_hash', 'block_id'])
      .where('raffle_id', '=', raffleId)
      .where('key', '=', key)
      .executeTakeFirst();
  }

  async insert(trx: Tx, row: Insertable<TicketBlockTable>): Promise<void> {
    await trx.insertInto('ticket_block').values(row).execute();
  }

  find(id: string): Promise<BlockRow | undefined> {
    return this.db.selectFrom('ticket_block').selectAll().where('id', '=', id).executeTakeFirst();
  }

  lock(trx: Tx, id: string): Promise<BlockRow | undefined> {
    return trx.selectFrom('ticket_block').selectAll().where('id', '=', id).forUpdate().executeTakeFirst();
  }

  /** Blocks still out on devices: neither sold out nor returned. */
  outstanding(raffleId: string, db: Kysely<Database> | Tx = this.db): Promise<BlockRow[]> {
    return db
      .selectFrom('ticket_block')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .where('status', '=', 'RESERVED')
      .orderBy('first_number')
      .execute();
  }

  /** Every block of a raffle, in number order (the register). */
  ofRaffle(raffleId: string): Promise<BlockRow[]> {
    return this.db
      .selectFrom('ticket_block')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .orderBy('first_number')
      .execute();
  }

  /** The ranges already uploaded from a block, in number order. */
  async uploadedRanges(
    blockId: string,
    db: Kysely<Database> | Tx = this.db,
  ): Promise<Array<{ first: number; last: number; code: string }>> {
    const rows = await db
      .selectFrom('ticket_order')
      .select(['first_number', 'last_number', 'verification_code'])
      .where('block_id', '=', blockId)
      .orderBy('first_number')
      .execute();
    return rows.map((row) => ({
      first: row.first_number!,
      last: row.last_number!,
      code: row.verification_code!,
    }));
  }

  async update(
    trx: Tx,
    id: string,
    change: Partial<
      Pick<
        BlockRow,
        'status' | 'sold_tickets' | 'returned_tickets' | 'closed_at' | 'close_reason' | 'closed_by'
      >
    >,
  ): Promise<void> {
    await trx.updateTable('ticket_block').set(change).where('id', '=', id).execute();
  }

  /** Returns every outstanding block of a raffle (its cancellation); returns how many. */
  async returnAll(
    trx: Tx,
    raffleId: string,
    change: { at: Date; reason: string; by: string },
  ): Promise<number> {
    const result = await trx
      .updateTable('ticket_block')
      .set({
        status: 'RETURNED',
        returned_tickets: sql<number>`last_number - first_number + 1 - sold_tickets`,
        closed_at: change.at,
        close_reason: change.reason,
        closed_by: change.by,
      })
      .where('raffle_id', '=', raffleId)
      .where('status', '=', 'RESERVED')
      .executeTakeFirst();
    return Number(result.numUpdatedRows);
  }
}
