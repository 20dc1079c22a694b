import type { ColumnType } from 'kysely';

export type PaymentStatus = 'REQUIRES_PAYMENT' | 'SUCCEEDED' | 'CANCELED';
export type RefundStatus = 'REQUESTED' | 'PROCESSING' | 'PENDING_PROVIDER' | 'SUCCEEDED' | 'FAILED';

/** A payment taken through a provider that confirms later (a Stripe PaymentIntent), one per order. */
export interface PaymentTable {
  order_id: string;
  raffle_id: string;
  provider: string;
  intent_id: string;
  client_secret: string | null;
  status: PaymentStatus;
  amount_minor: number;
  currency: string;
  failures: number;
  last_failure: string | null;
  created_at: ColumnType<Date, Date, never>;
  updated_at: Date;
}

/** A refund, also the refund worker's queue (FOR UPDATE SKIP LOCKED); at most one per order. */
export interface PaymentRefundTable {
  id: string;
  order_id: string;
  raffle_id: string;
  provider: string;
  payment_ref: string | null;
  amount_minor: number;
  currency: string;
  reason: string;
  status: RefundStatus;
  provider_refund_id: string | null;
  attempts: number;
  next_attempt_at: Date;
  claimed_at: Date | null;
  last_error: string | null;
  requested_at: ColumnType<Date, Date, never>;
  completed_at: Date | null;
}

/** Provider events already handled (webhooks are delivered at least once, in any order). */
export interface PaymentWebhookEventTable {
  event_id: string;
  provider: string;
  type: string;
  object_id: string | null;
  event_created_at: Date | null;
  received_at: Date;
  outcome: string;
}

export const MISMATCH_STATUSES = [
  'OPEN',
  'REFUNDING',
  'REFUND_PENDING',
  'REFUNDED',
  'REFUND_FAILED',
  'REVIEWED',
] as const;
export type MismatchStatus = (typeof MISMATCH_STATUSES)[number];
/** Still needs an operator (or a refund outcome from the provider). */
export const UNRESOLVED_MISMATCH: readonly MismatchStatus[] = [
  'OPEN',
  'REFUNDING',
  'REFUND_PENDING',
  'REFUND_FAILED',
];

/**
 * A provider payment that names one of our orders but is not the payment taken for it (a Stripe
 * PaymentIntent this service did not create): money received that no order took, for an operator
 * to refund through the provider or to mark reviewed.
 */
export interface PaymentMismatchTable {
  id: string;
  provider: string;
  intent_id: string;
  kind: string;
  event_id: string;
  /** The order the payment's metadata names (unverified: anyone with access to the account can set it). */
  claimed_order_id: string | null;
  /** The raffle of the claimed order when it is one of ours with a provider payment, else null. */
  raffle_id: string | null;
  amount_minor: number;
  currency: string;
  status: MismatchStatus;
  detected_at: ColumnType<Date, Date, never>;
  provider_refund_id: string | null;
  last_error: string | null;
  claimed_at: Date | null;
  resolved_at: Date | null;
  resolved_by: string | null;
  resolution_reason: string | null;
}

declare module '../database/schema.js' {
  interface Database {
    payment: PaymentTable;
    payment_refund: PaymentRefundTable;
    payment_webhook_event: PaymentWebhookEventTable;
    payment_mismatch: PaymentMismatchTable;
  }
}
