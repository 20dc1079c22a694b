import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';

/**
 * A local stand-in for the few Stripe API endpoints the adapter calls (create, retrieve and cancel
 * a PaymentIntent; create a refund), answering with Stripe's JSON shapes and honouring
 * Idempotency-Key as Stripe does. Only the outbound calls are faked: webhooks are signed with the
 * real SDK's test helper and verified by the real SDK.
 */
export interface FakeStripe {
  url: string;
  secretKey: string;
  webhookSecret: string;
  intents: Map<string, PaymentIntentJson>;
  refunds: Map<string, RefundJson>;
  calls: Array<{ method: string; path: string; idempotencyKey?: string }>;
  /** The next N API calls fail with a 500 api_error. */
  failNext(count: number): void;
  /**
   * Faults to inject, decided per API call (the drills' provider misbehaving): `error` answers
   * 500 without doing anything; `drop` closes the connection without doing anything; `drop-after`
   * does the work, then closes the connection unanswered (a timeout, seen from the caller);
   * `hang` does the work and never answers until the caller gives up; `slow` answers late.
   */
  inject?: (call: { method: string; path: string }) => StripeFault | undefined;
  /** What refunds.create answers with. */
  refundStatus: 'succeeded' | 'pending' | 'failed';
  /** Marks an intent paid (as the buyer's confirmation would) and returns its JSON. */
  succeed(intentId: string): PaymentIntentJson;
  fail(intentId: string, code?: string): PaymentIntentJson;
  /** A signed webhook for an object: body and Stripe-Signature header, as Stripe sends them. */
  webhook(
    type: string,
    object: object,
    eventId?: string,
  ): { payload: string; signature: string; eventId: string };
  stop(): Promise<void>;
}

export type StripeFault =
  | { kind: 'error' }
  | { kind: 'drop' }
  | { kind: 'drop-after' }
  | { kind: 'hang' }
  | { kind: 'slow'; ms: number };

export interface PaymentIntentJson {
  id: string;
  object: 'payment_intent';
  amount: number;
  amount_received: number;
  currency: string;
  status: string;
  client_secret: string;
  description: string | null;
  metadata: Record<string, string>;
  created: number;
  livemode: false;
  last_payment_error: null | { code: string; decline_code?: string; message: string; type: string };
  cancellation_reason: string | null;
}

