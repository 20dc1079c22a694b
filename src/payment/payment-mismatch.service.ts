import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { originFields, subjectFor, type Origin } from '../audit/significant-event.js';
import type { Principal } from '../auth/roles.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService, type Tx } from '../database/database.service.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { RefundResult } from './payment-provider.js';
import { PaymentProviders } from './payment-providers.js';
import { PaymentRepository, type MismatchRow } from './payment.repository.js';
import { UNRESOLVED_MISMATCH, type MismatchStatus } from './payment.tables.js';
import type { ProviderEvent } from './providers/stripe-events.js';

export const PAYMENT_MISMATCH_REFUND_REQUESTED = 'PAYMENT_MISMATCH_REFUND_REQUESTED';
export const PAYMENT_MISMATCH_REFUNDED = 'PAYMENT_MISMATCH_REFUNDED';
export const PAYMENT_MISMATCH_REFUND_FAILED = 'PAYMENT_MISMATCH_REFUND_FAILED';
export const PAYMENT_MISMATCH_REVIEWED = 'PAYMENT_MISMATCH_REVIEWED';

/** A refund claim whose request vanished (the process died during the provider call) is taken over after this. */
const STALE_REFUND_MS = 5 * 60_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export interface MismatchView {
  id: string;
  provider: string;
  intentId: string;
  kind: string;
  eventId: string;
  claimedOrderId: string | null;
  raffleId: string | null;
  amountMinor: number;
  currency: string;
  status: MismatchStatus;
  detectedAt: string;
  providerRefundId: string | null;
  lastError: string | null;
  resolvedBy: string | null;
  resolvedAt: string | null;
  resolutionReason: string | null;
}

/**
 * Payments that name one of our orders but are not the payment taken for it (a PaymentIntent this
 * service did not create). Fairdraw issues nothing for them and does not refund them by itself; an
 * operator either refunds one through the provider port (once: the provider's idempotency key is
 * the mismatch's id) or marks it reviewed with a reason. Every action is journaled with its origin
 * under the payment's subject (`payment-intent:<id>`), beside the PAYMENT_MISMATCH that reported it.
 */
@Injectable()
export class PaymentMismatchService {
  private readonly logger = new Logger('PaymentMismatches');

  constructor(
    private readonly database: DatabaseService,
    private readonly repository: PaymentRepository,
    private readonly ledger: LedgerService,
    private readonly providers: PaymentProviders,
  ) {}

  /**
   * Records an unknown intent's payment for operators, in the transaction that journals its
   * PAYMENT_MISMATCH. The raffle is the one of the order its metadata names when that order has a
   * provider payment of ours (the claim itself is unverified).
   */
  async recordUnknownIntent(
    trx: Tx,
    payment: {
      provider: string;
      intentId: string;
      eventId: string;
      claimedOrderId: string;
      amountMinor: number;
      currency: string;
    },
    now: Date,
  ): Promise<void> {
    const claimed = UUID.test(payment.claimedOrderId)
      ? await this.repository.payment(payment.claimedOrderId, trx)
      : undefined;
    await this.repository.insertMismatch(trx, {
      id: randomUUID(),
      provider: payment.provider,
      intent_id: payment.intentId,
      kind: 'UNKNOWN_PAYMENT_INTENT',
      event_id: payment.eventId,
      claimed_order_id: payment.claimedOrderId,
      raffle_id: claimed?.raffle_id ?? null,
      amount_minor: payment.amountMinor,
      currency: payment.currency,
      status: 'OPEN',
      detected_at: now,
      provider_refund_id: null,
      last_error: null,
      claimed_at: null,
      resolved_at: null,
      resolved_by: null,
      resolution_reason: null,
    });
  }

  async list(filter: { raffleId?: string; status: string; limit: number }): Promise<MismatchView[]> {
    const statuses =
      filter.status === 'UNRESOLVED'
        ? UNRESOLVED_MISMATCH
        : filter.status === 'ALL'
          ? undefined
          : [filter.status as MismatchStatus];
    const rows = await this.repository.mismatches({
      statuses: statuses ?? ['OPEN', 'REFUNDING', 'REFUND_PENDING', 'REFUNDED', 'REFUND_FAILED', 'REVIEWED'],
      raffleId: filter.raffleId,
      limit: filter.limit,
    });
    return rows.map(toView);
  }

