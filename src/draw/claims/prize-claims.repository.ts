import { Injectable } from '@nestjs/common';
import type { Kysely, Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../../database/database.service.js';
import type { Database } from '../../database/schema.js';
import type {
  PrizeClaimTable,
  WinnerContactAttemptTable,
  WinnerPersonalDataTable,
} from './prize-claims.tables.js';
import './prize-claims.tables.js';

export type ClaimRow = Selectable<PrizeClaimTable>;
export type ContactAttemptRow = Selectable<WinnerContactAttemptTable>;
export type PersonalDataRow = Selectable<WinnerPersonalDataTable>;

type Db = Kysely<Database> | Tx;

/** Every SQL statement of prize claims and contact attempts. */
@Injectable()
export class PrizeClaimsRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  async insertClaim(trx: Tx, row: ClaimRow, personal: PersonalDataRow): Promise<void> {
    await trx.insertInto('prize_claim').values(row).execute();
    await trx.insertInto('winner_personal_data').values(personal).execute();
  }

  async insertContactAttempt(trx: Tx, row: ContactAttemptRow, personal: PersonalDataRow): Promise<void> {
    await trx.insertInto('winner_contact_attempt').values(row).execute();
    await trx.insertInto('winner_personal_data').values(personal).execute();
  }

  claimsOfRaffle(raffleId: string, db: Db = this.db): Promise<ClaimRow[]> {
    return db
      .selectFrom('prize_claim')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .orderBy('queue_id')
      .execute();
  }

  claimOfWinner(
    raffleId: string,
    prizeId: string,
    ticket: number,
    db: Db = this.db,
  ): Promise<ClaimRow | undefined> {
    return db
      .selectFrom('prize_claim')
      .selectAll()
      .where('raffle_id', '=', raffleId)
      .where('prize_id', '=', prizeId)
      .where('ticket', '=', ticket)
      .executeTakeFirst();
  }

  claimsOfDraw(drawId: string, db: Db = this.db): Promise<ClaimRow[]> {
    return db
      .selectFrom('prize_claim')
      .selectAll()
      .where('draw_id', '=', drawId)
      .orderBy('queue_id')
      .execute();
  }

  contactAttemptsOfDraw(drawId: string, db: Db = this.db): Promise<ContactAttemptRow[]> {
    return db
      .selectFrom('winner_contact_attempt')
      .selectAll()
      .where('draw_id', '=', drawId)
      .orderBy('queue_id')
      .execute();
  }

  claimById(id: string): Promise<ClaimRow | undefined> {
    return this.db.selectFrom('prize_claim').selectAll().where('id', '=', id).executeTakeFirst();
  }

  contactAttemptById(id: string): Promise<ContactAttemptRow | undefined> {
    return this.db.selectFrom('winner_contact_attempt').selectAll().where('id', '=', id).executeTakeFirst();
  }

  /** Deletes the personal record of a claim or an attempt, salt included; false when there was none. */
  async deletePersonalData(trx: Tx, recordId: string, kind: 'claim' | 'contact-attempt'): Promise<boolean> {
    const result = await trx
      .deleteFrom('winner_personal_data')
      .where('record_id', '=', recordId)
      .where('kind', '=', kind)
      .executeTakeFirst();
    return Number(result.numDeletedRows) > 0;
  }

  async personalData(recordIds: string[], db: Db = this.db): Promise<Map<string, PersonalDataRow>> {
    if (recordIds.length === 0) return new Map();
    const rows = await db
      .selectFrom('winner_personal_data')
      .selectAll()
      .where('record_id', 'in', recordIds)
      .execute();
    return new Map(rows.map((row) => [row.record_id, row]));
  }
}
