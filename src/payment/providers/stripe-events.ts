/**
 * What a Stripe webhook event means to Fairdraw, read from the event's own object (never from the
 * order in which events arrive: Stripe delivers at least once, in any order).
 */
export type ProviderEvent =
  | {
      kind: 'payment-succeeded';
      intentId: string;
      orderId: string | null;
      amountMinor: number;
      currency: string;
    }
  | { kind: 'payment-failed'; intentId: string; orderId: string | null; failure: string }
  | { kind: 'payment-canceled'; intentId: string; orderId: string | null }
  | {
      kind: 'refund-updated';
      providerRefundId: string;
      refundId: string | null;
      status: 'succeeded' | 'failed' | 'pending' | 'canceled' | 'other';
      failure: string | null;
    }
  | { kind: 'ignored' };

export interface StripeEventLike {
  id: string;
  type: string;
  created: number;
  data: { object: unknown };
}

interface StripeObject {
  id?: unknown;
  object?: unknown;
  metadata?: Record<string, unknown> | null;
  amount?: unknown;
  amount_received?: unknown;
  currency?: unknown;
  status?: unknown;
  failure_reason?: unknown;
  last_payment_error?: { code?: unknown; message?: unknown; decline_code?: unknown } | null;
}

export function interpretStripeEvent(event: StripeEventLike): ProviderEvent {
  const object = (event.data?.object ?? {}) as StripeObject;
  const id = typeof object.id === 'string' ? object.id : undefined;
  const orderId = typeof object.metadata?.orderId === 'string' ? object.metadata.orderId : null;
  if (id === undefined) return { kind: 'ignored' };
  switch (event.type) {
    case 'payment_intent.succeeded':
      return {
        kind: 'payment-succeeded',
        intentId: id,
        orderId,
        amountMinor: integer(object.amount_received ?? object.amount),
        currency: String(object.currency ?? '').toUpperCase(),
      };
    case 'payment_intent.payment_failed': {
      const error = object.last_payment_error;
      const failure = [error?.code, error?.decline_code, error?.message]
        .filter((v) => typeof v === 'string')
        .join(': ');
      return { kind: 'payment-failed', intentId: id, orderId, failure: failure || 'payment failed' };
    }
    case 'payment_intent.canceled':
      return { kind: 'payment-canceled', intentId: id, orderId };
    case 'refund.created':
    case 'refund.updated':
    case 'refund.failed': {
      const status = String(object.status);
      return {
        kind: 'refund-updated',
        providerRefundId: id,
        refundId: typeof object.metadata?.refundId === 'string' ? object.metadata.refundId : null,
        status:
          (['succeeded', 'failed', 'pending', 'canceled'] as const).find((s) => s === status) ?? 'other',
        failure: typeof object.failure_reason === 'string' ? object.failure_reason : null,
      };
    }
    default:
      return { kind: 'ignored' };
  }
}

function integer(value: unknown): number {
  return typeof value === 'number' && Number.isSafeInteger(value) ? value : -1;
}
