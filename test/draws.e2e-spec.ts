import { normaliseTickets, sealSet, verifyDrawProof } from '../src/draw/core/index.js';
import { verifyPublishedDraw } from '../src/results/public/verifier/index.js';
import { offlineVerificationCode } from '../src/ticket/verification-code.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { idempotencyKey } from './support/factories.js';
import { sell, shortRaffle, until, voidOrder } from './support/draws.js';
import { journal, types } from './support/journal.js';
import type { Headers } from './support/sales.js';

describe.each(['pglite', 'postgres'] as const)('draws on %s', (engine) => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let seller: Headers;

  beforeAll(async () => {
    t = await startTestApp({
      engine,
      env: {
        SALES_SCHEDULER_INTERVAL_MS: '100',
        DRAW_SCHEDULER_INTERVAL_MS: '100',
        DRAW_CUTOFF_GRACE_MS: '300',
      },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
  });
  afterAll(async () => t?.close());

  const results = async (raffleId: string) => {
    const response = await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffleId}/results` });
    expect(response.statusCode).toBe(200);
    return response.json();
  };

  it('draws the main prize at its time from exactly the sold, not voided tickets (never unsold or voided ones), journaled before it is shown', async () => {
    const raffle = await shortRaffle(t, admin, { closeInMs: 10_000 });
    const orders = [];
    for (const pkg of ['five', 'one', 'thirty']) orders.push(await sell(t, raffle.id, seller, pkg)); // 1-5, 6, 7-36
    // Unsold: a POS block of 20 numbers (37-56) of which the device sold 5 (37-41) and returned the rest.
    const block = (
      await t.app.inject({
        method: 'POST',
        url: `/v1/raffles/${raffle.id}/blocks`,
        payload: { deviceId: 'handheld-1', tickets: 20 },
        headers: { ...seller, 'idempotency-key': idempotencyKey() },
      })
    ).json();
    const soldAt = new Date(Date.parse(block.reservedAt) + 1).toISOString();
    const code = offlineVerificationCode(Buffer.from(block.blockKey, 'hex'), raffle.id, 37, 41);
    const uploaded = await t.app.inject({
      method: 'POST',
      url: `/v1/blocks/${block.blockId}/sales`,
      payload: {
        deviceId: 'handheld-1',
        sales: [{ first: 37, last: 41, packageId: 'five', soldAt, verificationCode: code }],
      },
      headers: seller,
    });
    expect(uploaded.statusCode).toBe(200);
    const returned = await t.app.inject({
      method: 'POST',
      url: `/v1/blocks/${block.blockId}/return`,
      payload: { deviceId: 'handheld-1', reason: 'End of shift' },
      headers: seller,
    });
    expect(returned.statusCode).toBe(200);
    for (const pkg of ['five', 'one', 'one']) orders.push(await sell(t, raffle.id, seller, pkg)); // 57-61, 62, 63
    expect(orders.map((o) => [o.receipt.tickets.first, o.receipt.tickets.last])).toEqual([
      [1, 5],
      [6, 6],
      [7, 36],
      [57, 61],
      [62, 62],
      [63, 63],
    ]);
    // Voided: most of the numbers sold (1-5, 7-36, 63) leave the draw.
    for (const o of [orders[0], orders[2], orders[5]])
      expect((await voidOrder(t, o.orderId, operator)).statusCode).toBe(200);
    const eligible = [
      { first: 6, last: 6 },
      { first: 37, last: 41 },
      { first: 57, last: 62 },
    ];
    const expectedSet = sealSet(normaliseTickets({ sold: eligible }));
    const voided = new Set<number>();
    for (const o of [orders[0], orders[2], orders[5]])
      for (let n = o.receipt.tickets.first; n <= o.receipt.tickets.last; n++) voided.add(n);
    const sold = 36 + 5 + 7;

    const drawn = await until(
      () => results(raffle.id),
      (r) => r.prizes[0].status === 'DRAWN',
    );
    const main = drawn.prizes[0];
    expect(drawn.status).toBe('DRAWN');
    // The sealed set is exactly the sold, not voided numbers: same count, same ranges, same root.
    expect(main.draw.seal).toMatchObject({
      salesClosed: true,
      ...expectedSet.commitment,
    });
    expect(expectedSet.count).toBe(sold - voided.size);
    expect(expectedSet.count).toBe(12);
    expect(main.draw.winningTickets).toHaveLength(1);
    const winner = main.draw.winningTickets[0];
    expect(eligible.some((r) => r.first <= winner && winner <= r.last)).toBe(true);
    expect(voided.has(winner)).toBe(false);
    expect(main.draw.prize).toMatchObject({
      basis: 'SHARE_OF_SALES',
      rounding: 'down',
      shareBasisPoints: 5_000,
    });
    expect(main.draw.rng).toEqual({ provider: 'os', certified: false });

    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(types(entries)).toEqual(
      expect.arrayContaining(['DRAW_SEALED', 'DRAW_RESULT', 'DRAW_PRIZE', 'RAFFLE_DRAWN']),
    );
    const sealedAt = types(entries).indexOf('DRAW_SEALED');
    expect(types(entries).slice(sealedAt + 1)).not.toContain('TICKETS_SOLD');

    const proof = await t.app.inject({ method: 'GET', url: main.draw.proofUrl });
    expect(proof.statusCode).toBe(200);
    expect(verifyDrawProof(proof.json().drawProof).tickets).toEqual([winner]);
    // The proof carries the RNG_REQUEST that served the bytes, proven in the same tree, and the browser
    // verifier (run here on Node's WebCrypto) checks the binding as the offline verifier does.
    const published = proof.json();
    expect(published.journal.rngRequest.entry).toMatchObject({
      type: 'RNG_REQUEST',
      payload: { requestId: published.drawProof.draw.rngRequestId },
    });
    const report = await verifyPublishedDraw(published);
    expect(report).toMatchObject({ ok: true, complete: true });
    expect(report.checks.find((c) => c.id === 'journal-rng')).toMatchObject({ status: 'pass' });
  });

  it('refuses a hand-run draw before its time, and a void once the tickets are sealed', async () => {
    const raffle = await shortRaffle(t, admin, { closeInMs: 4_000, drawAfterCloseMs: 60_000 });
    const kept = await sell(t, raffle.id, seller, 'five');
    const early = await t.app.inject({
      method: 'POST',
      url: '/v1/draws',
      payload: { raffleId: raffle.id, prizeId: 'main' },
      headers: operator,
    });
    expect(early.statusCode).toBe(409);
    expect(early.json().code).toBe('DRAW_NOT_DUE');
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/draws',
          payload: { raffleId: raffle.id, prizeId: 'main' },
          headers: seller,
        })
      ).statusCode,
    ).toBe(403);
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: '/v1/draws',
          payload: { raffleId: raffle.id, prizeId: 'no such prize!' },
          headers: operator,
        })
      ).json().fields,
    ).toEqual([{ field: 'prizeId', messages: [expect.stringContaining('prizeId')] }]);
    // Sales close; the final set is sealed at once (before the draw time): no ticket can leave it.
    const entries = await until(
      () => journal(t, `raffle/${raffle.id}`),
      (list) => types(list).includes('DRAW_SEALED'),
    );
    expect(entries.find((e) => e.type === 'DRAW_SEALED')!.payload).toMatchObject({
      count: 5,
      salesClosed: true,
    });
    const refused = await voidOrder(t, kept.orderId, operator);
    expect(refused.statusCode).toBe(409);
    expect(refused.json()).toMatchObject({
      code: 'TICKETS_SEALED',
      message: expect.stringContaining('sealed'),
    });
    expect(types(await journal(t, `raffle/${raffle.id}`))).not.toContain('TICKETS_VOIDED');
  });
});
