import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sql } from 'kysely';
import { createApp } from '../src/app.factory.js';
import { loadEnvironment } from '../src/config/environment.js';
import { DatabaseService } from '../src/database/database.service.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { idempotencyKey } from './support/factories.js';
import { journal } from './support/journal.js';
import { openRaffle, order, posCash, summary, type Headers } from './support/sales.js';

interface Sold {
  status: number;
  body: {
    orderId: string;
    totalMinor: number;
    receipt: {
      tickets: { first: number; last: number; count: number };
      verificationCode: string;
      journal: unknown;
    };
    code?: string;
  };
  replayed: boolean;
}

async function post(url: string, headers: Headers, body: object, key: string): Promise<Sold> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': key },
    body: JSON.stringify(body),
  });
  return {
    status: response.status,
    body: (await response.json()) as Sold['body'],
    replayed: response.headers.get('idempotent-replayed') === 'true',
  };
}

/** The ranges tile 1..n exactly: no number twice, none skipped. */
function expectTiling(ranges: Array<{ first: number; last: number }>): number {
  const sorted = [...ranges].sort((a, b) => a.first - b.first);
  let next = 1;
  for (const range of sorted) {
    expect(range.first).toBe(next);
    next = range.last + 1;
  }
  return next - 1;
}

describe.each(['pglite', 'postgres'] as const)('concurrent sales over HTTP on %s', (engine) => {
  let t: TestApp;
  let base: string;
  let admin: Headers;
  let seller: Headers;
  let auditor: Headers;

  beforeAll(async () => {
    t = await startTestApp({
      engine,
      env: { SALES_RATE_LIMIT_PER_SECOND: '100000', PUBLIC_STATS_CACHE_MS: '0', SALES_BATCH_MAX: '64' },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = await t.app.getUrl();
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
  });
  afterAll(async () => t?.close());

  it('sells hundreds of concurrent orders without duplicating or skipping a number; the pot is the sum paid', async () => {
    const raffle = await openRaffle(t, admin, { prizeShareBps: 5_000 });
    const url = `${base}/v1/raffles/${raffle.id}/orders`;
    const packages = ['one', 'five', 'thirty'];
    const retriedKey = idempotencyKey();
    const sent: Array<{ key: string; packageId: string; result: Promise<Sold> }> = [];
    const send = (packageId: string, key: string, deviceId = 'pos-01') =>
      sent.push({ key, packageId, result: post(url, seller, { ...posCash, packageId, deviceId }, key) });
    for (let i = 0; i < 400; i++) {
      send(packages[i % 3], idempotencyKey(), `pos-${i % 7}`);
      if (i % 20 === 0) send('one', retriedKey);
    }
    send('five', retriedKey);
    // An auditor reconciling while the sales commit never sees a break that is not there.
    const reconciliations: boolean[] = [];
    let selling = true;
    const auditing = (async () => {
      while (selling) {
        reconciliations.push((await summary(t, raffle.id, auditor)).numbers.consistent);
        // Under the global per-client rate limit however long the sales take.
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
    })();
    const results = await Promise.all(sent.map((s) => s.result));
    selling = false;
    await auditing;
    expect(reconciliations.length).toBeGreaterThan(0);
    expect(reconciliations.filter((consistent) => !consistent)).toEqual([]);

    // 400 distinct keys sell once each; the key sent 21 times (20 with one body, once with another)
    // sells once: every request with the winning body gets that order, the other body gets 409.
    const distinct = results.filter((_, i) => sent[i].key !== retriedKey);
    expect(distinct.map((r) => r.status)).toEqual(Array(400).fill(201));
    expect(distinct.every((r) => !r.replayed)).toBe(true);
    const sameKey = results
      .map((r, i) => ({ r, packageId: sent[i].packageId }))
      .filter((_, i) => sent[i].key === retriedKey);
    const winners = sameKey.filter(({ r }) => r.status === 201);
    expect(new Set(winners.map(({ r }) => r.body.orderId)).size).toBe(1);
    expect(winners.filter(({ r }) => !r.replayed)).toHaveLength(1);
    expect(new Set(winners.map(({ packageId }) => packageId)).size).toBe(1);
    const losers = sameKey.filter(({ r }) => r.status !== 201);
    expect(
      losers.every(
        ({ r, packageId }) =>
          r.status === 409 && r.body.code === 'IDEMPOTENCY_KEY_REUSED' && packageId !== winners[0].packageId,
      ),
    ).toBe(true);
    expect(winners.length + losers.length).toBe(21);
    const orders = new Map(results.filter((r) => r.status === 201).map((r) => [r.body.orderId, r.body]));
    expect(orders.size).toBe(401);

    const issued = expectTiling([...orders.values()].map((o) => o.receipt.tickets));
    const paid = [...orders.values()].reduce((sum, o) => sum + o.totalMinor, 0);
    expect(new Set([...orders.values()].map((o) => o.receipt.verificationCode)).size).toBe(401);

    const sales = await summary(t, raffle.id, auditor);
    expect(sales).toMatchObject({
      paidTotalMinor: paid,
      soldOrders: 401,
      numbers: { issued, sold: issued, voided: 0, reserved: 0, returned: 0, consistent: true, breaks: 0 },
    });
    const view = (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffle.id}/public` })).json();
    expect(view.ticketsSold).toBe(issued);
    expect(view.prizeEstimate.amountMinor).toBe(Math.floor(paid / 2));

    const sold = (await journal(t, `raffle/${raffle.id}`)).filter((e) => e.type === 'TICKETS_SOLD');
    expect(sold).toHaveLength(401);
    expect(
      expectTiling(sold.map((e) => ({ first: e.payload.first as number, last: e.payload.last as number }))),
    ).toBe(issued);
    expect(sold.reduce((sum, e) => sum + (e.payload.priceMinor as number), 0)).toBe(paid);

    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: auditor });
    const batches = Number(/fairdraw_sales_batch_size_count\{[^}]*\} (\d+)/.exec(metrics.body)![1]);
    expect(batches).toBeLessThan(401);
    // Hundreds of HTTP sales on PGlite: about 15 s on an idle machine, several times that on a shared one.
  }, 180_000);

  it('refuses only the orders that do not fit when a batch sells out, and serves the rest', async () => {
    const raffle = await openRaffle(t, admin, { maxTickets: 100 });
    const url = `${base}/v1/raffles/${raffle.id}/orders`;
    const results = await Promise.all(
      Array.from({ length: 60 }, (_, i) =>
        post(url, seller, { ...posCash, packageId: i % 2 ? 'five' : 'one' }, idempotencyKey()),
      ),
    );
    const sold = results.filter((r) => r.status === 201);
    const refused = results.filter((r) => r.status === 409);
    expect(sold.length + refused.length).toBe(60);
    expect(refused.every((r) => r.body.code === 'SOLD_OUT')).toBe(true);
    const issued = expectTiling(sold.map((r) => r.body.receipt.tickets));
    expect(issued).toBeLessThanOrEqual(100);
    expect(issued).toBeGreaterThan(95);
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({
      issued,
      sold: issued,
      consistent: true,
    });
  });

  it('fails only the poisoned order of a batch that the database refuses, and commits its neighbours', async () => {
    const raffle = await openRaffle(t, admin);
    const db = t.app.get(DatabaseService).db;
    await sql`
      create function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.device_id = 'poison' then raise exception 'poisoned order'; end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger refuse_poison before insert on ticket_order for each row execute function refuse_poison()`.execute(
      db,
    );
    try {
      const url = `${base}/v1/raffles/${raffle.id}/orders`;
      const results = await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          post(url, seller, { ...posCash, deviceId: i === 17 ? 'poison' : 'pos-ok' }, idempotencyKey()),
        ),
      );
      expect(results.filter((r) => r.status === 500)).toHaveLength(1);
      const sold = results.filter((r) => r.status === 201);
      expect(sold).toHaveLength(39);
      expect(expectTiling(sold.map((r) => r.body.receipt.tickets))).toBe(39);
      expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({ issued: 39, consistent: true });
    } finally {
      await sql`drop trigger refuse_poison on ticket_order`.execute(db);
      await sql`drop function refuse_poison()`.execute(db);
    }
  });
});

describe('one Idempotency-Key sent to two replicas of one PostgreSQL database at once', () => {
  it('sells once; every answer is that order', async () => {
    const first = await startTestApp({ engine: 'postgres', env: { SALES_RATE_LIMIT_PER_SECOND: '100000' } });
    let second: NestFastifyApplication | undefined;
    try {
      second = await createApp(
        loadEnvironment({
          LOG_LEVEL: 'silent',
          NODE_ENV: 'test',
          DATA_DIR: first.dataDir,
          DATABASE_URL: first.database!.url,
          SALES_RATE_LIMIT_PER_SECOND: '100000',
        }),
      );
      await first.app.listen({ port: 0, host: '127.0.0.1' });
      await second.listen({ port: 0, host: '127.0.0.1' });
      const admin = bearer(await first.token(['admin'], 'alice-admin'));
      const seller = bearer(await first.token(['seller'], 'sam-seller'));
      const raffle = await openRaffle(first, admin);
      const urls = [await first.app.getUrl(), await second.getUrl()].map(
        (u) => `${u}/v1/raffles/${raffle.id}/orders`,
      );
      for (let round = 0; round < 5; round++) {
        const key = idempotencyKey();
        const results = await Promise.all(
          Array.from({ length: 16 }, (_, i) =>
            post(urls[i % 2], seller, { ...posCash, packageId: 'five' }, key),
          ),
        );
        expect(results.map((r) => r.status)).toEqual(Array(16).fill(201));
        expect(new Set(results.map((r) => r.body.orderId)).size).toBe(1);
        expect(results.filter((r) => !r.replayed)).toHaveLength(1);
      }
      const sales = await summary(first, raffle.id, admin);
      expect(sales).toMatchObject({ soldOrders: 5, numbers: { issued: 25, consistent: true } });
    } finally {
      await second?.close();
      await first.close();
    }
  });
});

describe('a sales batch that waits on the counter lock past the closing time (PostgreSQL)', () => {
  it('sells nothing: the sale is timed when the lock is held, not when the batch started', async () => {
    const t = await startTestApp({
      engine: 'postgres',
      env: { SALES_SCHEDULER_INTERVAL_MS: '60000', PUBLIC_STATS_CACHE_MS: '0' },
    });
    try {
      const admin = bearer(await t.token(['admin'], 'alice-admin'));
      const seller = bearer(await t.token(['seller'], 'sam-seller'));
      const closeAt = Date.now() + 2_500;
      const raffle = await openRaffle(t, admin, { salesCloseAt: new Date(closeAt).toISOString() });
      const db = t.app.get(DatabaseService).db;
      let release!: () => void;
      const released = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const lockHeld = new Promise<void>((resolve) => (locked = resolve));
      // Another connection (as another replica's batch or a lifecycle step would) holds the counter row.
      const holder = db.transaction().execute(async (trx) => {
        await sql`select 1 from ticket_counter where raffle_id = ${raffle.id} for update`.execute(trx);
        locked();
        await released;
      });
      await lockHeld;
      const pending = order(t, raffle.id, seller);
      await new Promise((resolve) => setTimeout(resolve, closeAt - Date.now() + 300));
      release();
      await holder;
      const response = await pending;
      expect(response.json()).toMatchObject({ status: 409, code: 'SALES_CLOSED' });
      expect((await summary(t, raffle.id, admin)).numbers).toMatchObject({ issued: 0, sold: 0 });
    } finally {
      await t.close();
    }
  });
});
