import { Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { Database } from '../database/schema.js';
import type { DrawRecordTable, DrawSealTable } from './draw.tables.js';
import './draw.tables.js';

/** Advisory lock class of per-raffle draw work ("FDDR"); the key is hashtext(raffle id). */
const DRAW_LOCK_CLASS = 0x46444452;

export type SealRow = Selectable<DrawSealTable>;
export type DrawRow = Selectable<DrawRecordTable>;

type Db = Kysely<Database> | Tx;

/** Every SQL statement of the draw module. */
@Injectable()
export class DrawRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  /**
   * Serialises the draw work of one raffle across replicas until the transaction ends (sealing,
   * drawing, redrawing). Exclusive; a void takes it shared (see lockRaffleShared).
   */
  async lockRaffle(trx: Tx, raffleId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock(${DRAW_LOCK_CLASS}, hashtext(${raffleId}))`.execute(trx);
  }

  /** The shared side of lockRaffle: waits while a seal or draw of the raffle is being committed. */
  async lockRaffleShared(trx: Tx, raffleId: string): Promise<void> {
    await sql`select pg_advisory_xact_lock_shared(${DRAW_LOCK_CLASS}, hashtext(${raffleId}))`.execute(trx);
  }

  async insertSeal(trx: Tx, row: SealRow): Promise<void> {
    await trx.insertInto('draw_seal').values(row).execute();
  }

  seal(id: string, db: Db = this.db): Promise<SealRow | undefined> {
    return db.selectFrom('draw_seal').selectAll().where('id', '=', id).executeTakeFirst();
  }

  sealByKey(raffleId: string, sealKey: string, db: Db = this.db): Promise<SealRow | undefined> {
    return db
      .selectFrom('draw_seal')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .where('seal_key', '=', sealKey)
      .executeTakeFirst();
  }

  seals(raffleId: string, db: Db = this.db): Promise<SealRow[]> {
    return db
      .selectFrom('draw_seal')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .orderBy('queue_id')
      .execute();
  }

  async insertDraw(trx: Tx, row: DrawRow): Promise<void> {
    await trx.insertInto('draw_record').values(row).execute();
  }

  draw(id: string, db: Db = this.db): Promise<DrawRow | undefined> {
    return db.selectFrom('draw_record').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** The draws of a raffle in journal order (queue order: draws of one raffle commit one at a time). */
  draws(raffleId: string, db: Db = this.db): Promise<DrawRow[]> {
    return db
      .selectFrom('draw_record')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .orderBy('queue_id')
      .execute();
  }

  /** Seals of the raffle with a prize not drawn yet, and whether a final seal exists. */
  async sealState(trx: Tx, raffleId: string): Promise<{ finalSealed: boolean; undrawnSeals: number }> {
    const seals = await this.seals(raffleId, trx);
    const drawn = new Set(
      (await this.draws(raffleId, trx)).filter((d) => d.kind === 'result').map((d) => d.prize_id),
    );
    return {
      finalSealed: seals.some((s) => s.sales_closed),
      undrawnSeals: seals.filter((s) => (JSON.parse(s.prize_ids) as string[]).some((p) => !drawn.has(p)))
        .length,
    };
  }
}
