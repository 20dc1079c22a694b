// Payment drill: online orders paid through Stripe (a local stand-in of its API, test/support/
// fake-stripe.ts, that injects errors, dropped connections, timeouts and slow answers) and
// webhooks signed with the real SDK's helper, delivered duplicated, reordered and late, while
// cash sales load the same raffle. Buyers pay, fail then pay, fail and walk away, cancel, or pay
// too late. At the end, against the provider's own records: no order charged twice, no charged
// order without its tickets, no ticket without a confirmed payment, every hold of an order that
// was not paid released, and the sales audit and the offline journal verification pass.
//
//   npm run drill:payment [-- --orders 240 --buyers 16 --seed N]
//   npm run drill:payment -- --short     (CI: 60 orders)
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startFakeStripe, type PaymentIntentJson } from '../support/fake-stripe.js';
import { freePort } from '../support/moto.js';
import { createTestDatabase } from '../support/postgres.js';
import type { AcknowledgedSale } from './sales-audit.js';
import { auditDrillSales } from './support/sales-drill-audit.js';
import { readSales, superuser } from './support/database.js';
import { openRaffle, tokens } from './support/fairdraw.js';
import { call, type Exchange } from './support/http.js';
import { atExit, DrillReport, runDrill, loadAverage, log, seededRandom, sleep } from './support/report.js';
import { startService } from './support/service.js';

const { values: args } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    orders: { type: 'string' },
    buyers: { type: 'string', default: '16' },
    seed: { type: 'string', default: String(Date.now() % 1_000_000) },
    dist: { type: 'string', default: 'dist' },
  },
});
const orders = Number(args.orders ?? (args.short ? 60 : 240));
const buyers = Number(args.buyers);
const seed = Number(args.seed);
const dist = resolve(args.dist);
const random = seededRandom(seed);
const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)];
const HOLD_SECONDS = 60; // the shortest hold the service accepts

type Script = 'pay' | 'fail-then-pay' | 'fail-and-leave' | 'cancel' | 'pay-too-late';
const SCRIPTS: Array<[Script, number]> = [
  ['pay', 0.55],
  ['fail-then-pay', 0.15],
  ['fail-and-leave', 0.12],
  ['cancel', 0.08],
  ['pay-too-late', 0.1],
];

interface PlacedOrder {
  key: string;
  orderId: string;
  intentId: string;
  totalMinor: number;
  holdUntil: string;
  script: Script;
}

