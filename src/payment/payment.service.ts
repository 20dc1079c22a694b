import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { originFields, subjectFor, type Origin, type SignificantEvent } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService, type Tx } from '../database/database.service.js';
import { LedgerService, type LedgerDraft } from '../ledger/ledger.service.js';
import { raffleSubject } from '../raffle/raffle-lifecycle.js';
import {
  PaymentProviderError,
  type PaymentProvider,
  type PaymentRequest,
  type StartedPayment,
} from './payment-provider.js';
import { PaymentProviders } from './payment-providers.js';
import type { PaymentSettlementHandler, RefundOrder, SettlementResult } from './payment-settlement.js';
import { PaymentRepository, type PaymentRow, type RefundRow } from './payment.repository.js';
import { interpretStripeEvent, type ProviderEvent } from './providers/stripe-events.js';
import { PaymentMismatchService } from './payment-mismatch.service.js';
import { RefundWorker } from './refund-worker.js';

export interface PaymentView {
  provider: string;
  intentId: string;
  clientSecret: string | null;
  status: string;
}

export interface WebhookResult {
  received: true;
  duplicate: boolean;
  outcome: string;
}

const LEDGER_CHUNK = 1_000;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Payments and refunds behind the provider port. The ticket module asks here which payment methods
 * it may take, starts online payments, and requests refunds inside its own transactions; provider
 * events (Stripe webhooks) come in here and reach the order through the registered settlement handler.
 */
@Injectable()
export class PaymentService {
  private readonly logger = new Logger('PaymentService');
  private handler?: PaymentSettlementHandler;

  constructor(
    private readonly database: DatabaseService,
    private readonly repository: PaymentRepository,
    private readonly ledger: LedgerService,
    private readonly providers: PaymentProviders,
    private readonly refunds: RefundWorker,
    private readonly audit: AuditService,
    private readonly mismatches: PaymentMismatchService,
  ) {}

  registerSettlementHandler(handler: PaymentSettlementHandler): void {
    this.handler = handler;
  }

  /** The provider for a sale of `method` on `channel`, or a 400 naming paymentMethod. */
  providerForSale(method: string, channel: string): PaymentProvider {
    return this.providers.forSale(method, channel);
  }

  enabledMethods(): string[] {
    return this.providers.names();
  }

  /**
   * Starts the provider payment of an order awaiting it, once: a retry finds the stored payment (or
   * the provider's idempotency key returns the same intent) and never creates a second one.
   */
  async start(method: string, request: PaymentRequest, origin: Origin): Promise<StartedPayment> {
    const existing = await this.repository.payment(request.orderId);
    if (existing) return { intentId: existing.intent_id, clientSecret: existing.client_secret };
    const provider = this.providers.get(method);
    if (!provider.start) throw new Error(`payment provider ${method} settles at sale`);
    let started: StartedPayment;
    try {
      started = await provider.start(request);
    } catch (error) {
      throw unavailable(method, error);
    }
    const now = new Date();
    await this.database.transaction(async (trx) => {
      const inserted = await this.repository.insertPayment(trx, {
        order_id: request.orderId,
        raffle_id: request.raffleId,
        provider: method,
        intent_id: started.intentId,
        client_secret: started.clientSecret,
        status: 'REQUIRES_PAYMENT',
        amount_minor: request.amountMinor,
        currency: request.currency,
        failures: 0,
        last_failure: null,
        created_at: now,
        updated_at: now,
      });
      if (inserted) {
        await this.ledger.append(trx, {
          type: 'PAYMENT_STARTED',
          subject: raffleSubject(request.raffleId),
          payload: {
            orderId: request.orderId,
            raffleId: request.raffleId,
            provider: method,
            intentId: started.intentId,
            amountMinor: request.amountMinor,
            currency: request.currency,
            ...originFields(origin),
          },
        });
      }
    });
    return started;
  }

  async paymentOf(orderId: string): Promise<PaymentView | undefined> {
    const row = await this.repository.payment(orderId);
    return row ? toPaymentView(row) : undefined;
  }

