import { Injectable } from '@nestjs/common';
import { sql, type Insertable, type Kysely, type Selectable } from 'kysely';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { Database } from '../database/schema.js';
import type {
  MismatchStatus,
  PaymentMismatchTable,
  PaymentRefundTable,
  PaymentTable,
  PaymentWebhookEventTable,
  RefundStatus,
} from './payment.tables.js';

export type PaymentRow = Selectable<PaymentTable>;
export type RefundRow = Selectable<PaymentRefundTable>;
export type MismatchRow = Selectable<PaymentMismatchTable>;
type Db = Kysely<Database> | Tx;

/** PostgreSQL allows 65 535 parameters per statement: large inserts go in chunks. */
const INSERT_CHUNK = 1_000;

/** Every SQL statement of the payment module. */
@Injectable()
export class PaymentRepository {
  constructor(private readonly database: DatabaseService) {}

  private get db(): Kysely<Database> {
    return this.database.db;
  }

  // --- payments --------------------------------------------------------------------------------

  /** Records a started payment; false when the order already has one (a retried request). */
  async insertPayment(trx: Tx, row: Insertable<PaymentTable>): Promise<boolean> {
    const inserted = await trx
      .insertInto('payment')
      .values(row)
      .onConflict((oc) => oc.column('order_id').doNothing())
      .returning('order_id')
      .execute();
    return inserted.length === 1;
  }

  payment(orderId: string, db: Db = this.db): Promise<PaymentRow | undefined> {
    return db.selectFrom('payment').selectAll().where('order_id', '=', orderId).executeTakeFirst();
  }

  paymentByIntent(intentId: string): Promise<PaymentRow | undefined> {
    return this.db.selectFrom('payment').selectAll().where('intent_id', '=', intentId).executeTakeFirst();
  }

  paymentForUpdateByIntent(trx: Tx, intentId: string): Promise<PaymentRow | undefined> {
    return trx
      .selectFrom('payment')
      .selectAll()
      .where('intent_id', '=', intentId)
      .forUpdate()
      .executeTakeFirst();
  }

  paymentForUpdate(trx: Tx, orderId: string): Promise<PaymentRow | undefined> {
    return trx
      .selectFrom('payment')
      .selectAll()
      .where('order_id', '=', orderId)
      .forUpdate()
      .executeTakeFirst();
  }

  async setPaymentStatus(
    trx: Tx,
    orderId: string,
    status: PaymentRow['status'],
    now: Date,
    failure?: string,
  ): Promise<void> {
    await trx
      .updateTable('payment')
      .set((eb) => ({
        status,
        updated_at: now,
        ...(failure !== undefined ? { last_failure: failure, failures: eb('failures', '+', 1) } : {}),
      }))
      .where('order_id', '=', orderId)
      .execute();
  }

  // --- webhook events --------------------------------------------------------------------------

  async eventSeen(eventId: string): Promise<boolean> {
    const row = await this.db
      .selectFrom('payment_webhook_event')
      .select('event_id')
      .where('event_id', '=', eventId)
      .executeTakeFirst();
    return row !== undefined;
  }

  /** Records a handled event; false when another delivery of it was recorded first. */
  async recordEvent(trx: Tx, row: Insertable<PaymentWebhookEventTable>): Promise<boolean> {
    const inserted = await trx
      .insertInto('payment_webhook_event')
      .values(row)
      .onConflict((oc) => oc.column('event_id').doNothing())
      .returning('event_id')
      .execute();
    return inserted.length === 1;
  }

  // --- refunds ---------------------------------------------------------------------------------

  /** Inserts refund requests; an order that already has one keeps it. Returns the ids inserted. */
  async insertRefunds(trx: Tx, rows: Array<Insertable<PaymentRefundTable>>): Promise<Set<string>> {
    const inserted = new Set<string>();
    for (let i = 0; i < rows.length; i += INSERT_CHUNK) {
      const result = await trx
        .insertInto('payment_refund')
        .values(rows.slice(i, i + INSERT_CHUNK))
        .onConflict((oc) => oc.column('order_id').doNothing())
        .returning('id')
        .execute();
      for (const row of result) inserted.add(row.id);
    }
    return inserted;
  }