async function main(): Promise<number> {
  const report = new DrillReport('payment');
  log(`payment drill: ${orders} online orders by ${buyers} concurrent buyers, seed ${seed}`);
  const stripe = await startFakeStripe();
  let faultsOn = true;
  stripe.inject = ({ method, path }) => {
    if (!faultsOn || method !== 'POST') return undefined;
    const roll = random();
    const fault = (kind: 'error' | 'drop' | 'drop-after' | 'hang') => {
      report.count(`stripeFault_${kind}`);
      return { kind };
    };
    if (path === '/v1/payment_intents') {
      if (roll < 0.08) return fault('error');
      if (roll < 0.13) return fault('drop');
      if (roll < 0.23) return fault('drop-after');
      if (roll < 0.24) return fault('hang');
    } else if (roll < 0.1) return fault('error');
    else if (roll < 0.2) return fault('drop-after');
    if (roll > 0.85) {
      report.count('stripeFault_slow');
      return { kind: 'slow', ms: 100 + Math.floor(random() * 1_500) };
    }
    return undefined;
  };

  atExit(() => stripe.stop());
  const database = await createTestDatabase('fairdraw_drill_payment');
  atExit(() => database.drop());
  const dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-drill-payment-'));
  const port = await freePort();
  const service = await startService({
    dist,
    port,
    env: {
      NODE_ENV: 'development',
      DATABASE_URL: database.url,
      DATA_DIR: dataDir,
      LOG_LEVEL: 'warn',
      PAYMENT_PROVIDERS: 'stripe,cash',
      STRIPE_SECRET_KEY: stripe.secretKey,
      STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
      STRIPE_API_URL: stripe.url,
      PAYMENT_HOLD_SECONDS: String(HOLD_SECONDS),
      SALES_SCHEDULER_INTERVAL_MS: '200',
      SALES_RATE_LIMIT_PER_SECOND: '1000000',
      RATE_LIMIT_PER_MINUTE: '1000000',
      ANCHOR_INTERVAL_SECONDS: '5',
    },
  });
  atExit(() => service.kill('SIGKILL'));
  const { base } = service;
  const who = await tokens(dataDir);
  const raffleId = await openRaffle(base, who.admin, { channels: ['ONLINE', 'CASHIER'] });
  const ordersPath = `/v1/raffles/${raffleId}/orders`;

  /** Until the service answers (Stripe unreachable is a 503: the buyer retries with the same key). */
  async function untilAnswered(send: () => Promise<Exchange>, what: string) {
    const started = Date.now();
    for (let attempt = 1; ; attempt++) {
      const exchange = await send();
      if (exchange.ok && exchange.status < 500) return exchange;
      report.count(exchange.ok ? `retried_http${exchange.status}` : 'retried_network');
      if (Date.now() - started > 180_000) {
        report.violation(`${what}: no answer after ${attempt} attempts`);
        return undefined;
      }
      await sleep(100 + random() * 400);
    }
  }

  // --- cash sales on the same raffle, for load and interleaved numbers -----------------------
  const cashAcks: AcknowledgedSale[] = [];
  let selling = true;
  const cash = (async () => {
    while (selling) {
      const key = `cash-${randomUUID()}`;
      const body = { packageId: 'one', channel: 'CASHIER', paymentMethod: 'cash' };
      const answer = await untilAnswered(
        () => call(base, 'POST', ordersPath, { body, headers: { ...who.seller, 'idempotency-key': key } }),
        `cash order ${key}`,
      );
      if (answer?.ok && answer.status === 201) {
        const order = answer.body as {
          orderId: string;
          totalMinor: number;
          receipt: { tickets: { first: number; last: number }; verificationCode: string };
        };
        cashAcks.push({
          key,
          orderId: order.orderId,
          first: order.receipt.tickets.first,
          last: order.receipt.tickets.last,
          totalMinor: order.totalMinor,
          verificationCode: order.receipt.verificationCode,
        });
      } else if (answer)
        report.violation(`cash order refused: ${answer.ok ? answer.text.slice(0, 200) : ''}`);
      await sleep(20);
    }
  })();

  // --- webhooks, as Stripe sends them: at least once, in any order ---------------------------
  const deliveries: Promise<void>[] = [];
  function deliver(event: { payload: string; signature: string }, copies: number, maxDelayMs: number): void {
    for (let i = 0; i < copies; i++) {
      const delay = Math.floor(random() * maxDelayMs);
      deliveries.push(
        (async () => {
          await sleep(delay);
          const answer = await untilAnswered(
            () =>
              call(base, 'POST', '/v1/payments/stripe/webhook', {
                body: JSON.parse(event.payload),
                headers: { 'stripe-signature': event.signature },
              }),
            'webhook',
          );
          report.count('webhookDeliveries');
          if (answer?.ok && answer.status !== 200)
            report.violation(`a signed webhook was refused: ${answer.status} ${answer.text.slice(0, 200)}`);
        })(),
      );
    }
  }
  // `call` sends JSON.stringify(body): the same bytes as the payload, which the signature covers.
  const snapshot = (intent: PaymentIntentJson) => ({ ...intent });

  async function buyer(order: PlacedOrder): Promise<void> {
    const intent = stripe.intents.get(order.intentId);
    if (!intent) {
      report.violation(
        `order ${order.orderId} names PaymentIntent ${order.intentId}, which Stripe never created`,
      );
      return;
    }
    const copies = () => 1 + Math.floor(random() * 3);
    switch (order.script) {
      case 'pay':
        deliver(stripe.webhook('payment_intent.succeeded', stripe.succeed(order.intentId)), copies(), 3_000);
        return;
      case 'fail-then-pay': {
        const failed = stripe.webhook('payment_intent.payment_failed', stripe.fail(order.intentId));
        const paid = stripe.webhook('payment_intent.succeeded', stripe.succeed(order.intentId));
        // Either may arrive first: the failure after the success is stale and must change nothing.
        deliver(failed, copies(), 3_000);
        deliver(paid, copies(), 3_000);
        return;
      }
      case 'fail-and-leave':
        deliver(
          stripe.webhook('payment_intent.payment_failed', stripe.fail(order.intentId)),
          copies(),
          3_000,
        );
        return;
      case 'cancel': {
        intent.status = 'canceled';
        intent.cancellation_reason = 'requested_by_customer';
        deliver(stripe.webhook('payment_intent.canceled', snapshot(intent)), copies(), 3_000);
        return;
      }
      case 'pay-too-late': {
        // The buyer pays just before the hold runs out; Stripe's webhook arrives after it did.
        const due = Date.parse(order.holdUntil) - Date.now();
        await sleep(Math.max(0, due - 3_000));
        const event = stripe.webhook('payment_intent.succeeded', stripe.succeed(order.intentId));
        await sleep(Math.max(0, Date.parse(order.holdUntil) - Date.now()) + 5_000);
        deliver(event, copies(), 2_000);
        return;
      }
    }
  }

  // --- buyers ----------------------------------------------------------------------------
  const placed: PlacedOrder[] = [];
  const scripted: Promise<void>[] = [];
  let next = 0;
  async function placeOrders(): Promise<void> {
    while (next < orders) {
      next++;
      const key = `online-${randomUUID()}`;
      const body = { packageId: pick(['one', 'five']), channel: 'ONLINE', paymentMethod: 'stripe' };
      const send = () =>
        call(base, 'POST', ordersPath, { body, headers: { ...who.seller, 'idempotency-key': key } });
      // A double click: the same key twice at once must give one order and one PaymentIntent.
      const attempts = random() < 0.15 ? 2 : 1;
      const answers = await Promise.all(
        Array.from({ length: attempts }, () => untilAnswered(send, `online order ${key}`)),
      );
      const seen = answers.map((answer) => {
        if (!answer?.ok || answer.status !== 201) {
          report.violation(
            `online order ${key} refused: ${answer?.ok ? `${answer.status} ${answer.text.slice(0, 200)}` : 'no answer'}`,
          );
          return undefined;
        }
        return answer.body as {
          orderId: string;
          totalMinor: number;
          holdUntil: string;
          status: string;
          payment: { intentId: string };
        };
      });
      if (seen.some((order) => order === undefined)) continue;
      const [first] = seen as NonNullable<(typeof seen)[number]>[];
      for (const other of seen.slice(1)) {
        report.count('doubleClicks');
        report.check(
          other!.orderId === first.orderId && other!.payment.intentId === first.payment.intentId,
          `the same Idempotency-Key gave two orders or two PaymentIntents (${first.orderId}, ${other!.orderId})`,
        );
      }
      report.check(
        first.status === 'PENDING_PAYMENT',
        `online order ${first.orderId} is ${first.status} before any payment`,
      );
      let roll = random();
      const script = SCRIPTS.find(([, share]) => (roll -= share) < 0)?.[0] ?? 'pay';
      const order = {
        key,
        orderId: first.orderId,
        intentId: first.payment.intentId,
        totalMinor: first.totalMinor,
        holdUntil: first.holdUntil,
        script,
      };
      placed.push(order);
      report.count(`script_${script}`);
      scripted.push(buyer(order));
    }
  }
  await Promise.all(Array.from({ length: buyers }, () => placeOrders()));
  log(`${placed.length} online orders placed; waiting for late buyers, webhooks and held orders to run out`);

  // A forged webhook (not signed by Stripe's secret) changes nothing.
  const pending = placed.find((order) => order.script === 'fail-and-leave');
  if (pending) {
    const intent = {
      ...stripe.intents.get(pending.intentId)!,
      status: 'succeeded',
      amount_received: pending.totalMinor,
    };
    const payload = JSON.stringify({
      id: `evt_forged_${randomUUID()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      data: { object: intent },
    });
    const forged = await call(base, 'POST', '/v1/payments/stripe/webhook', {
      body: JSON.parse(payload),
      headers: { 'stripe-signature': `t=${Math.floor(Date.now() / 1000)},v1=${'0'.repeat(64)}` },
    });
    report.check(
      forged.ok && forged.status === 400,
      'a webhook with a forged signature was not refused with 400',
    );
    report.count('forgedWebhooks');
  }

  await Promise.all(scripted);
  await Promise.all(deliveries);
  selling = false;
  await cash;
  // Every hold runs out HOLD_SECONDS after its order; then the sweeper releases it.
  const lastHold = Math.max(...placed.map((order) => Date.parse(order.holdUntil)));
  await sleep(Math.max(0, lastHold - Date.now()) + 3_000);
  faultsOn = false;
  for (let i = 0; i < 240; i++) {
    const [{ open }] = await superuser<{ open: number }>(
      database.url,
      `select (select count(*) from ticket_order where raffle_id = $1 and status = 'PENDING_PAYMENT')
            + (select count(*) from payment_refund where raffle_id = $1 and status not in ('SUCCEEDED', 'FAILED')) as open`,
      [raffleId],
    );
    if (Number(open) === 0) break;
    await sleep(500);
  }

  // --- the audit, against Stripe's own records -------------------------------------------
  log('auditing against the provider: charges, refunds, orders, holds, numbers and the journal');
  const { orders: rows } = await readSales(database.url, raffleId);
  const byId = new Map(rows.map((row) => [row.id, row]));
  const intentsOf = new Map<string, PaymentIntentJson[]>();
  for (const intent of stripe.intents.values()) {
    const orderId = intent.metadata.orderId;
    if (!byId.has(orderId))
      report.violation(`PaymentIntent ${intent.id} is for order ${orderId}, which does not exist`);
    intentsOf.set(orderId, [...(intentsOf.get(orderId) ?? []), intent]);
  }
  const refundedOf = (intentId: string) =>
    [...stripe.refunds.values()]
      .filter((refund) => refund.payment_intent === intentId && refund.status === 'succeeded')
      .reduce((total, refund) => total + refund.amount, 0);
  const expected: Record<Script, 'PAID' | 'CANCELLED'> = {
    pay: 'PAID',
    'fail-then-pay': 'PAID',
    'fail-and-leave': 'CANCELLED',
    cancel: 'CANCELLED',
    'pay-too-late': 'CANCELLED',
  };
  for (const order of placed) {
    const row = byId.get(order.orderId);
    if (!row) {
      report.violation(`online order ${order.orderId} does not exist`);
      continue;
    }
    const intents = intentsOf.get(order.orderId) ?? [];
    report.check(
      intents.length === 1,
      `order ${order.orderId} has ${intents.length} PaymentIntents at Stripe`,
    );
    const charged = intents
      .filter((intent) => intent.status === 'succeeded')
      .reduce((total, intent) => total + intent.amount_received - refundedOf(intent.id), 0);
    const refunded = intents.reduce((total, intent) => total + refundedOf(intent.id), 0);
    report.check(
      refunded <= order.totalMinor,
      `order ${order.orderId} was refunded ${refunded}, more than it cost`,
    );
    if (row.status === 'PAID') {
      report.check(
        charged === order.totalMinor,
        `order ${order.orderId} has tickets but the buyer's net charge is ${charged}`,
      );
      report.check(
        row.payment_ref === order.intentId,
        `order ${order.orderId} is paid by ${row.payment_ref}, not its PaymentIntent`,
      );
    } else {
      report.check(
        charged === 0,
        `order ${order.orderId} is ${row.status}, yet the buyer is charged ${charged}`,
      );
    }
    report.check(
      row.status === expected[order.script],
      `order ${order.orderId} (${order.script}) ended ${row.status}, expected ${expected[order.script]}`,
    );
    if (order.script === 'pay-too-late' && refunded === order.totalMinor)
      report.count('latePaymentsRefunded');
    if (row.status === 'CANCELLED' && intents.some((intent) => intent.status === 'requires_payment_method'))
      report.count('intentsLeftOpenAtStripe');
  }
  const {
    verified,
    counts,
    counter: final,
  } = await auditDrillSales({
    report,
    base,
    auditor: who.auditor,
    dist,
    dataDir,
    databaseUrl: database.url,
    raffleId,
    acknowledged: cashAcks,
    everySaleAcknowledged: false,
  });
  const paidOnline = rows.filter((row) => row.payment_provider === 'stripe' && row.status === 'PAID');
  for (const row of paidOnline) {
    const intent = stripe.intents.get(row.payment_ref ?? '');
    report.check(
      intent?.status === 'succeeded',
      `order ${row.id} has tickets without a succeeded payment at Stripe`,
    );
  }
  report.check(final.held_tickets === 0, `${final.held_tickets} tickets are still held at the end`);

  report.set('onlineOrders', placed.length);
  report.set('onlinePaid', paidOnline.length);
  report.set('cashSales', cashAcks.length);
  report.set('stripeCalls', stripe.calls.length);
  report.set('refundsAtStripe', stripe.refunds.size);
  report.set('paidTotalMinor', counts.paidTotalMinor);
  report.set('journalEntries', verified.result.entries);
  log(`load average: ${await loadAverage()}`);
  if (report.violations.length > 0) log(`service output (last lines):\n${service.output().slice(-4000)}`);
  await service.kill('SIGTERM');
  rmSync(dataDir, { recursive: true, force: true });
  return report.finish();
}

runDrill('payment', main);
