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

declare module '../database/schema.js' {
  interface Database {
    payment: PaymentTable;
    payment_refund: PaymentRefundTable;
    payment_webhook_event: PaymentWebhookEventTable;
  }
}
