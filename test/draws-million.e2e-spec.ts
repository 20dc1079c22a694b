import { SYSTEM_ORIGIN } from '../src/audit/significant-event.js';
import { verifyDrawProof } from '../src/draw/core/index.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell, sellOffline, shortRaffle, until, voidOrder } from './support/draws.js';
import type { Headers } from './support/sales.js';

/** A draw over a million tickets sold in realistic packages (1, 5 and 30), through the real sales path. */
describe('a draw over 1,000,000 tickets (postgres)', () => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let seller: Headers;

  beforeAll(async () => {
    t = await startTestApp({
      engine: 'postgres',
      env: {
        SALES_SCHEDULER_INTERVAL_MS: '100',
        DRAW_SCHEDULER_INTERVAL_MS: '200',
        DRAW_SETTLE_WAIT_MS: '60000',
      },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
  });
  afterAll(async () => t?.close());

  it('seals every sold, not voided ticket of a million and draws one of them', async () => {
    // Sales close only once the million is sold: the window is closed by hand.
    const raffle = await shortRaffle(t, admin, {
      closeInMs: 30 * 60_000,
      drawAfterCloseMs: 1_000,
      overrides: { maxTickets: 1_000_100 },
    });
    const offline = await sellOffline(t, raffle.id, seller, 1_000_000);
    const online = await sell(t, raffle.id, seller, 'thirty');
    const voided = await sell(t, raffle.id, seller, 'five');
    expect((await voidOrder(t, voided.orderId, operator)).statusCode).toBe(200);
    const sold = offline.reduce((sum, r) => sum + r.last - r.first + 1, 0) + 30;
    expect(sold).toBe(1_000_030);

    // Closing now makes the MAIN draw due at its time (salesCloseAt stays the rules' time).
    expect(
      (await t.app.inject({ method: 'POST', url: `/v1/raffles/${raffle.id}/close`, headers: admin }))
        .statusCode,
    ).toBe(200);
    // The draw time is half an hour away; an operator may not run it early.
    const early = await t.app.inject({
      method: 'POST',
      url: '/v1/draws',
      payload: { raffleId: raffle.id, prizeId: 'main' },
      headers: operator,
    });
    expect(early.json().code).toBe('DRAW_NOT_DUE');
    // The final seal is made as soon as sales are closed.
    const sealStarted = Date.now();
    const { DrawService } = await import('../src/draw/draw.service.js');
    const draws = t.app.get(DrawService);
    const seal = await until(
      () => draws.sealsOf(raffle.id),
      (s) => s.length === 1,
      300_000,
    );
    const sealMs = Date.now() - sealStarted;
    expect(seal[0]).toMatchObject({ sales_closed: true, ticket_count: sold });

    const drawStarted = Date.now();
    const row = await draws.run(
      raffle.id,
      'main',
      'test-operator',
      SYSTEM_ORIGIN,
      new Date(Date.now() + 31 * 60_000),
    );
    const drawMs = Date.now() - drawStarted;
    const winner = (JSON.parse(row.tickets) as number[])[0];
    const inOffline = offline.some((r) => r.first <= winner && winner <= r.last);
    const inOnline = online.receipt.tickets.first <= winner && winner <= online.receipt.tickets.last;
    expect(inOffline || inOnline).toBe(true);

    const proofStarted = Date.now();
    const proof = await t.app.inject({ method: 'GET', url: `/v1/draws/${row.id}/proof` });
    const proofMs = Date.now() - proofStarted;
    expect(verifyDrawProof(proof.json().drawProof).tickets).toEqual([winner]);
    process.stdout.write(
      `a million tickets (${sold} sold, ${seal[0].range_count} ranges): sealed ${sealMs} ms after close, drawn in ${drawMs} ms, proof in ${proofMs} ms\n`,
    );
  }, 900_000);
});
