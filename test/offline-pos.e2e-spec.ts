import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SYSTEM_ORIGIN } from '../src/audit/significant-event.js';
import { DatabaseService } from '../src/database/database.service.js';
import { chainEntries, exportLine, type JournalEntry, ZERO_HASH } from '../src/ledger/core/entry.js';
import { main as verifyCli } from '../src/ledger/cli/verify.js';
import { verifyDrawProof } from '../src/draw/core/index.js';
import { DrawSets } from '../src/draw/draw-sets.js';
import { RaffleService } from '../src/raffle/raffle.service.js';
import { verifyPublishedDraw } from '../src/results/public/verifier/index.js';
import { TicketService } from '../src/ticket/ticket.service.js';
import { offlineVerificationCode } from '../src/ticket/verification-code.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell, shortRaffle, until } from './support/draws.js';
import { idempotencyKey } from './support/factories.js';
import { journal, types } from './support/journal.js';
import { openRaffle, order, posCash, summary, type Headers } from './support/sales.js';

const NORTH_DAKOTA = { jurisdiction: 'ND-AG' as const, channels: ['POS' as const, 'CASHIER' as const] };

describe.each(['pglite', 'postgres'] as const)('offline point of sale on %s', (engine) => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let seller: Headers;
  let auditor: Headers;

  beforeAll(async () => {
    t = await startTestApp({ engine });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
  });
  afterAll(async () => t?.close());

  const reserve = (
    raffleId: string,
    payload: object,
    headers = seller,
    key: string | null = idempotencyKey(),
  ) =>
    t.app.inject({
      method: 'POST',
      url: `/v1/raffles/${raffleId}/blocks`,
      payload,
      headers: key === null ? headers : { ...headers, 'idempotency-key': key },
    });
  const upload = (blockId: string, payload: object, headers = seller) =>
    t.app.inject({ method: 'POST', url: `/v1/blocks/${blockId}/sales`, payload, headers });
  const giveBack = (blockId: string, payload: object, headers = seller) =>
    t.app.inject({ method: 'POST', url: `/v1/blocks/${blockId}/return`, payload, headers });
  const drawNow = (raffleId: string) =>
    t.app
      .get(DatabaseService)
      .transaction((trx) => t.app.get(RaffleService).markDrawn(trx, raffleId, 'system:draw', SYSTEM_ORIGIN));

  it('refuses to reserve numbers where they may only be issued on a purchase (Ontario)', async () => {
    const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
    const response = await reserve(raffle.id, { deviceId: 'handheld-1', tickets: 50 });
    expect(response.statusCode).toBe(409);
    expect(response.json()).toMatchObject({
      code: 'RESERVATION_NOT_ALLOWED',
      message: expect.stringContaining('TKT-3'),
    });
    expect((await summary(t, raffle.id, auditor)).numbers.issued).toBe(0);
  });

  it('reserves a block, records its offline sales with the codes the device printed, returns the rest; the draw waits for it', async () => {
    const raffle = await openRaffle(t, admin, NORTH_DAKOTA);
    expect((await reserve(raffle.id, { deviceId: 'handheld-1', tickets: 5_001 })).json().fields).toEqual([
      { field: 'tickets', messages: [expect.stringContaining('5000')] },
    ]);
    const reserved = await reserve(raffle.id, { deviceId: 'handheld-1', tickets: 50 });
    expect(reserved.statusCode).toBe(201);
    const block = reserved.json();
    expect(block).toMatchObject({
      first: 1,
      last: 50,
      status: 'RESERVED',
      outstandingTickets: 50,
      deviceId: 'handheld-1',
    });
    expect(block.blockKey).toMatch(/^[0-9a-f]{64}$/);
    const online = (await order(t, raffle.id, seller, posCash)).json();
    expect(online.receipt.tickets).toEqual({ first: 51, last: 51, count: 1 });

    // Sold out of coverage: the device prints codes from the block key.
    const key = Buffer.from(block.blockKey, 'hex');
    const soldAt = new Date(Date.parse(block.reservedAt) + 1).toISOString();
    const sales = [
      { first: 1, last: 5, packageId: 'five', soldAt },
      { first: 6, last: 6, packageId: 'one', soldAt },
      { first: 7, last: 36, packageId: 'thirty', soldAt },
    ].map((sale) => ({
      ...sale,
      verificationCode: offlineVerificationCode(key, raffle.id, sale.first, sale.last),
    }));

    expect((await upload(block.blockId, { deviceId: 'handheld-2', sales })).json().code).toBe(
      'NOT_RESERVED_TO_DEVICE',
    );
    const refused = await upload(block.blockId, {
      deviceId: 'handheld-1',
      sales: [
        sales[0],
        {
          first: 49,
          last: 53,
          packageId: 'five',
          soldAt,
          verificationCode: offlineVerificationCode(key, raffle.id, 49, 53),
        },
        { ...sales[1], verificationCode: sales[0].verificationCode },
      ],
    });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().fields.map((f: { field: string }) => f.field)).toEqual([
      'sales[1].first',
      'sales[2].verificationCode',
    ]);
    // A sale without the code the device printed cannot be checked against the buyer's ticket.
    const { verificationCode: _, ...uncoded } = sales[0];
    const unchecked = await upload(block.blockId, { deviceId: 'handheld-1', sales: [uncoded, sales[1]] });
    expect(unchecked.statusCode).toBe(400);
    expect(unchecked.json().fields.map((f: { field: string }) => f.field)).toEqual([
      'sales[0].verificationCode',
    ]);
    expect((await summary(t, raffle.id, auditor)).soldOrders).toBe(1);

    const uploaded = await upload(block.blockId, { deviceId: 'handheld-1', sales });
    expect(uploaded.statusCode).toBe(200);
    const result = uploaded.json();
    expect(result.alreadyRecorded).toBe(0);
    expect(result.recorded.map((r: { verificationCode: string }) => r.verificationCode)).toEqual(
      sales.map((s) => s.verificationCode),
    );
    expect(result.recorded[0]).toMatchObject({
      channel: 'POS_OFFLINE',
      posId: 'handheld-1',
      issuedAt: soldAt,
      tickets: { first: 1, last: 5 },
    });
    expect(result.block).toMatchObject({
      soldTickets: 36,
      outstandingTickets: 14,
      unsold: [{ first: 37, last: 50 }],
    });
    const retried = (await upload(block.blockId, { deviceId: 'handheld-1', sales })).json();
    expect(retried).toMatchObject({ alreadyRecorded: 3, recorded: [] });
    const check = await t.app.inject({
      method: 'GET',
      url: `/v1/tickets/verify/${sales[2].verificationCode}`,
    });
    expect(check.json()).toMatchObject({ status: 'VALID', tickets: { first: 7, last: 36, count: 30 } });

    expect(await summary(t, raffle.id, auditor)).toMatchObject({
      paidTotalMinor: 1_000 + 2_000 + 1_000 + 5_000,
      numbers: { issued: 51, sold: 37, reserved: 14, returned: 0, consistent: true },
    });
    expect(await t.app.get(TicketService).reservations(raffle.id)).toEqual({
      reconciled: false,
      outstanding: [
        {
          blockId: block.blockId,
          deviceId: 'handheld-1',
          first: 1,
          last: 50,
          reservedAt: new Date(block.reservedAt),
        },
      ],
    });

    // Sales close; the late upload is refused and the draw waits for the block.
    await t.app.inject({ method: 'POST', url: `/v1/raffles/${raffle.id}/close`, headers: admin });
    const late = await upload(block.blockId, {
      deviceId: 'handheld-1',
      sales: [
        {
          first: 37,
          last: 37,
          packageId: 'one',
          soldAt,
          verificationCode: offlineVerificationCode(key, raffle.id, 37, 37),
        },
      ],
    });
    expect(late.statusCode).toBe(409);
    expect(late.json().code).toBe('SALES_CLOSED');
    await expect(drawNow(raffle.id)).rejects.toMatchObject({ code: 'RESERVATIONS_OUTSTANDING' });
    expect((await giveBack(block.blockId, {})).statusCode).toBe(400);

    const returned = await giveBack(block.blockId, { deviceId: 'handheld-1', reason: 'End of shift' });
    expect(returned.statusCode).toBe(200);
    expect(returned.json()).toMatchObject({
      status: 'RETURNED',
      returnedTickets: 14,
      outstandingTickets: 0,
      unsold: [{ first: 37, last: 50 }],
    });
    expect((await giveBack(block.blockId, { deviceId: 'handheld-1' })).json().status).toBe('RETURNED');
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({
      issued: 51,
      sold: 37,
      reserved: 0,
      returned: 14,
      consistent: true,
    });
    await drawNow(raffle.id);

    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(types(entries)).toEqual([
      'RAFFLE_CREATED',
      'RAFFLE_OPENED',
      'NUMBERS_RESERVED',
      'TICKETS_SOLD',
      'TICKETS_SOLD',
      'TICKETS_SOLD',
      'TICKETS_SOLD',
      'RAFFLE_CLOSED',
      'NUMBERS_RETURNED',
      'RAFFLE_DRAWN',
    ]);
    expect(entries[8].payload).toMatchObject({
      ranges: [[37, 50]],
      tickets: 14,
      reason: 'End of shift',
      deviceId: 'handheld-1',
    });
    // The reservation, each uploaded sale and the return name the seller, its address and its request.
    const bySeller = (response: { headers: Record<string, unknown> }) => ({
      actor: { type: 'user', sub: 'sam-seller', roles: ['seller'] },
      source: '127.0.0.1',
      requestId: response.headers['x-request-id'],
    });
    expect(entries[2].payload).toMatchObject(bySeller(reserved));
    for (const sale of entries.slice(4, 7)) {
      expect(sale.payload).toMatchObject({ channel: 'POS_OFFLINE', ...bySeller(uploaded) });
    }
    expect(entries[8].payload).toMatchObject(bySeller(returned));
    const ranges = (await t.app.get(TicketService).soldRanges(raffle.id)).map((r) => [r.first, r.last]);
    expect(ranges).toEqual([
      [1, 5],
      [6, 6],
      [7, 36],
      [51, 51],
    ]);
  });

  it('reserves one block per Idempotency-Key: a retry gets the same block and its key, another request with the key is refused', async () => {
    const raffle = await openRaffle(t, admin, { ...NORTH_DAKOTA, maxTickets: 100 });
    const request = { deviceId: 'handheld-3', tickets: 40 };
    const missing = await reserve(raffle.id, request, seller, null);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().fields).toEqual([{ field: 'Idempotency-Key', messages: [expect.any(String)] }]);

    // A refused reservation binds nothing: the same key is judged afresh.
    const key = idempotencyKey();
    const tooMany = await reserve(raffle.id, { deviceId: 'handheld-3', tickets: 101 }, seller, key);
    expect(tooMany.statusCode).toBe(409);
    expect(tooMany.json().code).toBe('SOLD_OUT');
    const first = await reserve(raffle.id, request, seller, key);
    expect(first.statusCode).toBe(201);
    expect(first.headers['idempotent-replayed']).toBeUndefined();
    const block = first.json();
    expect(block).toMatchObject({ first: 1, last: 40, status: 'RESERVED' });

    // The device timed out and retries: the same block, with the key it never received.
    const retry = await reserve(raffle.id, request, seller, key);
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json()).toEqual(block);
    const concurrent = await Promise.all([1, 2, 3].map(() => reserve(raffle.id, request, seller, key)));
    expect(concurrent.map((r) => [r.statusCode, r.json().blockId, r.json().blockKey])).toEqual(
      [1, 2, 3].map(() => [201, block.blockId, block.blockKey]),
    );

    const otherBody = await reserve(raffle.id, { deviceId: 'handheld-3', tickets: 20 }, seller, key);
    expect(otherBody.statusCode).toBe(409);
    expect(otherBody.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    const otherSeller = bearer(await t.token(['seller'], 'sue-seller'));
    const otherCaller = await reserve(raffle.id, request, otherSeller, key);
    expect(otherCaller.statusCode).toBe(409);
    expect(otherCaller.json().code).toBe('IDEMPOTENCY_KEY_REUSED');

    // Fresh keys racing each other reserve one block each, consecutive and without overlap.
    const fresh = await Promise.all(
      [1, 2].map((i) => reserve(raffle.id, { deviceId: `handheld-${10 + i}`, tickets: 30 })),
    );
    expect(fresh.map((r) => r.statusCode)).toEqual([201, 201]);
    expect(fresh.map((r) => [r.json().first, r.json().last]).sort((a, b) => a[0] - b[0])).toEqual([
      [41, 70],
      [71, 100],
    ]);
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({
      issued: 100,
      reserved: 100,
      consistent: true,
    });

    // After the close a retry still gets its block (never SALES_CLOSED); a new reservation does not.
    await t.app.inject({ method: 'POST', url: `/v1/raffles/${raffle.id}/close`, headers: admin });
    const late = await reserve(raffle.id, request, seller, key);
    expect(late.statusCode).toBe(201);
    expect(late.json()).toMatchObject({ blockId: block.blockId, blockKey: block.blockKey });
    expect((await reserve(raffle.id, request)).json().code).toBe('SALES_CLOSED');

    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(entries.filter((e) => e.type === 'NUMBERS_RESERVED').map((e) => e.payload.blockId)).toEqual([
      block.blockId,
      expect.any(String),
      expect.any(String),
    ]);
  });

  it('holds an early-bird draw while a block reserved before its cut-off is out, then seals its offline sales by the time the device recorded them', async () => {
    const earlyAt = Date.now() + 4_000;
    const raffle = await shortRaffle(t, admin, {
      closeInMs: 120_000,
      extraPrizes: [
        {
          id: 'early',
          name: 'Early bird',
          kind: 'EARLY_BIRD',
          drawAt: new Date(earlyAt).toISOString(),
          amountMinor: 10_000,
        },
      ],
    });
    const block = (await reserve(raffle.id, { deviceId: 'handheld-7', tickets: 10 })).json();
    expect(block).toMatchObject({ first: 1, last: 10 });
    const online = await sell(t, raffle.id, seller, 'one');
    expect(online.receipt.tickets).toMatchObject({ first: 11, last: 11 });
    const key = Buffer.from(block.blockKey, 'hex');
    const offline = (first: number, last: number, packageId: string, soldAt: string) => ({
      first,
      last,
      packageId,
      soldAt,
      verificationCode: offlineVerificationCode(key, raffle.id, first, last),
    });
    // Recorded on the device before the cut-off, out of coverage until after it.
    const beforeCutoff = offline(1, 5, 'five', new Date(earlyAt - 1_000).toISOString());
    const runEarly = () =>
      t.app.inject({
        method: 'POST',
        url: '/v1/draws',
        payload: { raffleId: raffle.id, prizeId: 'early' },
        headers: operator,
      });

    // Past the cut-off and its grace: sales go on (online, and on the device).
    await until(
      async () => Date.now(),
      (now) => now > earlyAt + 2_100,
      10_000,
    );
    const later = await sell(t, raffle.id, seller, 'one');
    expect(later.receipt.tickets).toMatchObject({ first: 12, last: 12 });
    const afterCutoff = offline(6, 6, 'one', new Date(earlyAt + 500).toISOString());

    // The block reserved before the cut-off is out: the early bird waits, naming it (SALE-4).
    const waiting = await runEarly();
    expect(waiting.statusCode).toBe(409);
    expect(waiting.json()).toMatchObject({
      code: 'DRAW_WAITING',
      message: expect.stringContaining(`${block.blockId} on handheld-7`),
    });
    // A sale the device says it made after the upload is refused, and nothing is recorded.
    const future = await upload(block.blockId, {
      deviceId: 'handheld-7',
      sales: [beforeCutoff, offline(7, 7, 'one', new Date(Date.now() + 60_000).toISOString())],
    });
    expect(future.statusCode).toBe(400);
    expect(future.json().fields).toEqual([
      { field: 'sales[1].soldAt', messages: ['soldAt is in the future'] },
    ]);
    const uploaded = await upload(block.blockId, {
      deviceId: 'handheld-7',
      sales: [beforeCutoff, afterCutoff],
    });
    expect(uploaded.statusCode).toBe(200);
    // Uploaded, but the block is still out (7-10 unsold): still waiting.
    expect((await runEarly()).json().code).toBe('DRAW_WAITING');
    expect((await giveBack(block.blockId, { deviceId: 'handheld-7' })).json()).toMatchObject({
      status: 'RETURNED',
      returnedTickets: 4,
    });

    // Now it draws (or the scheduler did): from 1-5, recorded before the cut-off though uploaded after
    // it, and 11; not 6 (recorded after), not 12 (sold after), not 7-10 (returned).
    const drawn = await runEarly();
    expect([200, 201]).toContain(drawn.statusCode);
    const results = (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffle.id}/results` })).json();
    const early = results.prizes.find((p: { prizeId: string }) => p.prizeId === 'early').draw;
    expect(early.seal).toMatchObject({ salesClosed: false, count: 6, rangeCount: 2 });
    expect([1, 2, 3, 4, 5, 11]).toContain(early.winningTickets[0]);
    const entries = await journal(t, `raffle/${raffle.id}`);
    const sealed = entries.find((e) => e.type === 'DRAW_SEALED')!;
    const uploadedSale = entries.find((e) => e.type === 'TICKETS_SOLD' && e.payload.first === 1)!;
    expect(sealed.payload).toMatchObject({
      algorithm: expect.stringMatching(/^fairdraw-seal-v2: /),
      cutoff: { time: new Date(earlyAt).toISOString() },
    });
    // The upload is journaled after the cut-off size: only its recorded time puts it in the set.
    const cutoffSize = (sealed.payload.cutoff as { treeSize: number }).treeSize;
    expect(uploadedSale.seq).toBeGreaterThanOrEqual(cutoffSize);
    expect(uploadedSale.payload).toMatchObject({ channel: 'POS_OFFLINE', soldAt: beforeCutoff.soldAt });

    // The proof recomputes the set from the journal (the set kept in memory since the seal is dropped
    // first, so the seal's cut-off instant is read back from its entry), and verifies in the browser code.
    (t.app.get(DrawSets) as unknown as { cache: Map<string, unknown> }).cache.clear();
    const proof = await t.app.inject({ method: 'GET', url: `/v1/draws/${early.drawId}/proof` });
    expect(proof.statusCode).toBe(200);
    expect(verifyDrawProof(proof.json().drawProof).tickets).toEqual(early.winningTickets);
    expect(await verifyPublishedDraw(proof.json())).toMatchObject({ ok: true, complete: true });

    // The offline verifier recomputes the set from the whole journal, and refuses it with the
    // upload's recorded time moved past the cut-off (the journal chained again, as a forger would).
    const all = await journal(t);
    const dir = mkdtempSync(join(tmpdir(), 'fairdraw-offline-verify-'));
    try {
      const run = async (name: string, list: JournalEntry[]) => {
        const path = join(dir, name);
        writeFileSync(path, list.map((e) => exportLine(e) + '\n').join(''));
        let out = '';
        const status = await verifyCli([path], { stdout: (x) => (out += x), stderr: (x) => (out += x) });
        return { status, out };
      };
      const good = await run('good.ndjson', all);
      expect(good.status).toBe(0);
      const moved = all.map((e) => JSON.parse(JSON.stringify(e)) as JournalEntry);
      moved.find((e) => e.seq === uploadedSale.seq)!.payload.soldAt = new Date(earlyAt + 1).toISOString();
      const forged = chainEntries(
        ZERO_HASH,
        0,
        moved.map((e) => ({ type: e.type, subject: e.subject, payload: e.payload, time: e.time })),
      );
      const bad = await run('moved.ndjson', forged);
      expect(bad.status).toBe(1);
      expect(bad.out).toMatch(
        new RegExp(
          `seal ${String(sealed.payload.sealId)} of raffle ${raffle.id} does not match its sales .*count 6 journaled, 1 recomputed`,
        ),
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('lets an operator return a lost device’s block, and refuses sales into it afterwards', async () => {
    const raffle = await openRaffle(t, admin, NORTH_DAKOTA);
    const block = (await reserve(raffle.id, { deviceId: 'handheld-9', tickets: 10 })).json();
    const lost = await giveBack(block.blockId, { reason: 'DEVICE_LOST' }, operator);
    expect(lost.json()).toMatchObject({
      status: 'RETURNED',
      returnedTickets: 10,
      closeReason: 'DEVICE_LOST',
    });
    const key = Buffer.from(block.blockKey, 'hex');
    const sale = {
      first: block.first,
      last: block.first,
      packageId: 'one',
      soldAt: new Date(Date.parse(block.reservedAt) + 1).toISOString(),
    };
    const after = await upload(block.blockId, {
      deviceId: 'handheld-9',
      sales: [{ ...sale, verificationCode: offlineVerificationCode(key, raffle.id, sale.first, sale.last) }],
    });
    expect(after.json().code).toBe('BLOCK_RETURNED');
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({
      issued: 10,
      returned: 10,
      consistent: true,
    });
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/blocks/${block.blockId}`, headers: auditor })).json()
        .blockKey,
    ).toBeUndefined();
  });
});
