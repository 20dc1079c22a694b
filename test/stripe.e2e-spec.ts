import { SalesLifecycle } from '../src/ticket/sales-lifecycle.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { idempotencyKey } from './support/factories.js';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.js';
import { journal, types } from './support/journal.js';
import { openRaffle, order, summary, type Headers } from './support/sales.js';

const online = { packageId: 'five', channel: 'ONLINE', paymentMethod: 'stripe' };

describe.each(['pglite', 'postgres'] as const)('Stripe payments and webhooks on %s', (engine) => {
  let stripe: FakeStripe;
  let t: TestApp;
  let admin: Headers;
  let storefront: Headers;
  let auditor: Headers;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp({
      engine,
      env: {
        PAYMENT_PROVIDERS: 'stripe,cash',
        STRIPE_SECRET_KEY: stripe.secretKey,
        STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        STRIPE_API_URL: stripe.url,
        SALES_SCHEDULER_INTERVAL_MS: '100',
      },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    storefront = bearer(await t.token(['seller'], 'storefront'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.stop();
  });

  /** Delivered from one of Stripe's webhook addresses (no proxy in front here). */
  const STRIPE_ADDRESS = '54.187.174.169';
  function deliver(delivery: { payload: string; signature: string }) {
    return t.app.inject({
      method: 'POST',
      url: '/v1/payments/stripe/webhook',
      payload: delivery.payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': delivery.signature },
      remoteAddress: STRIPE_ADDRESS,
    });
  }
  async function getOrder(orderId: string) {
    return (await t.app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: auditor })).json();
  }
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return read();
  }

  it('holds an online order until Stripe confirms the payment, then issues its tickets once', async () => {
    const raffle = await openRaffle(t, admin);
    const key = idempotencyKey();
    const placed = await order(t, raffle.id, storefront, online, key);
    expect(placed.statusCode).toBe(201);
    const pending = placed.json();
    expect(pending).toMatchObject({
      status: 'PENDING_PAYMENT',
      receipt: null,
      totalMinor: 2_000,
      payment: { method: 'stripe', status: 'REQUIRES_PAYMENT', intentId: expect.stringMatching(/^pi_/) },
    });
    expect(pending.payment.clientSecret).toMatch(/^pi_.+_secret_/);
    expect(Date.parse(pending.holdUntil)).toBeGreaterThan(Date.now());
    const intent = stripe.intents.get(pending.payment.intentId)!;
    expect(intent).toMatchObject({
      amount: 2_000,
      currency: 'cad',
      metadata: { orderId: pending.orderId, raffleId: raffle.id },
    });
    expect((await summary(t, raffle.id, auditor)).heldTickets).toBe(5);

    const retry = await order(t, raffle.id, storefront, online, key);
    expect(retry.json()).toMatchObject({ orderId: pending.orderId, payment: { intentId: intent.id } });
    expect(
      stripe.calls.filter(
        (c) => c.path === '/v1/payment_intents' && c.idempotencyKey === `fairdraw-order-${pending.orderId}`,
      ),
    ).toHaveLength(1);

    const event = stripe.webhook('payment_intent.succeeded', stripe.succeed(intent.id));
    const first = await deliver(event);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toEqual({ received: true, duplicate: false, outcome: 'issued' });
    const paid = await getOrder(pending.orderId);
    expect(paid).toMatchObject({
      status: 'PAID',
      payment: { status: 'PAID', intentId: intent.id, clientSecret: null },
    });
    expect(paid.receipt).toMatchObject({
      channel: 'ONLINE',
      posId: 'ONLINE',
      tickets: { first: 1, last: 5, count: 5 },
    });

    expect((await deliver(event)).json()).toEqual({ received: true, duplicate: true, outcome: 'duplicate' });
    const redelivered = stripe.webhook('payment_intent.succeeded', stripe.intents.get(intent.id)!);
    expect((await deliver(redelivered)).json()).toMatchObject({ duplicate: false, outcome: 'already_paid' });
    expect(await getOrder(pending.orderId)).toEqual(paid);

    const sales = await summary(t, raffle.id, auditor);
    expect(sales).toMatchObject({
      heldTickets: 0,
      paidTotalMinor: 2_000,
      numbers: { issued: 5, sold: 5, consistent: true },
    });
    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(types(entries)).toEqual([
      'RAFFLE_CREATED',
      'RAFFLE_OPENED',
      'ORDER_PLACED',
      'PAYMENT_STARTED',
      'TICKETS_SOLD',
    ]);
    expect(entries[4].payload).toMatchObject({
      orderId: pending.orderId,
      first: 1,
      last: 5,
      payment: { provider: 'stripe', ref: intent.id },
      // Issued because Stripe's signed webhook said so, delivered from its address in that request.
      actor: { type: 'provider', name: 'stripe' },
      source: STRIPE_ADDRESS,
      requestId: first.headers['x-request-id'],
    });
    // The order itself, and its payment, were the storefront's request.
    for (const entry of entries.slice(2, 4)) {
      expect(entry.payload).toMatchObject({
        actor: { type: 'user', sub: 'storefront', roles: ['seller'] },
        source: '127.0.0.1',
        requestId: placed.headers['x-request-id'],
      });
    }
  });

  it('refuses webhooks whose signature does not match the raw body, and changes nothing', async () => {
    const raffle = await openRaffle(t, admin);
    const pending = (await order(t, raffle.id, storefront, online)).json();
    const event = stripe.webhook('payment_intent.succeeded', stripe.succeed(pending.payment.intentId));
    const tampered = {
      payload: event.payload.replace('"amount":2000', '"amount":1'),
      signature: event.signature,
    };
    for (const delivery of [tampered, { payload: event.payload, signature: 't=1,v1=deadbeef' }]) {
      const response = await deliver(delivery);
      expect(response.statusCode).toBe(400);
      expect(response.json().code).toBe('WEBHOOK_SIGNATURE_INVALID');
    }
    const unsigned = await t.app.inject({
      method: 'POST',
      url: '/v1/payments/stripe/webhook',
      payload: event.payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(unsigned.statusCode).toBe(400);
    expect((await getOrder(pending.orderId)).status).toBe('PENDING_PAYMENT');
    expect((await deliver(event)).json().outcome).toBe('issued');
  });

  it('handles events in any order: a failure after the success is stale, a failure before it is journaled', async () => {
    const raffle = await openRaffle(t, admin);
    const a = (await order(t, raffle.id, storefront, online)).json();
    const failedA = stripe.fail(a.payment.intentId);
    const succeededA = stripe.succeed(a.payment.intentId);
    expect((await deliver(stripe.webhook('payment_intent.succeeded', succeededA))).json().outcome).toBe(
      'issued',
    );
    expect((await deliver(stripe.webhook('payment_intent.payment_failed', failedA))).json().outcome).toBe(
      'stale',
    );
    expect((await getOrder(a.orderId)).status).toBe('PAID');

    const b = (await order(t, raffle.id, storefront, online)).json();
    expect(
      (await deliver(stripe.webhook('payment_intent.payment_failed', stripe.fail(b.payment.intentId)))).json()
        .outcome,
    ).toBe('payment-failed');
    expect((await getOrder(b.orderId)).status).toBe('PENDING_PAYMENT');
    expect(
      (await deliver(stripe.webhook('payment_intent.succeeded', stripe.succeed(b.payment.intentId)))).json()
        .outcome,
    ).toBe('issued');
    expect((await getOrder(b.orderId)).receipt.tickets).toEqual({ first: 6, last: 10, count: 5 });
    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(entries.filter((e) => e.type === 'PAYMENT_FAILED').map((e) => e.payload.orderId)).toEqual([
      b.orderId,
    ]);
    expect(
      (await deliver(stripe.webhook('charge.dispute.created', { id: 'dp_1', object: 'dispute' }))).json()
        .outcome,
    ).toBe('ignored');
  });

  it('applies an event delivered twice at once only once', async () => {
    const raffle = await openRaffle(t, admin);
    const pending = (await order(t, raffle.id, storefront, online)).json();
    const failed = stripe.webhook('payment_intent.payment_failed', stripe.fail(pending.payment.intentId));
    const failures = await Promise.all([deliver(failed), deliver(failed), deliver(failed)]);
    expect(failures.map((r) => r.statusCode)).toEqual([200, 200, 200]);
    expect(failures.filter((r) => !r.json().duplicate).map((r) => r.json().outcome)).toEqual([
      'payment-failed',
    ]);
    const succeeded = stripe.webhook('payment_intent.succeeded', stripe.succeed(pending.payment.intentId));
    const successes = await Promise.all([deliver(succeeded), deliver(succeeded), deliver(succeeded)]);
    expect(successes.filter((r) => !r.json().duplicate).map((r) => r.json().outcome)).toEqual(['issued']);
    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(entries.filter((e) => e.type === 'PAYMENT_FAILED')).toHaveLength(1);
    expect(entries.filter((e) => e.type === 'TICKETS_SOLD')).toHaveLength(1);
    expect((await getOrder(pending.orderId)).receipt.tickets).toEqual({ first: 1, last: 5, count: 5 });
  });

  it('releases the hold of a cancelled payment, and refunds a payment that arrives after its order closed', async () => {
    const raffle = await openRaffle(t, admin);
    const pending = (await order(t, raffle.id, storefront, online)).json();
    const intentId = pending.payment.intentId;
    expect((await summary(t, raffle.id, auditor)).heldTickets).toBe(5);
    const canceled = { ...stripe.intents.get(intentId)!, status: 'canceled' };
    expect((await deliver(stripe.webhook('payment_intent.canceled', canceled))).json().outcome).toBe(
      'payment-canceled',
    );
    expect(await getOrder(pending.orderId)).toMatchObject({
      status: 'CANCELLED',
      closeReason: 'PAYMENT_CANCELED',
      receipt: null,
    });
    expect((await summary(t, raffle.id, auditor)).heldTickets).toBe(0);

    const late = await deliver(stripe.webhook('payment_intent.succeeded', stripe.succeed(intentId)));
    expect(late.json().outcome).toBe('refund');
    const refunded = await until(
      () => getOrder(pending.orderId),
      (o) => o.refund?.status === 'SUCCEEDED',
    );
    expect(refunded).toMatchObject({
      status: 'CANCELLED',
      receipt: null,
      refund: { status: 'SUCCEEDED', amountMinor: 2_000, reason: 'PAID_AFTER_ORDER_CLOSED' },
    });
    const stripeRefund = [...stripe.refunds.values()].find((r) => r.payment_intent === intentId)!;
    expect(stripeRefund).toMatchObject({ amount: 2_000, metadata: { orderId: pending.orderId } });
    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(types(entries).slice(2)).toEqual([
      'ORDER_PLACED',
      'PAYMENT_STARTED',
      'ORDER_CANCELLED',
      'REFUND_REQUESTED',
      'REFUND_COMPLETED',
    ]);
    expect(entries.at(-1)!.payload).toMatchObject({
      orderId: pending.orderId,
      providerRefundId: stripeRefund.id,
    });
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({ issued: 0, sold: 0 });
  });

  it('releases holds whose time ran out, and cancels the PaymentIntent at Stripe', async () => {
    const raffle = await openRaffle(t, admin);
    const pending = (await order(t, raffle.id, storefront, online)).json();
    const released = await t.app.get(SalesLifecycle).expireHolds(new Date(Date.parse(pending.holdUntil) + 1));
    expect(released).toBeGreaterThanOrEqual(1);
    expect(await getOrder(pending.orderId)).toMatchObject({
      status: 'CANCELLED',
      closeReason: 'PAYMENT_NOT_RECEIVED',
    });
    expect((await summary(t, raffle.id, auditor)).heldTickets).toBe(0);
    await until(
      async () => stripe.intents.get(pending.payment.intentId)!.status,
      (status) => status === 'canceled',
    );
    expect(stripe.intents.get(pending.payment.intentId)!.status).toBe('canceled');
  });

  it('waits for a pending Stripe refund to be confirmed by webhook', async () => {
    const raffle = await openRaffle(t, admin);
    const pending = (await order(t, raffle.id, storefront, online)).json();
    await deliver(
      stripe.webhook('payment_intent.canceled', {
        ...stripe.intents.get(pending.payment.intentId)!,
        status: 'canceled',
      }),
    );
    stripe.refundStatus = 'pending';
    try {
      await deliver(stripe.webhook('payment_intent.succeeded', stripe.succeed(pending.payment.intentId)));
      const waiting = await until(
        () => getOrder(pending.orderId),
        (o) => o.refund?.status === 'PENDING_PROVIDER',
      );
      expect(waiting.refund.status).toBe('PENDING_PROVIDER');
    } finally {
      stripe.refundStatus = 'succeeded';
    }
    const refund = [...stripe.refunds.values()].find((r) => r.payment_intent === pending.payment.intentId)!;
    const confirmed = await deliver(stripe.webhook('refund.updated', { ...refund, status: 'succeeded' }));
    expect(confirmed.json().outcome).toBe('refund-succeeded');
    expect((await getOrder(pending.orderId)).refund.status).toBe('SUCCEEDED');
    expect(
      (await deliver(stripe.webhook('refund.updated', { ...refund, status: 'succeeded' }))).json().outcome,
    ).toBe('refund-already-final');
  });

  it('answers 503 when Stripe is unreachable; the retry with the same key completes the same order', async () => {
    const raffle = await openRaffle(t, admin);
    const key = idempotencyKey();
    stripe.failNext(10);
    const down = await order(t, raffle.id, storefront, online, key);
    expect(down.statusCode).toBe(503);
    expect(down.json().code).toBe('PAYMENT_PROVIDER_UNAVAILABLE');
    stripe.failNext(0);
    const retry = await order(t, raffle.id, storefront, online, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.json()).toMatchObject({
      status: 'PENDING_PAYMENT',
      payment: { intentId: expect.stringMatching(/^pi_/) },
    });
    expect((await summary(t, raffle.id, auditor)).heldTickets).toBe(5);
  });

  it('refunds a payment whose amount or currency does not match its order, as a significant event', async () => {
    const raffle = await openRaffle(t, admin);
    const pending = (await order(t, raffle.id, storefront, online)).json();
    const paid = { ...stripe.succeed(pending.payment.intentId), amount: 1_000, amount_received: 1_000 };
    const event = stripe.webhook('payment_intent.succeeded', paid);
    const deliveries = await Promise.all([deliver(event), deliver(event)]);
    expect(deliveries.map((r) => r.json().outcome).sort()).toEqual(['duplicate', 'refund']);
    const refunded = await until(
      () => getOrder(pending.orderId),
      (o) => o.refund?.status === 'SUCCEEDED',
    );
    expect(refunded).toMatchObject({
      status: 'CANCELLED',
      closeReason: 'AMOUNT_MISMATCH',
      receipt: null,
      refund: { status: 'SUCCEEDED', amountMinor: 1_000, reason: 'PAYMENT_AMOUNT_MISMATCH' },
    });
    expect(await summary(t, raffle.id, auditor)).toMatchObject({ heldTickets: 0, numbers: { issued: 0 } });

    const euros = (await order(t, raffle.id, storefront, online)).json();
    const inEuros = { ...stripe.succeed(euros.payment.intentId), currency: 'eur' };
    expect((await deliver(stripe.webhook('payment_intent.succeeded', inEuros))).json().outcome).toBe(
      'refund',
    );
    expect(await getOrder(euros.orderId)).toMatchObject({
      status: 'CANCELLED',
      closeReason: 'AMOUNT_MISMATCH',
    });

    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(types(entries)).not.toContain('TICKETS_SOLD');
    const mismatches = entries.filter((e) => e.type === 'PAYMENT_MISMATCH');
    expect(mismatches.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        // The webhook's origin: Stripe (its signature authenticates it), from the address that delivered it.
        actor: { type: 'provider', name: 'stripe' },
        source: expect.any(String),
        requestId: expect.any(String),
        outcome: 'failure',
        component: 'payments',
        details: expect.objectContaining({
          kind: 'AMOUNT_MISMATCH',
          eventId: event.eventId,
          intentId: pending.payment.intentId,
          orderId: pending.orderId,
          expected: { amountMinor: 2_000, currency: 'CAD' },
          received: { amountMinor: 1_000, currency: 'CAD' },
        }),
      }),
      expect.objectContaining({
        details: expect.objectContaining({
          orderId: euros.orderId,
          expected: { amountMinor: 2_000, currency: 'CAD' },
          received: { amountMinor: 2_000, currency: 'EUR' },
        }),
      }),
    ]);
  });

  it('matches a payment to its order by the PaymentIntent created for it, never by the intent’s metadata', async () => {
    const raffle = await openRaffle(t, admin);
    const a = (await order(t, raffle.id, storefront, online)).json();
    const b = (await order(t, raffle.id, storefront, online)).json();
    const reprint = await t.app.inject({
      method: 'POST',
      url: `/v1/orders/${a.orderId}/reprint`,
      payload: {},
      headers: storefront,
    });
    expect(reprint.statusCode).toBe(409);
    expect(reprint.json().code).toBe('NO_RECEIPT');

    // An intent Fairdraw never created (another integration, the dashboard) that names order A.
    const foreign = {
      ...stripe.intents.get(a.payment.intentId)!,
      id: 'pi_notcreatedbyfairdraw',
      client_secret: 'pi_notcreatedbyfairdraw_secret_x',
      status: 'succeeded',
      amount_received: 2_000,
    };
    const stray = stripe.webhook('payment_intent.succeeded', foreign);
    expect((await deliver(stray)).json()).toEqual({
      received: true,
      duplicate: false,
      outcome: 'unknown-intent',
    });
    expect(
      (await deliver(stripe.webhook('payment_intent.canceled', { ...foreign, status: 'canceled' }))).json()
        .outcome,
    ).toBe('unknown-intent');
    expect(
      (
        await deliver(
          stripe.webhook('payment_intent.payment_failed', { ...foreign, status: 'requires_payment_method' }),
        )
      ).json().outcome,
    ).toBe('unknown-intent');
    expect(await getOrder(a.orderId)).toMatchObject({ status: 'PENDING_PAYMENT', receipt: null });
    expect((await summary(t, raffle.id, auditor)).heldTickets).toBe(10);

    // B's own intent, whose metadata was edited to name A: B is paid, A still waits.
    const paidB = {
      ...stripe.succeed(b.payment.intentId),
      metadata: { orderId: a.orderId, raffleId: raffle.id },
    };
    expect((await deliver(stripe.webhook('payment_intent.succeeded', paidB))).json().outcome).toBe('issued');
    expect((await getOrder(b.orderId)).status).toBe('PAID');
    expect((await getOrder(a.orderId)).status).toBe('PENDING_PAYMENT');
    expect(
      (await deliver(stripe.webhook('payment_intent.succeeded', stripe.succeed(a.payment.intentId)))).json()
        .outcome,
    ).toBe('issued');
    expect([...stripe.refunds.values()].filter((r) => r.payment_intent === foreign.id)).toEqual([]);

    const raffleEntries = await journal(t, `raffle/${raffle.id}`);
    expect(raffleEntries.filter((e) => e.type === 'TICKETS_SOLD').map((e) => e.payload.orderId)).toEqual([
      b.orderId,
      a.orderId,
    ]);
    expect(types(raffleEntries)).not.toContain('PAYMENT_FAILED');
    const stranger = await journal(t, `payment-intent:${foreign.id}`);
    expect(stranger.map((e) => [e.type, e.payload.details])).toEqual([
      [
        'PAYMENT_MISMATCH',
        expect.objectContaining({
          kind: 'UNKNOWN_PAYMENT_INTENT',
          eventId: stray.eventId,
          eventType: 'payment_intent.succeeded',
          metadataOrderId: a.orderId,
          received: { amountMinor: 2_000, currency: 'CAD' },
        }),
      ],
      [
        'PAYMENT_MISMATCH',
        expect.objectContaining({ kind: 'UNKNOWN_PAYMENT_INTENT', eventType: 'payment_intent.canceled' }),
      ],
    ]);
  });
});
