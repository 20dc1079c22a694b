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
  let operator: Headers;

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
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
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
    // A refund made elsewhere (the dashboard) whose metadata names no id of ours is not ours.
    const stray = await deliver(
      stripe.webhook('refund.updated', {
        ...refund,
        id: 're_madeinthedashboard',
        status: 'succeeded',
        metadata: { refundId: 'not-one-of-ours' },
      }),
    );
    expect(stray.statusCode).toBe(200);
    expect(stray.json().outcome).toBe('unknown-refund');
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
  it('lists unknown intents’ payments for operators, who refund one through Stripe once or mark it reviewed, each journaled with its origin', async () => {
    const raffle = await openRaffle(t, admin);
    const a = (await order(t, raffle.id, storefront, online)).json();
    // Payments Fairdraw never created (another integration, the dashboard), at Stripe, naming order A
    // of this raffle (or an order that is not ours); each reported by a signed webhook.
    const foreignPayment = (suffix: string, orderId: string) => {
      const intent = {
        ...stripe.intents.get(a.payment.intentId)!,
        id: `pi_foreign${suffix}${raffle.id.slice(0, 8)}`,
        client_secret: `pi_foreign${suffix}_secret_x`,
        status: 'succeeded',
        amount_received: 2_000,
        metadata: { orderId, raffleId: raffle.id },
      };
      stripe.intents.set(intent.id, intent);
      return intent;
    };
    const refundMe = foreignPayment('refund', a.orderId);
    const reviewMe = foreignPayment('review', a.orderId);
    const pendingMe = foreignPayment('pending', a.orderId);
    const elsewhere = foreignPayment('elsewhere', '00000000-0000-4000-8000-00000000abcd');
    for (const intent of [refundMe, reviewMe, pendingMe, elsewhere]) {
      expect((await deliver(stripe.webhook('payment_intent.succeeded', intent))).json().outcome).toBe(
        'unknown-intent',
      );
    }
    // Another event about the same payment lists it once.
    await deliver(stripe.webhook('payment_intent.succeeded', refundMe));

    const list = async (query: string, headers: Headers = operator) =>
      t.app.inject({ method: 'GET', url: `/v1/payments/mismatches?${query}`, headers });
    const open = (await list(`raffleId=${raffle.id}`)).json();
    expect(open).toHaveLength(3);
    const byIntent = new Map<string, { id: string }>(
      open.map((m: { intentId: string; id: string }) => [m.intentId, m]),
    );
    expect(byIntent.get(refundMe.id)).toEqual({
      id: expect.any(String),
      provider: 'stripe',
      intentId: refundMe.id,
      kind: 'UNKNOWN_PAYMENT_INTENT',
      eventId: expect.stringMatching(/^evt_/),
      claimedOrderId: a.orderId,
      raffleId: raffle.id,
      amountMinor: 2_000,
      currency: 'CAD',
      status: 'OPEN',
      detectedAt: expect.any(String),
      providerRefundId: null,
      lastError: null,
      resolvedBy: null,
      resolvedAt: null,
      resolutionReason: null,
    });
    const unresolved = (await list('', admin)).json();
    expect(unresolved.find((m: { intentId: string }) => m.intentId === elsewhere.id)).toMatchObject({
      raffleId: null,
      claimedOrderId: '00000000-0000-4000-8000-00000000abcd',
    });
    // Auditors read everything (GLI-31 auditor access) and change nothing: refund and review stay refused.
    const audited = await list(`raffleId=${raffle.id}`, auditor);
    expect(audited.statusCode).toBe(200);
    expect(audited.json()).toEqual(open);
    expect((await list(`raffleId=${raffle.id}`, storefront)).statusCode).toBe(403);
    const badQuery = await list('raffleId=not-a-raffle&status=SOMETIMES&limit=0');
    expect(badQuery.statusCode).toBe(400);
    expect(
      badQuery
        .json()
        .fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['limit', 'raffleId', 'status']);

    const act = (id: string, action: 'refund' | 'review', payload?: object, headers: Headers = operator) =>
      t.app.inject({ method: 'POST', url: `/v1/payments/mismatches/${id}/${action}`, payload, headers });
    const refundId = byIntent.get(refundMe.id)!.id;
    expect((await act(refundId, 'refund', undefined, auditor)).statusCode).toBe(403);
    expect(
      (await act(refundId, 'review', { reason: 'An auditor may not decide this' }, auditor)).statusCode,
    ).toBe(403);

    // Refund: two operators at once refund it once at Stripe, by the PaymentIntent, idempotently.
    const refunds = await Promise.all([act(refundId, 'refund'), act(refundId, 'refund', undefined, admin)]);
    expect(refunds.map((r) => r.statusCode).sort()).toEqual([200, 409]);
    const refunded = refunds.find((r) => r.statusCode === 200)!.json();
    expect(refunded).toMatchObject({
      status: 'REFUNDED',
      providerRefundId: expect.stringMatching(/^re_/),
      resolvedAt: expect.any(String),
    });
    expect(['MISMATCH_REFUND_IN_PROGRESS', 'MISMATCH_NOT_OPEN']).toContain(
      refunds.find((r) => r.statusCode === 409)!.json().code,
    );
    expect((await act(refundId, 'refund')).json().code).toBe('MISMATCH_NOT_OPEN');
    expect((await act(refundId, 'review', { reason: 'Too late now' })).json().code).toBe('MISMATCH_NOT_OPEN');
    const atStripe = [...stripe.refunds.values()].filter((r) => r.payment_intent === refundMe.id);
    expect(atStripe).toEqual([
      expect.objectContaining({
        id: refunded.providerRefundId,
        amount: 2_000,
        metadata: { refundId, reason: 'PAYMENT_MISMATCH' },
      }),
    ]);
    expect(
      stripe.calls.filter(
        (c) =>
          c.method === 'POST' &&
          c.path === '/v1/refunds' &&
          c.idempotencyKey === `fairdraw-refund-${refundId}`,
      ),
    ).toHaveLength(1);

    // Review: the reason is required and journaled; nothing is refunded.
    const reviewId = byIntent.get(reviewMe.id)!.id;
    const noReason = await act(reviewId, 'review', { reason: 'x' });
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    expect((await list(`raffleId=${raffle.id}&status=OPEN`)).json()).toHaveLength(2);
    const reviewed = await act(reviewId, 'review', {
      reason: 'Licensee test payment from the dashboard, refunded there',
    });
    expect(reviewed.statusCode).toBe(200);
    expect(reviewed.json()).toMatchObject({
      status: 'REVIEWED',
      resolvedBy: 'oscar-operator',
      resolutionReason: 'Licensee test payment from the dashboard, refunded there',
    });
    expect((await act(reviewId, 'refund')).json().code).toBe('MISMATCH_NOT_OPEN');
    expect([...stripe.refunds.values()].filter((r) => r.payment_intent === reviewMe.id)).toEqual([]);
    expect((await act('00000000-0000-4000-8000-000000000000', 'refund')).statusCode).toBe(404);

    // Stripe unreachable: the mismatch is open again with the failure; the retry refunds it once,
    // with the same idempotency key.
    const elsewhereId = unresolved.find((m: { intentId: string }) => m.intentId === elsewhere.id)!.id;
    stripe.failNext(3);
    const unreachable = await act(elsewhereId, 'refund');
    expect(unreachable.statusCode).toBe(200);
    expect(unreachable.json()).toMatchObject({
      status: 'OPEN',
      lastError: expect.stringContaining('Stripe'),
      resolvedBy: null,
    });
    expect((await act(elsewhereId, 'refund')).json()).toMatchObject({ status: 'REFUNDED', lastError: null });
    expect([...stripe.refunds.values()].filter((r) => r.payment_intent === elsewhere.id)).toHaveLength(1);
    expect(
      types(await journal(t, `payment-intent:${elsewhere.id}`)).filter((type) => type !== 'PAYMENT_MISMATCH'),
    ).toEqual([
      'PAYMENT_MISMATCH_REFUND_REQUESTED',
      'PAYMENT_MISMATCH_REFUND_FAILED',
      'PAYMENT_MISMATCH_REFUND_REQUESTED',
      'PAYMENT_MISMATCH_REFUNDED',
    ]);

    // A refund Stripe leaves pending is completed by its webhook.
    const pendingId = byIntent.get(pendingMe.id)!.id;
    stripe.refundStatus = 'pending';
    let waiting;
    try {
      waiting = (await act(pendingId, 'refund')).json();
    } finally {
      stripe.refundStatus = 'succeeded';
    }
    expect(waiting).toMatchObject({
      status: 'REFUND_PENDING',
      providerRefundId: expect.stringMatching(/^re_/),
    });
    expect((await list(`raffleId=${raffle.id}`)).json().map((m: { status: string }) => m.status)).toEqual([
      'REFUND_PENDING',
    ]);
    const pendingRefund = stripe.refunds.get(waiting.providerRefundId)!;
    const settled = await deliver(
      stripe.webhook('refund.updated', { ...pendingRefund, status: 'succeeded' }),
    );
    expect(settled.json().outcome).toBe('mismatch-refunded');
    expect(
      (await deliver(stripe.webhook('refund.updated', { ...pendingRefund, status: 'succeeded' }))).json()
        .outcome,
    ).toBe('mismatch-refund-stale');

    expect((await list(`raffleId=${raffle.id}`)).json()).toEqual([]);
    expect(
      (await list(`raffleId=${raffle.id}&status=ALL`))
        .json()
        .map((m: { status: string }) => m.status)
        .sort(),
    ).toEqual(['REFUNDED', 'REFUNDED', 'REVIEWED']);
    expect(
      (await list(`raffleId=${raffle.id}&status=REVIEWED`)).json().map((m: { id: string }) => m.id),
    ).toEqual([reviewId]);
    // Order A never changed.
    expect(await getOrder(a.orderId)).toMatchObject({ status: 'PENDING_PAYMENT', receipt: null });

    const operatorOrigin = {
      actor: { type: 'user', sub: 'oscar-operator', roles: ['operator'], issuer: 'fairdraw-local' },
      source: '127.0.0.1',
      requestId: expect.any(String),
    };
    // Two events reported the payment (two PAYMENT_MISMATCH), then one refund request and its outcome.
    const refundStory = await journal(t, `payment-intent:${refundMe.id}`);
    expect(types(refundStory)).toEqual([
      'PAYMENT_MISMATCH',
      'PAYMENT_MISMATCH',
      'PAYMENT_MISMATCH_REFUND_REQUESTED',
      'PAYMENT_MISMATCH_REFUNDED',
    ]);
    const refundOrigin =
      refundStory[2].payload.by === 'oscar-operator'
        ? operatorOrigin
        : {
            ...operatorOrigin,
            actor: { type: 'user', sub: 'alice-admin', roles: ['admin'], issuer: 'fairdraw-local' },
          };
    expect(refundStory[2].payload).toEqual({
      mismatchId: refundId,
      provider: 'stripe',
      intentId: refundMe.id,
      claimedOrderId: a.orderId,
      raffleId: raffle.id,
      amountMinor: 2_000,
      currency: 'CAD',
      by: refundOrigin.actor.sub,
      ...refundOrigin,
    });
    expect(refundStory[3].payload).toMatchObject({
      mismatchId: refundId,
      providerRefundId: refunded.providerRefundId,
      ...refundOrigin,
    });
    const reviewStory = await journal(t, `payment-intent:${reviewMe.id}`);
    expect(types(reviewStory)).toEqual(['PAYMENT_MISMATCH', 'PAYMENT_MISMATCH_REVIEWED']);
    expect(reviewStory[1].payload).toMatchObject({
      mismatchId: reviewId,
      previousStatus: 'OPEN',
      reason: 'Licensee test payment from the dashboard, refunded there',
      by: 'oscar-operator',
      ...operatorOrigin,
    });
    const pendingStory = await journal(t, `payment-intent:${pendingMe.id}`);
    expect(types(pendingStory)).toEqual([
      'PAYMENT_MISMATCH',
      'PAYMENT_MISMATCH_REFUND_REQUESTED',
      'PAYMENT_MISMATCH_REFUNDED',
    ]);
    // The outcome learnt from Stripe's webhook carries Stripe's origin.
    expect(pendingStory[2].payload).toMatchObject({
      mismatchId: pendingId,
      actor: { type: 'provider', name: 'stripe' },
      source: STRIPE_ADDRESS,
    });
  });
});