  /** Best effort: tells the provider an abandoned payment will not be taken (a late one is refunded). */
  async cancelAtProvider(orderId: string): Promise<void> {
    const row = await this.repository.payment(orderId);
    if (!row || row.status !== 'REQUIRES_PAYMENT') return;
    try {
      await this.providers.get(row.provider).cancel?.(row.intent_id);
    } catch (error) {
      this.logger.warn({ err: error, orderId }, 'could not cancel the payment at the provider');
    }
  }

  /**
   * Requests refunds inside the caller's transaction (a void, a cancellation, a payment that came
   * too late): one per order, journaled with the change that caused it. The worker pays them out
   * after the commit.
   */
  async requestRefunds(trx: Tx, orders: RefundOrder[], origin: Origin, now = new Date()): Promise<number> {
    if (orders.length === 0) return 0;
    const rows = orders.map((order) => ({
      id: randomUUID(),
      order_id: order.orderId,
      raffle_id: order.raffleId,
      provider: order.provider,
      payment_ref: order.paymentRef,
      amount_minor: order.amountMinor,
      currency: order.currency,
      reason: order.reason,
      status: 'REQUESTED' as const,
      provider_refund_id: null,
      attempts: 0,
      next_attempt_at: now,
      claimed_at: null,
      last_error: null,
      requested_at: now,
      completed_at: null,
    }));
    const inserted = await this.repository.insertRefunds(trx, rows);
    const drafts: LedgerDraft[] = rows
      .filter((row) => inserted.has(row.id))
      .map((row) => ({
        type: 'REFUND_REQUESTED',
        subject: raffleSubject(row.raffle_id),
        payload: {
          refundId: row.id,
          orderId: row.order_id,
          raffleId: row.raffle_id,
          provider: row.provider,
          amountMinor: row.amount_minor,
          currency: row.currency,
          reason: row.reason,
          ...originFields(origin),
        },
      }));
    for (let i = 0; i < drafts.length; i += LEDGER_CHUNK) {
      await this.ledger.append(trx, ...drafts.slice(i, i + LEDGER_CHUNK));
    }
    return inserted.size;
  }

  /** Starts the refund worker now instead of at its next poll (call after the commit). */
  kickRefunds(): void {
    this.refunds.kick();
  }

  async refundsOf(orderIds: string[]): Promise<RefundRow[]> {
    return this.repository.refundsOfOrders(orderIds);
  }

  async refundTotals(raffleId: string) {
    return this.repository.refundTotals(raffleId);
  }

  /**
   * A Stripe webhook: verified against the raw body, handled once per event id, in any order.
   * What an event means is read from its object; an order that can no longer take a payment has
   * it refunded.
   */
  async handleStripeWebhook(
    rawBody: Buffer | undefined,
    signature: string | undefined,
    request: Origin,
  ): Promise<WebhookResult> {
    const stripe = this.providers.stripe;
    if (!stripe) throw new DomainException(404, 'NOT_FOUND', 'Stripe is not enabled on this service');
    if (!rawBody || !signature) {
      throw new DomainException(
        400,
        'WEBHOOK_SIGNATURE_INVALID',
        'a Stripe-Signature header and a body are required',
      );
    }
    let event: ReturnType<typeof stripe.verifyWebhook>;
    try {
      event = stripe.verifyWebhook(rawBody, signature);
    } catch (error) {
      this.logger.warn({ event: 'webhook_signature_invalid', err: error }, 'refused a Stripe webhook');
      throw new DomainException(
        400,
        'WEBHOOK_SIGNATURE_INVALID',
        'the Stripe-Signature does not match the body',
      );
    }
    if (await this.repository.eventSeen(event.id))
      return { received: true, duplicate: true, outcome: 'duplicate' };
    // The signature makes Stripe the actor; the address is whatever delivered it.
    const origin: Origin = { ...request, actor: STRIPE };
    const meaning = interpretStripeEvent(event);
    // The event is recorded in the transaction of its effects; when another delivery of it recorded
    // first (Stripe may deliver twice at once), the effects roll back with the refused record.
    let delivered = true;
    const record = async (trx: Tx, outcome: string): Promise<boolean> => {
      const first = await this.repository.recordEvent(trx, {
        event_id: event.id,
        provider: 'stripe',
        type: event.type,
        object_id: objectId(event.data.object),
        event_created_at: new Date(event.created * 1000),
        received_at: new Date(),
        outcome,
      });
      if (!first) {
        delivered = false;
        // A payment success goes through the sales batch, where its repeat is harmless (already paid)
        // and must not fail the batch's other orders; every other event undoes its effects.
        if (meaning.kind !== 'payment-succeeded') throw new DuplicateDelivery();
      }
      return first;
    };
    try {
      const outcome = await this.apply(meaning, event.id, origin, record);
      return delivered
        ? { received: true, duplicate: false, outcome }
        : { received: true, duplicate: true, outcome: 'duplicate' };
    } catch (error) {
      if (error instanceof DuplicateDelivery)
        return { received: true, duplicate: true, outcome: 'duplicate' };
      throw error;
    }
  }

