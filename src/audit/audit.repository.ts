import { Injectable } from '@nestjs/common';
import { sql } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';

/** Serialises the configuration comparison of replicas starting at once ("FDCF"). */
const CONFIG_LOCK = 0x46444346;

export interface ConfigStateRow {
  config: string;
  digest: string;
  boot_id: string;
  recorded_at: Date;
}

/** Every SQL statement of the audit module. */
@Injectable()
export class AuditRepository {
  constructor(private readonly database: DatabaseService) {}

  /** Records a token's first use; true only for the one call (of any replica) that inserted it. */
  async claimFirstUse(
    trx: Tx,
    row: { token_key: string; sub: string; first_seen_at: Date; expires_at: Date | null },
  ): Promise<boolean> {
    const inserted = await trx
      .insertInto('audit_sign_in')
      .values(row)
      .onConflict((oc) => oc.column('token_key').doNothing())
      .returning('token_key')
      .executeTakeFirst();
    return inserted !== undefined;
  }

  /** Forgets tokens that expired before `before`: they can no longer be used, so never signed in again. */
  async pruneSignIns(before: Date): Promise<number> {
    const result = await this.database.db
      .deleteFrom('audit_sign_in')
      .where('expires_at', '<', before)
      .executeTakeFirst();
    return Number(result.numDeletedRows);
  }

  /** The configuration of the latest start, read under a lock held until `trx` ends. */
  async lockedConfigState(trx: Tx): Promise<ConfigStateRow | undefined> {
    await sql`select pg_advisory_xact_lock(${CONFIG_LOCK})`.execute(trx);
    return trx
      .selectFrom('audit_config_state')
      .select(['config', 'digest', 'boot_id', 'recorded_at'])
      .where('id', '=', 1)
      .executeTakeFirst();
  }

  async saveConfigState(trx: Tx, row: ConfigStateRow): Promise<void> {
    await trx
      .insertInto('audit_config_state')
      .values({ id: 1, ...row })
      .onConflict((oc) => oc.column('id').doUpdateSet(row))
      .execute();
  }
}
