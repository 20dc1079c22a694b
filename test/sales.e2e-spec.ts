import { createHash } from 'node:crypto';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { idempotencyKey, raffleDraft } from './support/factories.js';
import { journal } from './support/journal.js';
import { openRaffle, order, posCash, summary, type Headers } from './support/sales.js';

describe.each(['pglite', 'postgres'] as const)('ticket sales on %s', (engine) => {
  let t: TestApp;
  let admin: Headers;
  let seller: Headers;
  let otherSeller: Headers;
  let auditor: Headers;

  beforeAll(async () => {
    t = await startTestApp({ engine, env: { PUBLIC_STATS_CACHE_MS: '0' } });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    otherSeller = bearer(await t.token(['seller'], 'olga-seller'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
  });
  afterAll(async () => t?.close());

  it('sells a package for cash with consecutive numbers, a complete receipt and its journal entry', async () => {
    const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
    const first = await order(t, raffle.id, seller, { ...posCash, packageId: 'five' });
    expect(first.statusCode).toBe(201);
    const sold = first.json();
    expect(sold).toMatchObject({
      status: 'PAID',
      tickets: 5,
      totalMinor: 2_000,
      payment: { method: 'cash', status: 'PAID' },
    });
    expect(sold.receipt).toMatchObject({
      status: 'PAID',
      raffle: { id: raffle.id, licenseNumber: 'RAF-2026-000123', drawId: raffle.id },
      purchaseJurisdiction: 'Ontario',
      channel: 'POS',
      sellerId: 'sam-seller',
      posId: 'pos-01',
      tickets: { first: 1, last: 5, count: 5 },
      package: { id: 'five', tickets: 5, priceMinor: 2_000 },
      totalMinor: 2_000,
      currency: 'CAD',
    });
    expect(sold).toMatchObject({ reprints: 0, lastReprintAt: null });
    expect(sold.receipt.draws).toEqual([expect.objectContaining({ prizeId: 'main', kind: 'MAIN' })]);
    expect(sold.receipt.verificationCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){3}$/);
    expect(sold.receipt.journal).toEqual({
      seq: expect.any(Number),
      leafHash: expect.stringMatching(/^[0-9a-f]{64}$/),
    });

    const next = (await order(t, raffle.id, seller, { ...posCash, packageId: 'thirty' })).json();
    const third = (await order(t, raffle.id, seller)).json();
    expect(next.receipt.tickets).toEqual({ first: 6, last: 35, count: 30 });
    expect(third.receipt.tickets).toEqual({ first: 36, last: 36, count: 1 });

    const entries = await journal(t, `raffle/${raffle.id}`);
    const soldEntry = entries.find((e) => e.seq === sold.receipt.journal.seq)!;
    expect(soldEntry.type).toBe('TICKETS_SOLD');
    expect(soldEntry.payload).toMatchObject({
      orderId: sold.orderId,
      first: 1,
      last: 5,
      priceMinor: 2_000,
      channel: 'POS',
      sellerId: 'sam-seller',
      deviceId: 'pos-01',
      payment: { provider: 'cash', ref: null },
      codeHash: createHash('sha256').update(sold.receipt.verificationCode).digest('hex'),
    });
    expect(soldEntry.hash).toBe(sold.receipt.journal.leafHash);
    expect(entries.filter((e) => e.type === 'TICKETS_SOLD')).toHaveLength(3);

    const again = await t.app.inject({ method: 'GET', url: `/v1/orders/${sold.orderId}`, headers: auditor });
    expect(again.json()).toEqual(sold);
  });

  it('verifies a validation number publicly, showing nothing about the buyer or seller', async () => {
    const raffle = await openRaffle(t, admin);
    const sold = (
      await order(t, raffle.id, seller, { ...posCash, buyerReference: 'pat@example.org' })
    ).json();
    const code: string = sold.receipt.verificationCode;
    const response = await t.app.inject({
      method: 'GET',
      url: `/v1/tickets/verify/${code.toLowerCase().replace(/-/g, '')}`,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      verificationCode: code,
      status: 'VALID',
      raffleStatus: 'OPEN',
      tickets: sold.receipt.tickets,
      raffle: { id: raffle.id, name: raffle.name },
      winningNumbers: [],
    });
    expect(response.body).not.toMatch(/sam-seller|pos-01|pat@example|buyer|seller/i);
    const typo = code.slice(0, -1) + (code.endsWith('7') ? '8' : '7');
    expect((await t.app.inject({ method: 'GET', url: `/v1/tickets/verify/${typo}` })).statusCode).toBe(400);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/tickets/verify/0000-0000-0000-0000' })).statusCode,
    ).toBe(404);
  });

  it('returns the same order for a retried Idempotency-Key and never sells twice', async () => {
    const raffle = await openRaffle(t, admin);
    const key = idempotencyKey();
    const first = await order(t, raffle.id, seller, posCash, key);
    const retry = await order(t, raffle.id, seller, posCash, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    expect(retry.json()).toEqual(first.json());

    const reused = await order(t, raffle.id, seller, { ...posCash, packageId: 'five' }, key);
    expect(reused.statusCode).toBe(409);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherCaller = await order(t, raffle.id, otherSeller, posCash, key);
    expect(otherCaller.statusCode).toBe(409);

    const missing = await t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${raffle.id}/orders`,
      payload: posCash,
      headers: seller,
    });
    expect(missing.statusCode).toBe(400);
    expect(missing.json().fields).toEqual([
      { field: 'Idempotency-Key', messages: [expect.stringContaining('required')] },
    ]);

    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({
      issued: 1,
      sold: 1,
      consistent: true,
    });
  });

  it('answers a retry with its order after sales closed, and still refuses a new order or another body', async () => {
    const raffle = await openRaffle(t, admin);
    const key = idempotencyKey();
    const first = await order(t, raffle.id, seller, posCash, key);
    expect(first.statusCode).toBe(201);
    const closed = await t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${raffle.id}/close`,
      headers: admin,
    });
    expect(closed.statusCode).toBe(200);

    const retry = await order(t, raffle.id, seller, posCash, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(first.json());
    const reused = await order(t, raffle.id, seller, { ...posCash, packageId: 'five' }, key);
    expect(reused.json()).toMatchObject({ status: 409, code: 'IDEMPOTENCY_KEY_REUSED' });
    expect((await order(t, raffle.id, otherSeller, posCash, key)).json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await order(t, raffle.id, seller)).json()).toMatchObject({ status: 409, code: 'SALES_CLOSED' });
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({ issued: 1, sold: 1 });
  });

  it('answers concurrent retries of one key with one sale', async () => {
    const raffle = await openRaffle(t, admin);
    const key = idempotencyKey();
    const responses = await Promise.all(
      Array.from({ length: 12 }, () => order(t, raffle.id, seller, posCash, key)),
    );
    expect(responses.map((r) => r.statusCode)).toEqual(Array(12).fill(201));
    expect(new Set(responses.map((r) => r.json().orderId)).size).toBe(1);
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === undefined)).toHaveLength(1);
    const sales = await summary(t, raffle.id, auditor);
    expect(sales).toMatchObject({ soldOrders: 1, paidTotalMinor: 1_000, numbers: { issued: 1 } });
  });

  it('answers bad bodies with 400 naming the field, and sells nothing', async () => {
    const raffle = await openRaffle(t, admin, { channels: ['POS', 'ONLINE'] });
    const cases: Array<[object, string]> = [
      [{ ...posCash, packageId: 'ten' }, 'packageId'],
      [{ ...posCash, channel: 'CASHIER' }, 'channel'],
      [{ packageId: 'one', channel: 'POS', paymentMethod: 'cash' }, 'deviceId'],
      [{ ...posCash, paymentMethod: 'stripe' }, 'paymentMethod'],
      [{ packageId: 'one', channel: 'ONLINE', paymentMethod: 'cash' }, 'paymentMethod'],
      [{ ...posCash, paymentMethod: 'bitcoin' }, 'paymentMethod'],
      [{ ...posCash, priceMinor: 1 }, 'priceMinor'],
      [{ ...posCash, deviceId: 'has spaces' }, 'deviceId'],
    ];
    for (const [body, field] of cases) {
      const response = await order(t, raffle.id, seller, body);
      expect({ field, status: response.statusCode }).toEqual({ field, status: 400 });
      expect(response.json().fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    const unknown = await order(t, '3f0b8a4e-7d7e-4f5e-9a55-3c2f1d0e9b11', seller);
    expect(unknown.statusCode).toBe(404);
    const badRaffle = await order(t, 'not-a-raffle', seller);
    expect(badRaffle.statusCode).toBe(400);
    expect(badRaffle.json()).toMatchObject({
      code: 'VALIDATION_FAILED',
      fields: [{ field: 'raffleId', messages: ['raffleId must be a UUID'] }],
    });
    expect((await order(t, raffle.id, auditor)).statusCode).toBe(403);
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({ issued: 0, sold: 0 });
  });

  it('refuses sales outside OPEN and its window, past the maximum and past the per-buyer limit', async () => {
    const draft = (
      await t.app.inject({ method: 'POST', url: '/v1/raffles', payload: raffleDraft(), headers: admin })
    ).json();
    expect((await order(t, draft.id, seller)).json().code).toBe('RAFFLE_NOT_OPEN');

    const later = await openRaffle(t, admin, { salesOpenAt: new Date(Date.now() + 3_600_000).toISOString() });
    expect((await order(t, later.id, seller)).json()).toMatchObject({
      status: 409,
      code: 'SALES_NOT_STARTED',
    });

    const small = await openRaffle(t, admin, { maxTickets: 32 });
    expect((await order(t, small.id, seller, { ...posCash, packageId: 'thirty' })).statusCode).toBe(201);
    const tooMany = await order(t, small.id, seller, { ...posCash, packageId: 'five' });
    expect(tooMany.json()).toMatchObject({ status: 409, code: 'SOLD_OUT' });
    expect((await order(t, small.id, seller)).statusCode).toBe(201);
    expect((await order(t, small.id, seller)).statusCode).toBe(201);
    expect((await order(t, small.id, seller)).json().code).toBe('SOLD_OUT');
    expect((await summary(t, small.id, auditor)).numbers).toMatchObject({
      issued: 32,
      sold: 32,
      consistent: true,
    });

    const limited = await openRaffle(t, admin, { maxTicketsPerBuyer: 35 });
    const online = {
      packageId: 'thirty',
      channel: 'ONLINE',
      paymentMethod: 'test',
      buyerReference: 'Pat@Example.org',
    };
    expect((await order(t, limited.id, seller, online)).statusCode).toBe(201);
    const over = await order(t, limited.id, seller, {
      ...online,
      packageId: 'five',
      buyerReference: 'pat@example.org',
    });
    expect(over.statusCode).toBe(201);
    const beyond = await order(t, limited.id, seller, { ...online, packageId: 'one' });
    expect(beyond.json()).toMatchObject({
      code: 'BUYER_LIMIT_REACHED',
      fields: [{ field: 'buyerReference' }],
    });
    expect(
      (await order(t, limited.id, seller, { ...online, buyerReference: 'someone-else' })).statusCode,
    ).toBe(201);
    const anonymous = await order(t, limited.id, seller, {
      packageId: 'one',
      channel: 'ONLINE',
      paymentMethod: 'test',
    });
    expect(anonymous.json().fields).toEqual([{ field: 'buyerReference', messages: [expect.any(String)] }]);

    const closing = await openRaffle(t, admin);
    await t.app.inject({ method: 'POST', url: `/v1/raffles/${closing.id}/close`, headers: admin });
    expect((await order(t, closing.id, seller)).json()).toMatchObject({ status: 409, code: 'SALES_CLOSED' });
  });

  it('shows the live counter and the 50/50 estimate publicly, rounded down', async () => {
    const raffle = await openRaffle(t, admin, {
      prizeShareBps: 3_333,
      seedMinor: 250,
      jurisdiction: 'GLI31-DEFAULT',
    });
    await order(t, raffle.id, seller, { ...posCash, packageId: 'five' });
    await order(t, raffle.id, seller);
    await order(t, raffle.id, seller);
    const response = await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffle.id}/public` });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'OPEN',
      salesOpen: true,
      ticketsSold: 7,
      prizeEstimate: {
        amountMinor: Math.floor((4_000 * 3_333) / 10_000) + 250,
        isEstimate: true,
        shareBps: 3_333,
        seedMinor: 250,
      },
    });
    const draft = (
      await t.app.inject({ method: 'POST', url: '/v1/raffles', payload: raffleDraft(), headers: admin })
    ).json();
    expect((await t.app.inject({ method: 'GET', url: `/v1/raffles/${draft.id}/public` })).statusCode).toBe(
      404,
    );
  });

  it('shows a seller only their own orders', async () => {
    const raffle = await openRaffle(t, admin);
    const sold = (await order(t, raffle.id, seller)).json();
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/orders/${sold.orderId}`, headers: seller })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/orders/${sold.orderId}`, headers: otherSeller }))
        .statusCode,
    ).toBe(404);
  });

  it('reprints a paid receipt marked as a reprint, numbered and journaled; never a voided one (TKT-6)', async () => {
    const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
    const sold = (await order(t, raffle.id, seller, { ...posCash, packageId: 'five' })).json();
    const reprint = (headers: Headers, payload: object = {}) =>
      t.app.inject({ method: 'POST', url: `/v1/orders/${sold.orderId}/reprint`, payload, headers });

    const first = await reprint(seller, { deviceId: 'pos-07', reason: 'Printer jammed' });
    expect(first.statusCode).toBe(201);
    const copy = first.json();
    const { reprint: mark, ...receipt } = copy;
    expect(receipt).toEqual(sold.receipt);
    expect(mark).toEqual({
      number: 1,
      reprintedAt: expect.any(String),
      reprintedBy: 'sam-seller',
      deviceId: 'pos-07',
      label: expect.stringMatching(/^REPRINT #1 - printed .+ - original issued /),
      journal: { seq: expect.any(Number), leafHash: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(mark.label).toContain(mark.reprintedAt);
    expect(mark.label).toContain(sold.receipt.issuedAt);

    // Concurrent reprints each get their own number; another seller cannot reprint this order.
    const more = await Promise.all([reprint(admin), reprint(admin), reprint(seller)]);
    expect(more.map((r) => r.statusCode)).toEqual([201, 201, 201]);
    expect(more.map((r) => r.json().reprint.number).sort()).toEqual([2, 3, 4]);
    expect((await reprint(otherSeller)).statusCode).toBe(404);
    const bad = await reprint(seller, { deviceId: 'no spaces allowed', reason: 'x' });
    expect(bad.statusCode).toBe(400);
    expect(
      bad
        .json()
        .fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['deviceId', 'reason']);

    // The original record is unchanged: GET still shows the receipt as first issued, and how many
    // copies were printed again and when the last one was.
    const fetched = await t.app.inject({ method: 'GET', url: `/v1/orders/${sold.orderId}`, headers: seller });
    expect(fetched.json().receipt).toEqual(sold.receipt);
    const marks = [mark, ...more.map((r) => r.json().reprint)];
    const lastAt = marks.map((m) => m.reprintedAt as string).sort()[marks.length - 1];
    expect(fetched.json()).toMatchObject({ reprints: 4, lastReprintAt: lastAt });
    expect(sold).toMatchObject({ reprints: 0, lastReprintAt: null });

    const voided = await t.app.inject({
      method: 'POST',
      url: `/v1/orders/${sold.orderId}/void`,
      payload: { reason: 'Buyer changed their mind' },
      headers: admin,
    });
    expect(voided.statusCode).toBe(200);
    expect(voided.json()).toMatchObject({ status: 'VOIDED', reprints: 4, lastReprintAt: lastAt });
    const refused = await reprint(seller);
    expect(refused.statusCode).toBe(409);
    expect(refused.json().code).toBe('RECEIPT_VOIDED');
    // A refused reprint counts nothing.
    const afterRefusal = await t.app.inject({
      method: 'GET',
      url: `/v1/orders/${sold.orderId}`,
      headers: auditor,
    });
    expect(afterRefusal.json()).toMatchObject({ reprints: 4, lastReprintAt: lastAt });

    const entries = (await journal(t, `raffle/${raffle.id}`)).filter((e) => e.type === 'RECEIPT_REPRINTED');
    expect(entries.map((e) => e.payload.reprint).sort()).toEqual([1, 2, 3, 4]);
    expect(entries.find((e) => e.seq === mark.journal.seq)!.payload).toEqual({
      orderId: sold.orderId,
      raffleId: raffle.id,
      reprint: 1,
      first: 1,
      last: 5,
      codeHash: createHash('sha256').update(sold.receipt.verificationCode).digest('hex'),
      deviceId: 'pos-07',
      reason: 'Printer jammed',
      by: 'sam-seller',
      reprintedAt: mark.reprintedAt,
      actor: { type: 'user', sub: 'sam-seller', roles: ['seller'], issuer: 'fairdraw-local' },
      source: '127.0.0.1',
      requestId: expect.any(String),
    });
  });
});