  /**
   * Refunds the payment through its provider (Stripe: a refund of the PaymentIntent, idempotency key
   * from the mismatch's id, so a retry never refunds twice). The request is journaled before the
   * provider is called, and the outcome after; a pending refund is completed by the provider's webhook.
   */
  async refund(id: string, who: Principal, origin: Origin): Promise<MismatchView> {
    const now = new Date();
    const row = await this.database.transaction(async (trx) => {
      const row = await this.requireForUpdate(trx, id);
      const stale =
        row.status === 'REFUNDING' &&
        row.claimed_at !== null &&
        now.getTime() - row.claimed_at.getTime() > STALE_REFUND_MS;
      if (row.status === 'REFUNDING' && !stale) {
        throw new DomainException(
          409,
          'MISMATCH_REFUND_IN_PROGRESS',
          `payment mismatch ${id} is being refunded by another request`,
        );
      }
      if (row.status !== 'OPEN' && !stale) throw notOpen(row, 'refunded');
      await this.repository.updateMismatch(trx, id, {
        status: 'REFUNDING',
        claimed_at: now,
        resolved_by: who.sub,
      });
      await this.journal(trx, row, PAYMENT_MISMATCH_REFUND_REQUESTED, { by: who.sub }, origin);
      return row;
    });

    let result: RefundResult;
    try {
      result = await this.providers.get(row.provider).refund({
        refundId: row.id,
        orderId: null,
        paymentRef: row.intent_id,
        amountMinor: row.amount_minor,
        currency: row.currency,
        reason: 'PAYMENT_MISMATCH',
      });
    } catch (error) {
      result = {
        status: 'FAILED',
        providerRefundId: null,
        failure: error instanceof Error ? error.message : String(error),
        retryable: true,
      };
    }

    await this.database.transaction(async (trx) => {
      const current = await this.requireForUpdate(trx, id);
      // The provider's webhook may have recorded the outcome first.
      if (current.status !== 'REFUNDING') return;
      await this.applyOutcome(trx, current, result, origin, new Date());
    });
    if (result.status === 'FAILED') {
      this.logger.warn(
        { event: 'payment_mismatch_refund_failed', mismatchId: id, failure: result.failure },
        'the refund of a mismatched payment failed',
      );
    }
    return toView((await this.repository.mismatch(id))!);
  }

  /** Marks a mismatch reviewed (no refund through Fairdraw), with the reviewer's reason; journaled. */
  async review(id: string, reason: string, who: Principal, origin: Origin): Promise<MismatchView> {
    const now = new Date();
    await this.database.transaction(async (trx) => {
      const row = await this.requireForUpdate(trx, id);
      if (row.status !== 'OPEN' && row.status !== 'REFUND_FAILED') throw notOpen(row, 'reviewed');
      await this.repository.updateMismatch(trx, id, {
        status: 'REVIEWED',
        resolved_at: now,
        resolved_by: who.sub,
        resolution_reason: reason,
      });
      await this.journal(
        trx,
        row,
        PAYMENT_MISMATCH_REVIEWED,
        { previousStatus: row.status, reason, by: who.sub, reviewedAt: now.toISOString() },
        origin,
      );
    });
    return toView((await this.repository.mismatch(id))!);
  }

  /**
   * A provider refund event that is not about an order's refund: the outcome of a mismatch's refund,
   * recorded once (whoever learns first, the request or the webhook). Undefined when it is not one.
   */
  async refundEvent(
    trx: Tx,
    meaning: Extract<ProviderEvent, { kind: 'refund-updated' }>,
    origin: Origin,
  ): Promise<string | undefined> {
    const row =
      (meaning.refundId && UUID.test(meaning.refundId)
        ? await this.repository.mismatchForUpdate(trx, { id: meaning.refundId })
        : undefined) ??
      (await this.repository.mismatchForUpdate(trx, { providerRefundId: meaning.providerRefundId }));
    if (!row) return undefined;
    if (row.status !== 'REFUNDING' && row.status !== 'REFUND_PENDING') return 'mismatch-refund-stale';
    const result: RefundResult | undefined =
      meaning.status === 'succeeded'
        ? { status: 'SUCCEEDED', providerRefundId: meaning.providerRefundId }
        : meaning.status === 'failed' || meaning.status === 'canceled'
          ? {
              status: 'FAILED',
              providerRefundId: meaning.providerRefundId,
              failure: meaning.failure ?? meaning.status,
              retryable: false,
            }
          : undefined;
    if (!result) return 'mismatch-refund-pending';
    await this.applyOutcome(trx, row, result, origin, new Date());
    return result.status === 'SUCCEEDED' ? 'mismatch-refunded' : 'mismatch-refund-failed';
  }