  /**
   * Refunds due for an attempt, claimed for this worker: REQUESTED ones whose time has come, and
   * PROCESSING ones whose worker vanished (claimed long ago). Another replica's claims are skipped.
   */
  async claimRefunds(trx: Tx, now: Date, staleBefore: Date, limit: number): Promise<RefundRow[]> {
    const due = await trx
      .selectFrom('payment_refund')
      .selectAll()
      .where((eb) =>
        eb.or([
          eb.and([eb('status', '=', 'REQUESTED'), eb('next_attempt_at', '<=', now)]),
          eb.and([eb('status', '=', 'PROCESSING'), eb('claimed_at', '<', staleBefore)]),
        ]),
      )
      .orderBy('next_attempt_at')
      .limit(limit)
      .forUpdate()
      .skipLocked()
      .execute();
    if (due.length === 0) return [];
    await trx
      .updateTable('payment_refund')
      .set((eb) => ({ status: 'PROCESSING', claimed_at: now, attempts: eb('attempts', '+', 1) }))
      .where(
        'id',
        'in',
        due.map((row) => row.id),
      )
      .execute();
    return due.map((row) => ({ ...row, status: 'PROCESSING', claimed_at: now, attempts: row.attempts + 1 }));
  }

  refundForUpdate(
    trx: Tx,
    where: { id?: string; providerRefundId?: string },
  ): Promise<RefundRow | undefined> {
    let query = trx.selectFrom('payment_refund').selectAll();
    if (where.id) query = query.where('id', '=', where.id);
    else if (where.providerRefundId) query = query.where('provider_refund_id', '=', where.providerRefundId);
    else return Promise.resolve(undefined);
    return query.forUpdate().executeTakeFirst();
  }

  async updateRefund(
    trx: Tx,
    id: string,
    from: RefundStatus[],
    change: Partial<
      Pick<
        RefundRow,
        'status' | 'provider_refund_id' | 'next_attempt_at' | 'last_error' | 'completed_at' | 'claimed_at'
      >
    >,
  ): Promise<boolean> {
    const result = await trx
      .updateTable('payment_refund')
      .set(change)
      .where('id', '=', id)
      .where('status', 'in', from)
      .executeTakeFirst();
    return result.numUpdatedRows === 1n;
  }

  refundsOfOrders(orderIds: string[]): Promise<RefundRow[]> {
    if (orderIds.length === 0) return Promise.resolve([]);
    return this.db.selectFrom('payment_refund').selectAll().where('order_id', 'in', orderIds).execute();
  }

  async refundTotals(raffleId: string): Promise<Array<{ status: string; refunds: number; amount: number }>> {
    const { rows } = await sql<{ status: string; refunds: number; amount: number }>`
      select status, count(*)::int8 as refunds, coalesce(sum(amount_minor), 0)::int8 as amount
      from payment_refund where raffle_id = ${raffleId} group by status order by status`.execute(this.db);
    return rows;
  }

  // --- payment mismatches ----------------------------------------------------------------------

  /** Records a mismatch; false when the intent already has one (another event about the same payment). */
  async insertMismatch(trx: Tx, row: Insertable<PaymentMismatchTable>): Promise<boolean> {
    const inserted = await trx
      .insertInto('payment_mismatch')
      .values(row)
      .onConflict((oc) => oc.columns(['provider', 'intent_id']).doNothing())
      .returning('id')
      .execute();
    return inserted.length === 1;
  }

  /** Mismatches in any of `statuses`, of one raffle if given, newest first. */
  mismatches(filter: {
    statuses: readonly MismatchStatus[];
    raffleId?: string;
    limit: number;
  }): Promise<MismatchRow[]> {
    let query = this.db
      .selectFrom('payment_mismatch')
      .selectAll()
      .where('status', 'in', [...filter.statuses]);
    if (filter.raffleId) query = query.where('raffle_id', '=', filter.raffleId);
    return query.orderBy('detected_at', 'desc').orderBy('id').limit(filter.limit).execute();
  }

  mismatch(id: string): Promise<MismatchRow | undefined> {
    return this.db.selectFrom('payment_mismatch').selectAll().where('id', '=', id).executeTakeFirst();
  }

  mismatchForUpdate(
    trx: Tx,
    where: { id?: string | null; providerRefundId?: string },
  ): Promise<MismatchRow | undefined> {
    let query = trx.selectFrom('payment_mismatch').selectAll();
    if (where.id) query = query.where('id', '=', where.id);
    else if (where.providerRefundId) query = query.where('provider_refund_id', '=', where.providerRefundId);
    else return Promise.resolve(undefined);
    return query.forUpdate().executeTakeFirst();
  }

  async updateMismatch(
    trx: Tx,
    id: string,
    change: Partial<
      Pick<
        MismatchRow,
        | 'status'
        | 'provider_refund_id'
        | 'last_error'
        | 'claimed_at'
        | 'resolved_at'
        | 'resolved_by'
        | 'resolution_reason'
      >
    >,
  ): Promise<void> {
    await trx.updateTable('payment_mismatch').set(change).where('id', '=', id).execute();
  }
}
