import type { Origin } from '../audit/significant-event.js';
import type { Tx } from '../database/database.service.js';
import type { PaymentProviderName } from './payment-provider.js';

/** A payment the provider confirmed (for Stripe: payment_intent.succeeded). */
export interface PaymentSettlement {
  orderId: string;
  provider: PaymentProviderName;
  paymentRef: string;
  amountMinor: number;
  currency: string;
  eventId: string;
  /** The provider's callback that reported it (provider actor, its address and request id). */
  origin: Origin;
}

/**
 * ISSUED: tickets issued now; ALREADY_PAID: a repeat; REFUND: the order can no longer take the
 * payment (expired, cancelled, sales closed, wrong amount), so it is refunded; UNKNOWN_ORDER: not ours.
 */
export type SettlementResult = 'ISSUED' | 'ALREADY_PAID' | 'REFUND' | 'UNKNOWN_ORDER';

/**
 * Writes the payment module makes inside the transaction that settles the order; `reason` says
 * why a REFUND (e.g. AMOUNT_MISMATCH, ORDER_CLOSED_BEFORE_PAYMENT), else null.
 */
export type SettlementRecorder = (
  trx: Tx,
  result: SettlementResult,
  raffleId: string | null,
  reason: string | null,
) => Promise<void>;

/**
 * Implemented by the ticket module and registered with PaymentService, so that a provider event
 * changes the order in the same transaction as the payment records, without the payment module
 * depending on tickets.
 */
export interface PaymentSettlementHandler {
  paymentSucceeded(settlement: PaymentSettlement, record: SettlementRecorder): Promise<SettlementResult>;
  /** The provider will never take this payment: release the order's hold if it still waits. */
  paymentCanceled(
    orderId: string,
    reason: string,
    origin: Origin,
    record: (trx: Tx) => Promise<void>,
  ): Promise<void>;
}

/** A refund the ticket module asks for, inside the transaction that voids or cancels the order. */
export interface RefundOrder {
  orderId: string;
  raffleId: string;
  provider: string;
  paymentRef: string | null;
  amountMinor: number;
  currency: string;
  reason: string;
}