  private async applyOutcome(
    trx: Tx,
    row: MismatchRow,
    result: RefundResult,
    origin: Origin,
    now: Date,
  ): Promise<void> {
    switch (result.status) {
      case 'SUCCEEDED':
        await this.repository.updateMismatch(trx, row.id, {
          status: 'REFUNDED',
          provider_refund_id: result.providerRefundId ?? row.provider_refund_id,
          resolved_at: now,
          last_error: null,
        });
        await this.journal(
          trx,
          row,
          PAYMENT_MISMATCH_REFUNDED,
          { providerRefundId: result.providerRefundId ?? row.provider_refund_id },
          origin,
        );
        return;
      case 'PENDING':
        await this.repository.updateMismatch(trx, row.id, {
          status: 'REFUND_PENDING',
          provider_refund_id: result.providerRefundId,
        });
        return;
      case 'FAILED':
        // A failure that may pass (the provider unreachable) leaves it open for another attempt with
        // the same idempotency key; a refusal is final for a refund through Fairdraw.
        await this.repository.updateMismatch(trx, row.id, {
          status: result.retryable ? 'OPEN' : 'REFUND_FAILED',
          provider_refund_id: result.providerRefundId ?? row.provider_refund_id,
          last_error: result.failure,
          claimed_at: null,
          // Open again: nobody has resolved it (the journal keeps who tried).
          ...(result.retryable ? { resolved_by: null } : {}),
        });
        await this.journal(
          trx,
          row,
          PAYMENT_MISMATCH_REFUND_FAILED,
          {
            providerRefundId: result.providerRefundId ?? row.provider_refund_id,
            failure: result.failure,
            retryable: result.retryable,
          },
          origin,
        );
        return;
    }
  }

  private async journal(
    trx: Tx,
    row: MismatchRow,
    type: string,
    fields: JsonObject,
    origin: Origin,
  ): Promise<void> {
    await this.ledger.append(trx, {
      type,
      subject: subjectFor('payment-intent', row.intent_id),
      payload: {
        mismatchId: row.id,
        provider: row.provider,
        intentId: row.intent_id,
        claimedOrderId: row.claimed_order_id,
        raffleId: row.raffle_id,
        amountMinor: row.amount_minor,
        currency: row.currency,
        ...fields,
        ...originFields(origin),
      },
    });
  }

  private async requireForUpdate(trx: Tx, id: string): Promise<MismatchRow> {
    const row = await this.repository.mismatchForUpdate(trx, { id });
    if (!row) throw new DomainException(404, 'MISMATCH_NOT_FOUND', `payment mismatch ${id} does not exist`);
    return row;
  }
}

function notOpen(row: MismatchRow, action: string): DomainException {
  return new DomainException(
    409,
    'MISMATCH_NOT_OPEN',
    `payment mismatch ${row.id} is ${row.status}: it cannot be ${action} now`,
  );
}

function toView(row: MismatchRow): MismatchView {
  return {
    id: row.id,
    provider: row.provider,
    intentId: row.intent_id,
    kind: row.kind,
    eventId: row.event_id,
    claimedOrderId: row.claimed_order_id,
    raffleId: row.raffle_id,
    amountMinor: row.amount_minor,
    currency: row.currency,
    status: row.status,
    detectedAt: row.detected_at.toISOString(),
    providerRefundId: row.provider_refund_id,
    lastError: row.last_error,
    resolvedBy: row.resolved_by,
    resolvedAt: row.resolved_at?.toISOString() ?? null,
    resolutionReason: row.resolution_reason,
  };
}