export interface RefundJson {
  id: string;
  object: 'refund';
  amount: number;
  currency: string;
  payment_intent: string;
  status: string;
  reason: string | null;
  metadata: Record<string, string>;
  created: number;
  failure_reason?: string;
}

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('base64url').replace(/[-_]/g, 'x')}`;
const now = () => Math.floor(Date.now() / 1000);

/** Stripe's form encoding (`metadata[orderId]=...`) into an object. */
function parseForm(body: string): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const path = key.replace(/\]/g, '').split('[');
    let target = result as Record<string, unknown>;
    for (const part of path.slice(0, -1)) target = (target[part] ??= {}) as Record<string, unknown>;
    target[path[path.length - 1]] = value;
  }
  return result;
}

export async function startFakeStripe(): Promise<FakeStripe> {
  const intents = new Map<string, PaymentIntentJson>();
  const refunds = new Map<string, RefundJson>();
  const idempotent = new Map<string, { status: number; body: unknown }>();
  const calls: FakeStripe['calls'] = [];
  let failures = 0;
  const stripe = new Stripe('sk_test_fake');

  const error = (res: ServerResponse, status: number, type: string, message: string, code?: string) => {
    res.writeHead(status, { 'content-type': 'application/json', 'request-id': id('req') });
    res.end(JSON.stringify({ error: { type, message, ...(code ? { code } : {}) } }));
  };

  const handle = (req: IncomingMessage, body: Record<string, unknown>): { status: number; body: unknown } => {
    const path = (req.url ?? '').split('?')[0];
    let match: RegExpExecArray | null;
    if (req.method === 'POST' && path === '/v1/payment_intents') {
      const intentId = id('pi');
      const intent: PaymentIntentJson = {
        id: intentId,
        object: 'payment_intent',
        amount: Number(body.amount),
        amount_received: 0,
        currency: String(body.currency),
        status: 'requires_payment_method',
        client_secret: `${intentId}_secret_${randomBytes(8).toString('hex')}`,
        description: (body.description as string) ?? null,
        metadata: (body.metadata as Record<string, string>) ?? {},
        created: now(),
        livemode: false,
        last_payment_error: null,
        cancellation_reason: null,
      };
      intents.set(intentId, intent);
      return { status: 200, body: intent };
    }
    if (req.method === 'GET' && (match = /^\/v1\/payment_intents\/([^/]+)$/.exec(path))) {
      const intent = intents.get(match[1]);
      return intent ? { status: 200, body: intent } : { status: 404, body: null };
    }
    if (req.method === 'POST' && (match = /^\/v1\/payment_intents\/([^/]+)\/cancel$/.exec(path))) {
      const intent = intents.get(match[1]);
      if (!intent) return { status: 404, body: null };
      if (intent.status === 'succeeded' || intent.status === 'canceled') {
        return {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'payment_intent_unexpected_state',
              message: `You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
            },
          },
        };
      }
      intent.status = 'canceled';
      intent.cancellation_reason = (body.cancellation_reason as string) ?? null;
      return { status: 200, body: intent };
    }
    if (req.method === 'POST' && path === '/v1/refunds') {
      const intent = intents.get(String(body.payment_intent));
      if (!intent || intent.status !== 'succeeded') {
        return {
          status: 400,
          body: {
            error: {
              type: 'invalid_request_error',
              code: 'charge_not_refundable',
              message: 'This PaymentIntent has no successful charge to refund.',
            },
          },
        };
      }
      const refund: RefundJson = {
        id: id('re'),
        object: 'refund',
        amount: Number(body.amount ?? intent.amount),
        currency: intent.currency,
        payment_intent: intent.id,
        status: fake.refundStatus,
        reason: (body.reason as string) ?? null,
        metadata: (body.metadata as Record<string, string>) ?? {},
        created: now(),
        ...(fake.refundStatus === 'failed' ? { failure_reason: 'expired_or_canceled_card' } : {}),
      };
      refunds.set(refund.id, refund);
      return { status: 200, body: refund };
    }
    return {
      status: 404,
      body: {
        error: {
          type: 'invalid_request_error',
          message: `Unrecognized request URL (${req.method}: ${path})`,
        },
      },
    };
  };

  const server: Server = createServer((req, res) => {
    let raw = '';
    req.on('data', (chunk) => (raw += chunk));
    req.on('end', () => {
      const key = req.headers['idempotency-key'] as string | undefined;
      calls.push({ method: req.method ?? '', path: req.url ?? '', idempotencyKey: key });
      if (req.headers.authorization !== `Bearer ${fake.secretKey}`) {
        return error(res, 401, 'invalid_request_error', 'Invalid API Key provided');
      }
      if (failures > 0) {
        failures--;
        return error(res, 500, 'api_error', 'Something went wrong on Stripe’s end.');
      }
      const fault = fake.inject?.({ method: req.method ?? '', path: (req.url ?? '').split('?')[0] });
      if (fault?.kind === 'error')
        return error(res, 500, 'api_error', 'Something went wrong on Stripe’s end.');
      if (fault?.kind === 'drop') return req.socket.destroy();
      const cached = key ? idempotent.get(`${req.method} ${req.url} ${key}`) : undefined;
      const answer = cached ?? handle(req, parseForm(raw));
      if (key && !cached && answer.status < 500) idempotent.set(`${req.method} ${req.url} ${key}`, answer);
      if (fault?.kind === 'drop-after') return req.socket.destroy();
      // Held until the caller's own timeout closes the connection.
      if (fault?.kind === 'hang') return;
      const send = () => {
        if (answer.status === 404 && answer.body === null)
          return error(res, 404, 'invalid_request_error', 'No such object');
        res.writeHead(answer.status, { 'content-type': 'application/json', 'request-id': id('req') });
        res.end(JSON.stringify(answer.body));
      };
      if (fault?.kind === 'slow') setTimeout(send, fault.ms);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  const fake: FakeStripe = {
    url: `http://127.0.0.1:${port}`,
    secretKey: 'sk_test_fairdrawfake',
    webhookSecret: `whsec_${randomBytes(24).toString('base64url').replace(/[-_]/g, 'y')}`,
    intents,
    refunds,
    calls,
    refundStatus: 'succeeded',
    failNext(count) {
      failures = count;
    },
    succeed(intentId) {
      const intent = intents.get(intentId)!;
      intent.status = 'succeeded';
      intent.amount_received = intent.amount;
      intent.last_payment_error = null;
      return { ...intent };
    },
    fail(intentId, code = 'card_declined') {
      const intent = intents.get(intentId)!;
      intent.status = 'requires_payment_method';
      intent.last_payment_error = {
        code,
        decline_code: 'insufficient_funds',
        message: 'Your card has insufficient funds.',
        type: 'card_error',
      };
      return { ...intent };
    },
    webhook(type, object, eventId = id('evt')) {
      const payload = JSON.stringify({
        id: eventId,
        object: 'event',
        api_version: Stripe.API_VERSION,
        created: now(),
        data: { object },
        livemode: false,
        pending_webhooks: 1,
        request: { id: null, idempotency_key: null },
        type,
      });
      return {
        payload,
        signature: stripe.webhooks.generateTestHeaderString({ payload, secret: fake.webhookSecret }),
        eventId,
      };
    },
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
  return fake;
}
