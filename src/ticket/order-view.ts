import type { PaymentView } from '../payment/payment.service.js';
import type { FrozenRaffle } from '../raffle/raffle.service.js';
import { buildReceipt, type JournalReference, type Receipt } from './receipt.js';
import type { ReprintSummary } from './reprint.repository.js';
import type { OrderRow } from './sales.repository.js';

export interface OrderView {
  orderId: string;
  raffleId: string;
  status: string;
  channel: string;
  packageId: string;
  tickets: number;
  totalMinor: number;
  currency: string;
  createdAt: string;
  holdUntil: string | null;
  payment: { method: string; status: string; intentId: string | null; clientSecret: string | null };
  receipt: Receipt | null;
  /** How many times the receipt was printed again (TKT-6), and when last. */
  reprints: number;
  lastReprintAt: string | null;
  closedAt: string | null;
  closeReason: string | null;
  refund: {
    status: string;
    amountMinor: number;
    reason: string;
    requestedAt: string;
    completedAt: string | null;
  } | null;
}

export interface RefundSummary {
  status: string;
  amount_minor: number;
  reason: string;
  requested_at: Date;
  completed_at: Date | null;
}

/** A new order, or one without tickets: nothing was reprinted. */
const NO_REPRINTS: ReprintSummary = { count: 0, lastAt: null };

export function toOrderView(
  order: OrderRow,
  raffle: FrozenRaffle,
  journal: JournalReference | null,
  payment?: PaymentView,
  refund?: RefundSummary,
  reprints: ReprintSummary = NO_REPRINTS,
): OrderView {
  const paid = order.status === 'PAID' || order.status === 'VOIDED';
  return {
    orderId: order.id,
    raffleId: order.raffle_id,
    status: order.status,
    channel: order.channel,
    packageId: order.package_id,
    tickets: order.ticket_count,
    totalMinor: order.price_minor,
    currency: order.currency,
    createdAt: order.created_at.toISOString(),
    holdUntil: order.expires_at?.toISOString() ?? null,
    payment: {
      method: order.payment_provider,
      status: paid
        ? 'PAID'
        : (payment?.status ?? (order.status === 'CANCELLED' ? 'CANCELED' : 'NOT_STARTED')),
      intentId: payment?.intentId ?? order.payment_ref,
      clientSecret: order.status === 'PENDING_PAYMENT' ? (payment?.clientSecret ?? null) : null,
    },
    receipt:
      order.first_number !== null && order.last_number !== null && order.verification_code && order.sold_at
        ? buildReceipt(
            {
              id: order.id,
              status: order.status,
              channel: order.channel,
              sellerId: order.seller_id,
              deviceId: order.device_id,
              packageId: order.package_id,
              ticketCount: order.ticket_count,
              priceMinor: order.price_minor,
              currency: order.currency,
              firstNumber: order.first_number,
              lastNumber: order.last_number,
              verificationCode: order.verification_code,
              soldAt: order.sold_at,
            },
            raffle,
            journal,
          )
        : null,
    reprints: reprints.count,
    lastReprintAt: reprints.lastAt?.toISOString() ?? null,
    closedAt: order.closed_at?.toISOString() ?? null,
    closeReason: order.close_reason,
    refund: refund
      ? {
          status: refund.status,
          amountMinor: refund.amount_minor,
          reason: refund.reason,
          requestedAt: refund.requested_at.toISOString(),
          completedAt: refund.completed_at?.toISOString() ?? null,
        }
      : null,
  };
}