  private async apply(
    meaning: ProviderEvent,
    eventId: string,
    origin: Origin,
    record: EventRecorder,
  ): Promise<string> {
    switch (meaning.kind) {
      case 'payment-succeeded':
        return this.succeeded(meaning, eventId, origin, record);
      case 'payment-failed':
        return this.failed(meaning, eventId, origin, record);
      case 'payment-canceled':
        return this.canceled(meaning, eventId, origin, record);
      case 'refund-updated':
        return this.refundUpdated(meaning, origin, record);
      case 'ignored':
        await this.database.transaction((trx) => record(trx, 'ignored'));
        return 'ignored';
    }
  }

  /**
   * A payment succeeded: matched to its order by the PaymentIntent this service created for it (its
   * id stored then), never by the intent's metadata, which anyone with access to the Stripe account
   * can set on any intent. An intent that is not one of ours issues nothing and is a significant
   * event; one whose amount or currency is not the order's cancels the order and is refunded.
   */
  private async succeeded(
    meaning: Extract<ProviderEvent, { kind: 'payment-succeeded' }>,
    eventId: string,
    origin: Origin,
    record: EventRecorder,
  ): Promise<string> {
    const payment = await this.repository.paymentByIntent(meaning.intentId);
    let mismatched = false;
    if (!payment || !this.handler) {
      await this.database.transaction(async (trx) => {
        // Only an intent claiming one of our orders is suspect; others belong to other uses of the account.
        if ((await record(trx, 'unknown-intent')) && meaning.orderId !== null) {
          await this.audit.record(
            unknownIntentEvent(meaning, eventId, 'payment_intent.succeeded', origin),
            trx,
          );
          // Listed for an operator to refund or review (GET /v1/payments/mismatches).
          await this.mismatches.recordUnknownIntent(
            trx,
            {
              provider: 'stripe',
              intentId: meaning.intentId,
              eventId,
              claimedOrderId: meaning.orderId,
              amountMinor: meaning.amountMinor,
              currency: meaning.currency,
            },
            new Date(),
          );
          mismatched = true;
        }
      });
      // Money arrived that no order took: someone must look at it in Stripe (a log metric can alarm).
      if (mismatched) this.logMismatch('UNKNOWN_PAYMENT_INTENT', meaning, eventId, meaning.orderId);
      return 'unknown-intent';
    }
    const orderId = payment.order_id;
    const result = await this.handler.paymentSucceeded(
      {
        orderId,
        provider: 'stripe',
        paymentRef: meaning.intentId,
        amountMinor: meaning.amountMinor,
        currency: meaning.currency,
        eventId,
        origin,
      },
      async (trx, settled: SettlementResult, raffleId, reason) => {
        const first = await record(trx, settled.toLowerCase());
        if (settled === 'UNKNOWN_ORDER') return;
        await this.repository.setPaymentStatus(trx, orderId, 'SUCCEEDED', new Date());
        if (settled === 'REFUND' && raffleId) {
          const mismatch = reason === 'AMOUNT_MISMATCH';
          await this.requestRefunds(
            trx,
            [
              {
                orderId,
                raffleId,
                provider: 'stripe',
                paymentRef: meaning.intentId,
                amountMinor: meaning.amountMinor,
                currency: meaning.currency,
                reason: mismatch ? 'PAYMENT_AMOUNT_MISMATCH' : 'PAID_AFTER_ORDER_CLOSED',
              },
            ],
            origin,
          );
          if (mismatch && first) {
            await this.audit.record(amountMismatchEvent(meaning, eventId, payment, raffleId, origin), trx);
            mismatched = true;
          }
        }
      },
    );
    if (result === 'REFUND') this.kickRefunds();
    if (mismatched) this.logMismatch('AMOUNT_MISMATCH', meaning, eventId, orderId);
    return result.toLowerCase();
  }

