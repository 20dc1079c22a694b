import Stripe from 'stripe';
import {
  PaymentProviderError,
  type PaymentProvider,
  type PaymentRequest,
  type RefundRequest,
  type RefundResult,
  type StartedPayment,
} from '../payment-provider.js';

export interface StripeSettings {
  secretKey: string;
  webhookSecret: string;
  /** A local stand-in of the API (tests only); the real API otherwise. */
  apiUrl?: string;
  appVersion: string;
}

/**
 * Stripe through its official SDK: PaymentIntents for online orders (the buyer's browser confirms
 * with the client secret; the outcome arrives by webhook), refunds, and webhook verification.
 * Every call carries an idempotency key derived from our own id, so a retry never pays or
 * refunds twice.
 */
export class StripeProvider implements PaymentProvider {
  readonly name = 'stripe' as const;
  readonly settlesAtSale = false;
  readonly channels = ['ONLINE'] as const;
  private readonly stripe: Stripe;

  constructor(private readonly settings: StripeSettings) {
    const url = settings.apiUrl ? new URL(settings.apiUrl) : undefined;
    this.stripe = new Stripe(settings.secretKey, {
      maxNetworkRetries: 2,
      timeout: 10_000,
      appInfo: { name: 'fairdraw', version: settings.appVersion },
      ...(url
        ? { host: url.hostname, port: url.port, protocol: url.protocol === 'http:' ? 'http' : 'https' }
        : {}),
    });
  }

  async start(request: PaymentRequest): Promise<StartedPayment> {
    const intent = await this.call(() =>
      this.stripe.paymentIntents.create(
        {
          amount: request.amountMinor,
          currency: request.currency.toLowerCase(),
          description: request.description,
          metadata: { orderId: request.orderId, raffleId: request.raffleId },
          automatic_payment_methods: { enabled: true },
        },
        { idempotencyKey: `fairdraw-order-${request.orderId}` },
      ),
    );
    return { intentId: intent.id, clientSecret: intent.client_secret };
  }

  async cancel(intentId: string): Promise<void> {
    try {
      await this.stripe.paymentIntents.cancel(
        intentId,
        { cancellation_reason: 'abandoned' },
        { idempotencyKey: `fairdraw-cancel-${intentId}` },
      );
    } catch (error) {
      // Already canceled or already paid: nothing to cancel (a late payment is refunded instead).
      if (error instanceof Stripe.errors.StripeInvalidRequestError) return;
      throw this.wrap(error);
    }
  }

  async refund(request: RefundRequest): Promise<RefundResult> {
    if (!request.paymentRef) {
      return {
        status: 'FAILED',
        providerRefundId: null,
        failure: 'no PaymentIntent to refund',
        retryable: false,
      };
    }
    let refund: Stripe.Refund;
    try {
      refund = await this.stripe.refunds.create(
        {
          payment_intent: request.paymentRef,
          amount: request.amountMinor,
          reason: 'requested_by_customer',
          metadata: {
            refundId: request.refundId,
            ...(request.orderId !== null ? { orderId: request.orderId } : { reason: request.reason }),
          },
        },
        { idempotencyKey: `fairdraw-refund-${request.refundId}` },
      );
    } catch (error) {
      const wrapped = this.wrap(error);
      return {
        status: 'FAILED',
        providerRefundId: null,
        failure: wrapped.message,
        retryable: wrapped.retryable,
      };
    }
    switch (refund.status) {
      case 'succeeded':
        return { status: 'SUCCEEDED', providerRefundId: refund.id };
      case 'failed':
      case 'canceled':
        return {
          status: 'FAILED',
          providerRefundId: refund.id,
          failure: refund.failure_reason ?? refund.status,
          retryable: false,
        };
      default:
        return { status: 'PENDING', providerRefundId: refund.id };
    }
  }

  /** Verifies a webhook's signature against the raw body; throws when it does not match. */
  verifyWebhook(rawBody: Buffer, signature: string): Stripe.Event {
    return this.stripe.webhooks.constructEvent(rawBody, signature, this.settings.webhookSecret);
  }

  private async call<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.wrap(error);
    }
  }

  private wrap(error: unknown): PaymentProviderError {
    if (error instanceof PaymentProviderError) return error;
    const retryable =
      error instanceof Stripe.errors.StripeConnectionError ||
      error instanceof Stripe.errors.StripeAPIError ||
      error instanceof Stripe.errors.StripeRateLimitError ||
      error instanceof Stripe.errors.StripeIdempotencyError;
    const message = error instanceof Error ? error.message : String(error);
    return new PaymentProviderError('stripe', `Stripe: ${message}`, retryable, { cause: error });
  }
}
