import type { JournalEntry } from '../src/ledger/core/entry.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell, shortRaffle, until } from './support/draws.js';
import { raffleDraft } from './support/factories.js';
import { journal } from './support/journal.js';
import { order, type Headers } from './support/sales.js';

/**
 * A request through the load balancer: the client wrote the first X-Forwarded-For entry itself (any
 * address it likes), the ALB appended the address it saw. Only the ALB's is the client's.
 */
function via(address: string, requestId: string, headers: Headers): Headers {
  return { ...headers, 'x-forwarded-for': `192.0.2.66, ${address}`, 'x-request-id': requestId };
}

function one(entries: JournalEntry[], type: string, match: Record<string, unknown> = {}): JournalEntry {
  const found = entries.filter(
    (e) => e.type === type && Object.entries(match).every(([k, v]) => e.payload[k] === v),
  );
  if (found.length !== 1) throw new Error(`${found.length} ${type} entries match ${JSON.stringify(match)}`);
  return found[0];
}

function user(sub: string, role: string) {
  return { type: 'user', sub, roles: [role], issuer: 'fairdraw-local' };
}

describe('business entries carry who made the change, from which address, in which request (pglite, behind a proxy)', () => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let seller: Headers;

  beforeAll(async () => {
    t = await startTestApp({
      engine: 'pglite',
      env: {
        TRUST_PROXY: 'true',
        SALES_SCHEDULER_INTERVAL_MS: '100',
        // Draws here are made by hand only: the scheduler's first tick is ten minutes away.
        DRAW_SCHEDULER_INTERVAL_MS: '600000',
        DRAW_CUTOFF_GRACE_MS: '300',
      },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
  });
  afterAll(async () => t?.close());

  it('journals the caller, its address and its request id with a raffle lifecycle, sales, a void and the refunds', async () => {
    const alice = '203.0.113.10';
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/raffles',
      payload: raffleDraft(),
      headers: via(alice, 'req-create', admin),
    });
    expect(created.statusCode).toBe(201);
    expect(created.headers['x-request-id']).toBe('req-create');
    const id = created.json().id as string;
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${id}`,
      payload: { name: 'Renamed 50/50' },
      headers: via(alice, 'req-edit', admin),
    });
    expect(edited.statusCode).toBe(200);
    const opened = await t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${id}/open`,
      headers: via('203.0.113.20', 'req-open', operator),
    });
    expect(opened.statusCode).toBe(200);

    const sold = await order(t, id, via('198.51.100.7', 'req-sale', seller));
    expect(sold.statusCode).toBe(201);
    const kept = await order(t, id, via('198.51.100.8', 'req-sale-2', seller));
    expect(kept.statusCode).toBe(201);
    const voided = await t.app.inject({
      method: 'POST',
      url: `/v1/orders/${sold.json().orderId}/void`,
      payload: { reason: 'Printer jammed; ticket not handed over' },
      headers: via('203.0.113.30', 'req-void', operator),
    });
    expect(voided.statusCode).toBe(200);
    const cancelled = await t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${id}/cancel`,
      payload: { reason: 'Venue closed by the fire marshal' },
      headers: via(alice, 'req-cancel', admin),
    });
    expect(cancelled.statusCode).toBe(200);

    const entries = await until(
      () => journal(t, `raffle/${id}`),
      (all) => all.filter((e) => e.type === 'REFUND_COMPLETED').length === 2,
    );
    const expectOrigin = (entry: JournalEntry, actor: object, source: string, requestId: string) =>
      expect(entry.payload).toMatchObject({ actor, source, requestId });
    const adminAt = (requestId: string) => [user('alice-admin', 'admin'), alice, requestId] as const;

    expectOrigin(one(entries, 'RAFFLE_CREATED'), ...adminAt('req-create'));
    expectOrigin(one(entries, 'RAFFLE_UPDATED'), ...adminAt('req-edit'));
    expectOrigin(
      one(entries, 'RAFFLE_OPENED'),
      user('oscar-operator', 'operator'),
      '203.0.113.20',
      'req-open',
    );
    const first = sold.json().orderId as string;
    const second = kept.json().orderId as string;
    const seller7 = [user('sam-seller', 'seller'), '198.51.100.7', 'req-sale'] as const;
    expectOrigin(one(entries, 'TICKETS_SOLD', { orderId: first }), ...seller7);
    expectOrigin(
      one(entries, 'TICKETS_SOLD', { orderId: second }),
      user('sam-seller', 'seller'),
      '198.51.100.8',
      'req-sale-2',
    );
    const voider = [user('oscar-operator', 'operator'), '203.0.113.30', 'req-void'] as const;
    expectOrigin(one(entries, 'TICKETS_VOIDED', { orderId: first }), ...voider);
    expectOrigin(one(entries, 'REFUND_REQUESTED', { orderId: first }), ...voider);
    // The cancellation and everything it caused: the raffle step, the voids, the refund of the order still paid.
    expectOrigin(one(entries, 'RAFFLE_CANCELLED'), ...adminAt('req-cancel'));
    expectOrigin(one(entries, 'TICKETS_VOIDED', { reason: 'RAFFLE_CANCELLED' }), ...adminAt('req-cancel'));
    expectOrigin(one(entries, 'REFUND_REQUESTED', { orderId: second }), ...adminAt('req-cancel'));
    // Paying the refunds out is the service's own work.
    for (const orderId of [first, second]) {
      expect(one(entries, 'REFUND_COMPLETED', { orderId }).payload).toMatchObject({
        actor: { type: 'system' },
        source: null,
        requestId: null,
      });
    }
    // The address the client wrote into X-Forwarded-For is journaled nowhere.
    expect(JSON.stringify(entries)).not.toContain('192.0.2.66');
  });

  it('journals a scheduled close as the system, from no address and no request', async () => {
    const raffle = await shortRaffle(t, admin, { closeInMs: 1_500, drawAfterCloseMs: 3_600_000 });
    const entries = await until(
      () => journal(t, `raffle/${raffle.id}`),
      (all) => all.some((e) => e.type === 'RAFFLE_CLOSED'),
    );
    expect(one(entries, 'RAFFLE_CLOSED').payload).toMatchObject({
      by: 'system:scheduler',
      reason: 'SALES_WINDOW_ENDED',
      actor: { type: 'system' },
      source: null,
      requestId: null,
    });
  });

  it('journals a draw made by hand, a redraw, a contact with the winner, the claim and the settlement with their caller and address, and publishes no address', async () => {
    const raffle = await shortRaffle(t, admin, { closeInMs: 2_000, drawAfterCloseMs: 200 });
    const sold: Array<{ receipt: { tickets: { first: number; last: number }; verificationCode: string } }> =
      [];
    for (const pkg of ['five', 'thirty', 'one']) sold.push((await sell(t, raffle.id, seller, pkg)) as never);
    const drawn = await until(
      () =>
        t.app.inject({
          method: 'POST',
          url: '/v1/draws',
          payload: { raffleId: raffle.id, prizeId: 'main' },
          headers: via('203.0.113.40', 'req-draw', operator),
        }),
      (response) => response.statusCode === 200,
      30_000,
    );
    const draw = drawn.json();
    const redrawn = await t.app.inject({
      method: 'POST',
      url: `/v1/draws/${draw.drawId}/redraw`,
      payload: { ticket: draw.winningTickets[0], cause: 'INELIGIBLE', reason: 'winner is an employee' },
      headers: via('203.0.113.10', 'req-redraw', admin),
    });
    expect(redrawn.statusCode).toBe(200);
    // The standing winner is reached and claims the prize: both journaled with the operator's origin.
    const redraw = redrawn.json();
    const winner = redraw.winningTickets[0] as number;
    const holder = sold.find((o) => o.receipt.tickets.first <= winner && winner <= o.receipt.tickets.last)!;
    const prizeEntry = one(await journal(t, `raffle/${raffle.id}`), 'DRAW_PRIZE', { drawId: redraw.drawId });
    const contacted = await t.app.inject({
      method: 'POST',
      url: `/v1/draws/${redraw.drawId}/contact-attempts`,
      payload: { channel: 'PHONE', outcome: 'REACHED', contact: '+1 555 0100' },
      headers: via('203.0.113.40', 'req-contact', operator),
    });
    expect(contacted.statusCode).toBe(201);
    const claimed = await t.app.inject({
      method: 'POST',
      url: `/v1/draws/${redraw.drawId}/claim`,
      payload: {
        verificationCode: holder.receipt.verificationCode,
        claimant: { name: 'A. Winner' },
        identityDocument: { type: 'PASSPORT', reference: 'P1234567' },
        payment: { method: 'CHEQUE', reference: 'cheque 1042' },
        amountMinor: prizeEntry.payload.amountMinor,
      },
      headers: via('203.0.113.40', 'req-claim', operator),
    });
    expect(claimed.statusCode).toBe(201);
    const settled = await t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${raffle.id}/settle`,
      payload: { note: 'Prize paid by cheque 1042' },
      headers: via('203.0.113.10', 'req-settle', admin),
    });
    expect(settled.statusCode).toBe(200);

    const entries = await journal(t, `raffle/${raffle.id}`);
    const byOperator = {
      actor: user('oscar-operator', 'operator'),
      source: '203.0.113.40',
      requestId: 'req-draw',
    };
    const byAdmin = (requestId: string) => ({
      actor: user('alice-admin', 'admin'),
      source: '203.0.113.10',
      requestId,
    });
    expect(one(entries, 'DRAW_PRIZE', { drawId: draw.drawId }).payload).toMatchObject({
      by: 'oscar-operator',
      ...byOperator,
    });
    expect(one(entries, 'RAFFLE_DRAWN').payload).toMatchObject(byOperator);
    expect(one(entries, 'DRAW_PRIZE', { drawId: redrawn.json().drawId }).payload).toMatchObject({
      by: 'alice-admin',
      ...byAdmin('req-redraw'),
    });
    expect(one(entries, 'RAFFLE_SETTLED').payload).toMatchObject(byAdmin('req-settle'));
    expect(one(entries, 'WINNER_CONTACT_ATTEMPTED').payload).toMatchObject({
      ...byOperator,
      requestId: 'req-contact',
    });
    expect(one(entries, 'PRIZE_CLAIMED').payload).toMatchObject({ ...byOperator, requestId: 'req-claim' });
    // The draw records (read exactly by the verifier, published with every proof) carry no address.
    for (const drawId of [draw.drawId, redrawn.json().drawId]) {
      const proof = await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}/proof` });
      expect(proof.statusCode).toBe(200);
      expect(proof.body).not.toMatch(/203\.0\.113\./);
    }
  });
});
