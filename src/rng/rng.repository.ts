import { Injectable } from '@nestjs/common';
import { sql, type Kysely, type Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { Database } from '../database/schema.js';
import type { RngCall } from './rng-engine.js';
import type { RngRequestOutcome, RngRequestTable, RngSettlementOutcome } from './rng.tables.js';

export interface RngRequestRecord {
  id: string;
  purpose: string;
  subject: string;
  provider: string;
  identity: string;
  certified: boolean;
  algorithm: string;
  k: number;
  n: number;
  repeats: boolean;
  byteCount: number;
  calls: RngCall[];
  bytesSha256: string | null;
  outcome: RngRequestOutcome;
  detail: string | null;
  requestedAt: Date;
  /** For a draw's request (null otherwise): what it is for, the draw id reserved, the bytes served. */
  drawKey?: string | null;
  drawId?: string | null;
  bytes?: string | null;
}

export type RngRequestRow = Selectable<RngRequestTable>;

/** Every SQL statement of the RNG module. */
@Injectable()
export class RngRepository {
  constructor(private readonly database: DatabaseService) {}

  async insertRequest(db: Kysely<Database> | Tx, record: RngRequestRecord): Promise<void> {
    await db
      .insertInto('rng_request')
      .values({
        id: record.id,
        purpose: record.purpose,
        subject: record.subject,
        provider: record.provider,
        identity: record.identity,
        certified: record.certified,
        algorithm: record.algorithm,
        k: record.k,
        n: record.n,
        repeats: record.repeats,
        byte_count: record.byteCount,
        call_count: record.calls.length,
        calls: sql<string>`cast(${JSON.stringify(record.calls)} as jsonb)`,
        bytes_sha256: record.bytesSha256,
        outcome: record.outcome,
        detail: record.detail,
        requested_at: record.requestedAt,
        draw_key: record.drawKey ?? null,
        draw_id: record.drawId ?? null,
        bytes: record.bytes ?? null,
      })
      .execute();
  }

  /** The served requests for this draw key that no draw consumed and none abandoned, oldest first. */
  unsettledDrawRequests(
    db: Kysely<Database> | Tx,
    subject: string,
    drawKey: string,
  ): Promise<RngRequestRow[]> {
    return db
      .selectFrom('rng_request')
      .selectAll()
      .where('subject', '=', subject)
      .where('draw_key', '=', drawKey)
      .where('outcome', '=', 'served')
      .where(({ not, exists, selectFrom }) =>
        not(
          exists(
            selectFrom('rng_request_settlement')
              .select('request_id')
              .whereRef('rng_request_settlement.request_id', '=', 'rng_request.id'),
          ),
        ),
      )
      .orderBy('requested_at')
      .orderBy('id')
      .execute();
  }

  async insertSettlement(
    db: Kysely<Database> | Tx,
    settlement: {
      requestId: string;
      outcome: RngSettlementOutcome;
      drawId: string | null;
      reason: string | null;
      settledAt: Date;
    },
  ): Promise<void> {
    await db
      .insertInto('rng_request_settlement')
      .values({
        request_id: settlement.requestId,
        outcome: settlement.outcome,
        draw_id: settlement.drawId,
        reason: settlement.reason,
        settled_at: settlement.settledAt,
      })
      .execute();
  }

  /** The requests made for one subject (e.g. a raffle), oldest first. */
  requestsFor(subject: string, db: Kysely<Database> | Tx = this.database.db): Promise<RngRequestRow[]> {
    return db
      .selectFrom('rng_request')
      .selectAll()
      .where('subject', '=', subject)
      .orderBy('requested_at')
      .orderBy('id')
      .execute();
  }
}
