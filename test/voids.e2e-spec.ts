import { SYSTEM_ORIGIN } from '../src/audit/significant-event.js';
import { DatabaseService } from '../src/database/database.service.js';
import { RaffleService } from '../src/raffle/raffle.service.js';
import { TicketService } from '../src/ticket/ticket.service.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.js';
import { journal, types } from './support/journal.js';
import { openRaffle, order, posCash, summary, type Headers } from './support/sales.js';

const WASHINGTON = {
  jurisdiction: 'WA-GCC' as const,
  licensee: { name: 'Seattle Hospital Foundation', contact: '+1 206 555 0100' },
  rulesUrl: 'https://example.org/raffle/rules',
  claimDeadlineDays: 90,
};

describe.each(['pglite', 'postgres'] as const)('voids, refunds and cancellation on %s', (engine) => {
  let stripe: FakeStripe;
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let seller: Headers;
  let auditor: Headers;

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp({
      engine,
      env: {
        PAYMENT_PROVIDERS: 'stripe,cash,test',
        STRIPE_SECRET_KEY: stripe.secretKey,
        STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        STRIPE_API_URL: stripe.url,
        SALES_SCHEDULER_INTERVAL_MS: '100',
        PUBLIC_STATS_CACHE_MS: '0',
      },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
  });
  afterAll(async () => {
    await t?.close();
    await stripe?.stop();
  });

  const voidOrder = (
    orderId: string,
    headers: Headers,
    payload: object = { reason: 'Printer jammed; ticket not handed over' },
  ) => t.app.inject({ method: 'POST', url: `/v1/orders/${orderId}/void`, payload, headers });
  const getOrder = async (orderId: string) =>
    (await t.app.inject({ method: 'GET', url: `/v1/orders/${orderId}`, headers: auditor })).json();
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return read();
  }

  it('voids a paid order before the draw: numbers out of the draw, pot reduced, refund journaled', async () => {
    const raffle = await openRaffle(t, admin);
    const kept = (await order(t, raffle.id, seller, { ...posCash, packageId: 'thirty' })).json();
    const sold = (await order(t, raffle.id, seller, { ...posCash, packageId: 'five' })).json();
    expect((await voidOrder(sold.orderId, seller)).statusCode).toBe(403);
    expect((await voidOrder(sold.orderId, operator, {})).statusCode).toBe(400);

    const voided = await voidOrder(sold.orderId, operator);
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toMatchObject({
      status: 'VOIDED',
      closeReason: 'Printer jammed; ticket not handed over',
      receipt: { status: 'VOIDED' },
    });
    const refunded = await until(
      () => getOrder(sold.orderId),
      (o) => o.refund?.status === 'SUCCEEDED',
    );
    expect(refunded.refund).toMatchObject({
      status: 'SUCCEEDED',
      amountMinor: 2_000,
      reason: 'TICKETS_VOIDED',
    });

    const again = await voidOrder(sold.orderId, operator);
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ORDER_NOT_VOIDABLE');

    const check = await t.app.inject({
      method: 'GET',
      url: `/v1/tickets/verify/${sold.receipt.verificationCode}`,
    });
    expect(check.json()).toMatchObject({ status: 'VOIDED', voidedAt: expect.any(String) });
    const sales = await summary(t, raffle.id, auditor);
    expect(sales).toMatchObject({
      paidTotalMinor: 5_000,
      soldOrders: 1,
      numbers: { issued: 35, sold: 30, voided: 5, consistent: true },
      prizeEstimate: { amountMinor: 2_500 },
    });
    expect(await t.app.get(TicketService).soldRanges(raffle.id)).toEqual([
      { orderId: kept.orderId, first: 1, last: 30, soldAt: kept.receipt.issuedAt },
    ]);
    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(types(entries).slice(-3)).toEqual(['TICKETS_VOIDED', 'REFUND_REQUESTED', 'REFUND_COMPLETED']);
    expect(entries.at(-3)!.payload).toMatchObject({
      orderId: sold.orderId,
      first: 31,
      last: 35,
      by: 'oscar-operator',
    });
  });

  it('refuses voids where sales are final (Washington) and after the draw', async () => {
    const wa = await openRaffle(t, admin, WASHINGTON);
    const sold = (await order(t, wa.id, seller)).json();
    const final = await voidOrder(sold.orderId, operator);
    expect(final.statusCode).toBe(409);
    expect(final.json()).toMatchObject({ code: 'SALES_FINAL', message: expect.stringContaining('CXL-3') });

    const raffle = await openRaffle(t, admin);
    const early = (await order(t, raffle.id, seller)).json();
    const late = (await order(t, raffle.id, seller)).json();
    await t.app.inject({ method: 'POST', url: `/v1/raffles/${raffle.id}/close`, headers: admin });
    expect((await voidOrder(early.orderId, operator)).statusCode).toBe(200);
    await t.app.get(DatabaseService).transaction((trx) =>
      t.app.get(RaffleService).markDrawn(trx, raffle.id, 'system:draw', SYSTEM_ORIGIN, {
        winningNumber: 2,
      }),
    );
    const afterDraw = await voidOrder(late.orderId, operator);
    expect(afterDraw.statusCode).toBe(409);
    expect(afterDraw.json().message).toContain('DRAWN');
    expect((await getOrder(late.orderId)).status).toBe('PAID');
  });

  it('cancels a raffle: every paid order voided and refunded through its provider, every hold released', async () => {
    const raffle = await openRaffle(t, admin);
    const cash = (await order(t, raffle.id, seller, { ...posCash, packageId: 'five' })).json();
    const test = (
      await order(t, raffle.id, seller, { packageId: 'one', channel: 'ONLINE', paymentMethod: 'test' })
    ).json();
    const card = (
      await order(t, raffle.id, seller, { packageId: 'thirty', channel: 'ONLINE', paymentMethod: 'stripe' })
    ).json();
    const webhook = stripe.webhook('payment_intent.succeeded', stripe.succeed(card.payment.intentId));
    await t.app.inject({
      method: 'POST',
      url: '/v1/payments/stripe/webhook',
      payload: webhook.payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': webhook.signature },
    });
    const unpaid = (
      await order(t, raffle.id, seller, { packageId: 'one', channel: 'ONLINE', paymentMethod: 'stripe' })
    ).json();
    expect(await summary(t, raffle.id, auditor)).toMatchObject({
      paidTotalMinor: 8_000,
      heldTickets: 1,
      numbers: { issued: 36 },
    });

    const cancelled = await t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${raffle.id}/cancel`,
      payload: { reason: 'Licence withdrawn by the regulator' },
      headers: admin,
    });
    expect(cancelled.statusCode).toBe(200);
    for (const paid of [cash, test, card]) {
      const refunded = await until(
        () => getOrder(paid.orderId),
        (o) => o.refund?.status === 'SUCCEEDED',
      );
      expect(refunded).toMatchObject({
        status: 'VOIDED',
        closeReason: 'RAFFLE_CANCELLED',
        refund: { status: 'SUCCEEDED', reason: 'RAFFLE_CANCELLED' },
      });
    }
    expect(await getOrder(unpaid.orderId)).toMatchObject({
      status: 'CANCELLED',
      closeReason: 'RAFFLE_CANCELLED',
    });
    await until(
      async () => stripe.intents.get(unpaid.payment.intentId)!.status,
      (s) => s === 'canceled',
    );
    expect(stripe.intents.get(unpaid.payment.intentId)!.status).toBe('canceled');
    expect(
      [...stripe.refunds.values()].filter((r) => r.payment_intent === card.payment.intentId),
    ).toHaveLength(1);

    const sales = await summary(t, raffle.id, auditor);
    expect(sales).toMatchObject({
      salesOpen: false,
      paidTotalMinor: 0,
      heldTickets: 0,
      numbers: { issued: 36, sold: 0, voided: 36, consistent: true },
      refunds: [{ status: 'SUCCEEDED', refunds: 3, amount: 8_000 }],
    });
    expect((await order(t, raffle.id, seller)).json().code).toBe('SALES_CLOSED');
    const check = await t.app.inject({
      method: 'GET',
      url: `/v1/tickets/verify/${cash.receipt.verificationCode}`,
    });
    expect(check.json()).toMatchObject({ status: 'VOIDED', raffleStatus: 'CANCELLED' });
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffle.id}/public` })).json(),
    ).toMatchObject({
      status: 'CANCELLED',
      salesOpen: false,
      ticketsSold: 0,
    });

    const entries = await journal(t, `raffle/${raffle.id}`);
    const afterCancel = types(entries.slice(entries.findIndex((e) => e.type === 'RAFFLE_CANCELLED')));
    expect(afterCancel.slice(0, 6)).toEqual([
      'RAFFLE_CANCELLED',
      'REFUND_REQUESTED',
      'REFUND_REQUESTED',
      'REFUND_REQUESTED',
      'ORDER_CANCELLED',
      'TICKETS_VOIDED',
    ]);
    expect(afterCancel.filter((type) => type === 'REFUND_COMPLETED')).toHaveLength(3);
    expect(entries.find((e) => e.type === 'TICKETS_VOIDED')!.payload).toMatchObject({
      reason: 'RAFFLE_CANCELLED',
      orders: 3,
      tickets: 36,
      amountMinor: 8_000,
    });
  });
});
