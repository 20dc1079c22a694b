/**
 * The payment provider port. Online sales go through a provider that confirms payment later
 * (Stripe PaymentIntents and their webhooks); cash and the development test provider settle in
 * the sale's own transaction. Every provider refunds.
 */
export const PAYMENT_PROVIDERS = ['stripe', 'cash', 'test'] as const;
export type PaymentProviderName = (typeof PAYMENT_PROVIDERS)[number];

export interface PaymentRequest {
  orderId: string;
  raffleId: string;
  amountMinor: number;
  currency: string;
  description: string;
}

export interface StartedPayment {
  intentId: string;
  clientSecret: string | null;
}

export interface RefundRequest {
  /** Our id of the refund (or of the payment mismatch refunded): the provider's idempotency key. */
  refundId: string;
  /** The order refunded; null for a payment no order took (a payment mismatch). */
  orderId: string | null;
  paymentRef: string | null;
  amountMinor: number;
  currency: string;
  reason: string;
}

export type RefundResult =
  | { status: 'SUCCEEDED'; providerRefundId: string | null }
  /** Accepted; the outcome arrives later (Stripe: a refund.updated webhook). */
  | { status: 'PENDING'; providerRefundId: string }
  | { status: 'FAILED'; providerRefundId: string | null; failure: string; retryable: boolean };

export interface PaymentProvider {
  readonly name: PaymentProviderName;
  /** Paid in the same transaction as the sale (cash in hand, the test provider). */
  readonly settlesAtSale: boolean;
  /** The sales channels this provider takes money on. */
  readonly channels: readonly string[];
  start?(request: PaymentRequest): Promise<StartedPayment>;
  cancel?(intentId: string): Promise<void>;
  refund(request: RefundRequest): Promise<RefundResult>;
}

/** A provider failed or could not be reached; the caller may retry with the same idempotency key. */
export class PaymentProviderError extends Error {
  constructor(
    readonly provider: PaymentProviderName,
    message: string,
    readonly retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'PaymentProviderError';
  }
}

/** Parses PAYMENT_PROVIDERS (comma-separated, validated by the config class). */
export function parseProviderList(value: string): PaymentProviderName[] {
  return [...new Set(value.split(',').map((name) => name.trim()))] as PaymentProviderName[];
}