  private logMismatch(
    kind: string,
    meaning: Extract<ProviderEvent, { kind: 'payment-succeeded' }>,
    eventId: string,
    orderId: string | null,
  ): void {
    this.logger.warn(
      {
        event: 'payment_mismatch',
        kind,
        eventId,
        intentId: meaning.intentId,
        orderId,
        amountMinor: meaning.amountMinor,
        currency: meaning.currency,
      },
      'a Stripe payment is not the one taken for its order: journaled PAYMENT_MISMATCH',
    );
  }

  private async failed(
    meaning: Extract<ProviderEvent, { kind: 'payment-failed' }>,
    eventId: string,
    origin: Origin,
    record: EventRecorder,
  ): Promise<string> {
    return this.database.transaction(async (trx) => {
      const payment = await this.repository.paymentForUpdateByIntent(trx, meaning.intentId);
      // A failure reported after the payment succeeded (or was canceled) is stale: the buyer retried.
      if (!payment || payment.status !== 'REQUIRES_PAYMENT') {
        await record(trx, payment ? 'stale' : 'unknown-intent');
        return payment ? 'stale' : 'unknown-intent';
      }
      await record(trx, 'payment-failed');
      await this.repository.setPaymentStatus(
        trx,
        payment.order_id,
        'REQUIRES_PAYMENT',
        new Date(),
        meaning.failure,
      );
      await this.ledger.append(trx, {
        type: 'PAYMENT_FAILED',
        subject: raffleSubject(payment.raffle_id),
        payload: {
          orderId: payment.order_id,
          intentId: meaning.intentId,
          failure: meaning.failure,
          eventId,
          ...originFields(origin),
        },
      });
      return 'payment-failed';
    });
  }

  private async canceled(
    meaning: Extract<ProviderEvent, { kind: 'payment-canceled' }>,
    eventId: string,
    origin: Origin,
    record: EventRecorder,
  ): Promise<string> {
    // Only the intent created for the order releases its hold: a foreign intent naming the order
    // in its metadata must not cancel a buyer's pending purchase.
    const payment = await this.repository.paymentByIntent(meaning.intentId);
    if (!payment || !this.handler) {
      await this.database.transaction(async (trx) => {
        if ((await record(trx, 'unknown-intent')) && meaning.orderId !== null) {
          await this.audit.record(
            unknownIntentEvent(meaning, eventId, 'payment_intent.canceled', origin),
            trx,
          );
        }
      });
      return 'unknown-intent';
    }
    const orderId = payment.order_id;
    await this.handler.paymentCanceled(orderId, 'PAYMENT_CANCELED', origin, async (trx) => {
      await record(trx, 'payment-canceled');
      const payment = await this.repository.paymentForUpdate(trx, orderId);
      if (payment?.status === 'REQUIRES_PAYMENT') {
        await this.repository.setPaymentStatus(trx, orderId, 'CANCELED', new Date());
      }
    });
    return 'payment-canceled';
  }

  private async refundUpdated(
    meaning: Extract<ProviderEvent, { kind: 'refund-updated' }>,
    origin: Origin,
    record: EventRecorder,
  ): Promise<string> {
    return this.database.transaction(async (trx) => {
      const refund =
        // The metadata is whatever the refund's creator wrote (the dashboard too): only a UUID can be our id.
        (meaning.refundId && UUID.test(meaning.refundId)
          ? await this.repository.refundForUpdate(trx, { id: meaning.refundId })
          : undefined) ??
        (await this.repository.refundForUpdate(trx, { providerRefundId: meaning.providerRefundId }));
      if (!refund) {
        // Not an order's refund: perhaps the refund of a payment mismatch.
        const outcome = (await this.mismatches.refundEvent(trx, meaning, origin)) ?? 'unknown-refund';
        await record(trx, outcome);
        return outcome;
      }
      const outcome =
        meaning.status === 'succeeded'
          ? await this.refunds.complete(trx, refund, meaning.providerRefundId, origin)
          : meaning.status === 'failed' || meaning.status === 'canceled'
            ? await this.refunds.fail(
                trx,
                refund,
                meaning.providerRefundId,
                meaning.failure ?? meaning.status,
                origin,
              )
            : 'refund-pending';
      await record(trx, outcome);
      return outcome;
    });
  }
}

/** The actor of what a verified Stripe webhook causes. */
const STRIPE = { type: 'provider', name: 'stripe' } as const;

/** Another delivery of the same event was recorded first. */
class DuplicateDelivery extends Error {}

/**
 * Records a handled webhook event in the transaction of its effects; false when another delivery of
 * it was recorded first (only a payment success, which settles through the sales batch, gets false:
 * every other kind is rolled back as a duplicate).
 */
type EventRecorder = (trx: Tx, outcome: string) => Promise<boolean>;

export const PAYMENT_MISMATCH = 'PAYMENT_MISMATCH';

/** A Stripe PaymentIntent this service did not create for any order: nothing is issued or refunded. */
function unknownIntentEvent(
  meaning: Extract<ProviderEvent, { kind: 'payment-succeeded' | 'payment-canceled' }>,
  eventId: string,
  eventType: string,
  origin: Origin,
): SignificantEvent {
  return {
    type: PAYMENT_MISMATCH,
    subject: subjectFor('payment-intent', meaning.intentId),
    ...origin,
    outcome: 'failure',
    component: 'payments',
    details: {
      kind: 'UNKNOWN_PAYMENT_INTENT',
      provider: 'stripe',
      eventId,
      eventType,
      intentId: meaning.intentId,
      // What the intent claims, unverified: the intent id is not the one stored for any order.
      metadataOrderId: meaning.orderId,
      received:
        meaning.kind === 'payment-succeeded'
          ? { amountMinor: meaning.amountMinor, currency: meaning.currency }
          : null,
      consequence:
        meaning.kind === 'payment-succeeded'
          ? 'no tickets issued and no automatic refund: the payment is not one Fairdraw took for an order; an operator refunds it or marks it reviewed (GET /v1/payments/mismatches)'
          : 'no order changed',
    },
  };
}

/** The order's own PaymentIntent paid another amount or currency: the order is cancelled and refunded. */
function amountMismatchEvent(
  meaning: Extract<ProviderEvent, { kind: 'payment-succeeded' }>,
  eventId: string,
  payment: PaymentRow,
  raffleId: string,
  origin: Origin,
): SignificantEvent {
  return {
    type: PAYMENT_MISMATCH,
    subject: raffleSubject(raffleId),
    ...origin,
    outcome: 'failure',
    component: 'payments',
    details: {
      kind: 'AMOUNT_MISMATCH',
      provider: 'stripe',
      eventId,
      eventType: 'payment_intent.succeeded',
      intentId: meaning.intentId,
      orderId: payment.order_id,
      raffleId,
      expected: { amountMinor: payment.amount_minor, currency: payment.currency },
      received: { amountMinor: meaning.amountMinor, currency: meaning.currency },
      consequence: 'no tickets issued; order cancelled and the amount received refunded',
    },
  };
}

function unavailable(method: string, error: unknown): DomainException {
  const retryable = error instanceof PaymentProviderError ? error.retryable : true;
  return new DomainException(
    retryable ? 503 : 502,
    'PAYMENT_PROVIDER_UNAVAILABLE',
    `the ${method} payment could not be started${retryable ? '; retry with the same Idempotency-Key' : ''}`,
  );
}

function objectId(object: unknown): string | null {
  const id = (object as { id?: unknown } | null)?.id;
  return typeof id === 'string' ? id : null;
}

function toPaymentView(row: PaymentRow): PaymentView {
  return {
    provider: row.provider,
    intentId: row.intent_id,
    clientSecret: row.client_secret,
    status: row.status,
  };
}
