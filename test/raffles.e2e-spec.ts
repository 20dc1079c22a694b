import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { sql } from 'kysely';
import { createApp } from '../src/app.factory.js';
import { loadEnvironment } from '../src/config/environment.js';
import { DatabaseService } from '../src/database/database.service.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { fixedPrizeDraft, raffleDraft } from './support/factories.js';
import { journal, types } from './support/journal.js';

describe.each(['pglite', 'postgres'] as const)('raffles on %s', (engine) => {
  let t: TestApp;
  let admin: Record<string, string>;
  let seller: Record<string, string>;
  let auditor: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp({ engine, env: { SALES_SCHEDULER_INTERVAL_MS: '100' } });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
  });
  afterAll(async () => t?.close());

  async function create(body: object = raffleDraft()) {
    return t.app.inject({ method: 'POST', url: '/v1/raffles', payload: body, headers: admin });
  }
  async function post(id: string, action: string, payload?: object) {
    return t.app.inject({ method: 'POST', url: `/v1/raffles/${id}/${action}`, payload, headers: admin });
  }
  async function get(id: string) {
    return (await t.app.inject({ method: 'GET', url: `/v1/raffles/${id}`, headers: auditor })).json();
  }

  it('creates a draft, edits it with a version check, opens it and freezes its rules', async () => {
    const created = await create();
    expect(created.statusCode).toBe(201);
    const draft = created.json();
    expect(draft).toMatchObject({
      status: 'DRAFT',
      version: 1,
      type: 'FIFTY_FIFTY',
      createdBy: 'alice-admin',
    });
    expect(draft.rulesHash).toMatch(/^[0-9a-f]{64}$/);
    expect(draft.allowedTransitions).toEqual(['OPEN', 'CANCELLED']);

    const renamed = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${draft.id}`,
      payload: { name: 'Spring 50/50' },
      headers: { ...admin, 'if-match': '"1"' },
    });
    expect(renamed.statusCode).toBe(200);
    expect(renamed.json()).toMatchObject({ name: 'Spring 50/50', version: 2 });
    expect(renamed.json().rulesHash).not.toBe(draft.rulesHash);

    const stale = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${draft.id}`,
      payload: { name: 'Lost update' },
      headers: { ...admin, 'if-match': '"1"' },
    });
    expect(stale.statusCode).toBe(412);
    expect(stale.json().code).toBe('VERSION_MISMATCH');

    const opened = await post(draft.id, 'open');
    expect(opened.statusCode).toBe(200);
    expect(opened.json()).toMatchObject({ status: 'OPEN', version: 2 });
    expect(opened.json().openedAt).toEqual(expect.any(String));

    const frozen = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${draft.id}`,
      payload: { maxTickets: 10 },
      headers: admin,
    });
    expect(frozen.statusCode).toBe(409);
    expect(frozen.json()).toMatchObject({ code: 'RULES_FROZEN' });
    expect(await get(draft.id)).toMatchObject({ name: 'Spring 50/50', maxTickets: 1_000_000, version: 2 });

    const entries = await journal(t, `raffle/${draft.id}`);
    expect(types(entries)).toEqual(['RAFFLE_CREATED', 'RAFFLE_UPDATED', 'RAFFLE_OPENED']);
    expect(entries[2].payload).toMatchObject({
      raffleId: draft.id,
      from: 'DRAFT',
      to: 'OPEN',
      by: 'alice-admin',
      rulesHash: renamed.json().rulesHash,
    });
  });

  it('keeps the site of a raffle in its frozen, journaled rules (RPT-1)', async () => {
    const site = 'Fargo Civic Center, 207 4th St N, Fargo ND';
    const withoutSite = (await create()).json();
    expect(withoutSite.site).toBeNull();
    const tooLong = await create(raffleDraft({ site: 'x'.repeat(201) }));
    expect(tooLong.statusCode).toBe(400);
    expect(tooLong.json().fields.map((f: { field: string }) => f.field)).toEqual(['site']);
    expect((await create(raffleDraft({ site: '' }))).json().fields[0].field).toBe('site');

    const draft = (await create(raffleDraft({ site: 'Fargo' }))).json();
    expect(draft.site).toBe('Fargo');
    const moved = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${draft.id}`,
      payload: { site },
      headers: admin,
    });
    expect(moved.json()).toMatchObject({ site, version: 2 });
    expect(moved.json().rulesHash).not.toBe(draft.rulesHash);
    expect((await post(draft.id, 'open')).statusCode).toBe(200);
    const refused = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${draft.id}`,
      payload: { site: 'Bismarck Event Center' },
      headers: admin,
    });
    expect(refused.json().code).toBe('RULES_FROZEN');
    expect((await get(draft.id)).site).toBe(site);
    const opened = (await journal(t, `raffle/${draft.id}`)).find((e) => e.type === 'RAFFLE_OPENED')!;
    expect(opened.payload).toMatchObject({ rulesHash: moved.json().rulesHash, rules: { site } });
  });

  it("keeps each prize's winner exclusion in its frozen, journaled rules: raffle when left out; rules stored without it read as seal", async () => {
    const base = fixedPrizeDraft();
    const [car, friday] = base.prizes;
    for (const winnerExclusion of ['twice', null, 7]) {
      const bad = await create({ ...base, prizes: [{ ...car, winnerExclusion }, friday] });
      expect(bad.statusCode).toBe(400);
      expect(bad.json().fields).toEqual([
        { field: 'prizes[0].winnerExclusion', messages: [expect.stringContaining('seal, raffle, none')] },
      ]);
    }

    const draft = (await create({ ...base, prizes: [{ ...car, winnerExclusion: 'seal' }, friday] })).json();
    expect(draft.prizes.map((p: { winnerExclusion: string }) => p.winnerExclusion)).toEqual([
      'seal',
      'raffle',
    ]);
    // Stored explicitly: the text hashed (and journaled when sales open) names the default too.
    const storedRules = async (id: string) => {
      const row = await t.app
        .get(DatabaseService)
        .db.selectFrom('raffle')
        .select('rules')
        .where('id', '=', id)
        .executeTakeFirstOrThrow();
      return JSON.parse(row.rules) as { prizes: Array<Record<string, unknown>> };
    };
    expect((await storedRules(draft.id)).prizes.map((p) => p.winnerExclusion)).toEqual(['seal', 'raffle']);
    const changed = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${draft.id}`,
      payload: {
        prizes: [
          { ...car, winnerExclusion: 'raffle' },
          { ...friday, winnerExclusion: 'none' },
        ],
      },
      headers: admin,
    });
    expect(changed.json()).toMatchObject({ version: 2 });
    expect(changed.json().rulesHash).not.toBe(draft.rulesHash);
    expect((await post(draft.id, 'open')).statusCode).toBe(200);
    const refused = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${draft.id}`,
      payload: { prizes: [car, friday] },
      headers: admin,
    });
    expect(refused.json().code).toBe('RULES_FROZEN');
    const opened = (await journal(t, `raffle/${draft.id}`)).find((e) => e.type === 'RAFFLE_OPENED')!;
    expect(opened.payload).toMatchObject({
      rulesHash: changed.json().rulesHash,
      rules: {
        prizes: [
          { id: 'car', winnerExclusion: 'raffle' },
          { id: 'friday', winnerExclusion: 'none' },
        ],
      },
    });

    // A draft stored before prizes could choose (its rules text without the member) reads as seal.
    const old = (await create()).json();
    const db = t.app.get(DatabaseService).db;
    const row = await db
      .selectFrom('raffle')
      .select('rules')
      .where('id', '=', old.id)
      .executeTakeFirstOrThrow();
    const rules = JSON.parse(row.rules) as { prizes: Array<Record<string, unknown>> };
    for (const prize of rules.prizes) delete prize.winnerExclusion;
    await sql`update raffle set rules = ${JSON.stringify(rules)} where id = ${old.id}`.execute(db);
    expect((await get(old.id)).prizes).toEqual([
      expect.objectContaining({ id: 'main', winnerExclusion: 'seal' }),
    ]);
    // An edit that leaves its prizes alone keeps them as they read (seal, now stored)...
    const edited = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${old.id}`,
      payload: { site: 'Fargo' },
      headers: admin,
    });
    expect(edited.statusCode).toBe(200);
    expect(edited.json().prizes).toEqual([expect.objectContaining({ id: 'main', winnerExclusion: 'seal' })]);
    expect((await storedRules(old.id)).prizes.map((p) => p.winnerExclusion)).toEqual(['seal']);
    // ... while prizes an edit sends without a choice are new rules: raffle.
    const resent = await t.app.inject({
      method: 'PATCH',
      url: `/v1/raffles/${old.id}`,
      payload: { prizes: rules.prizes },
      headers: admin,
    });
    expect(resent.statusCode).toBe(200);
    expect(resent.json().prizes).toEqual([
      expect.objectContaining({ id: 'main', winnerExclusion: 'raffle' }),
    ]);
    expect((await storedRules(old.id)).prizes.map((p) => p.winnerExclusion)).toEqual(['raffle']);
  });

  it('refuses a change of frozen rules in the database itself', async () => {
    const raffle = (await create()).json();
    await post(raffle.id, 'open');
    const db = t.app.get(DatabaseService).db;
    await expect(sql`update raffle set rules = '{}' where id = ${raffle.id}`.execute(db)).rejects.toThrow(
      /frozen/,
    );
  });

  it('answers 400 naming every bad field, and creates nothing', async () => {
    const before = (
      await t.app.inject({ method: 'GET', url: '/v1/raffles?limit=200', headers: auditor })
    ).json();
    const bad = await create({
      ...raffleDraft(),
      currency: 'cad',
      packages: [{ id: 'one', tickets: 0, priceMinor: 10.5 }],
      salesOpenAt: '2026-12-01T10:00:00',
      jurisdiction: 'XX',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('VALIDATION_FAILED');
    expect(
      bad
        .json()
        .fields.map((f: { field: string }) => f.field)
        .sort(),
    ).toEqual(['currency', 'jurisdiction', 'packages[0].priceMinor', 'packages[0].tickets', 'salesOpenAt']);
    const crossField = await create(
      raffleDraft({ jurisdiction: 'ON-AGCO', prizeShareBps: 4_000, maxTicketsPerOrder: 5 }),
    );
    expect(crossField.statusCode).toBe(400);
    expect(crossField.json().fields.map((f: { field: string }) => f.field)).toEqual([
      'packages[2].tickets',
      'prizeShareBps',
    ]);
    expect(crossField.json().message).toContain('PRIZE-1');
    const unknown = await create({ ...raffleDraft(), winner: 7 });
    expect(unknown.statusCode).toBe(400);
    const after = (
      await t.app.inject({ method: 'GET', url: '/v1/raffles?limit=200', headers: auditor })
    ).json();
    expect(after).toHaveLength(before.length);
  });

  it('lets only admins and operators change raffles, and everyone with a role read them', async () => {
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/raffles', payload: raffleDraft(), headers: seller }))
        .statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/raffles', payload: raffleDraft(), headers: auditor }))
        .statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: '/v1/raffles', payload: raffleDraft() })).statusCode,
    ).toBe(401);
    const raffle = (await create(fixedPrizeDraft())).json();
    expect(
      (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffle.id}`, headers: seller })).statusCode,
    ).toBe(200);
    expect(
      (await t.app.inject({ method: 'POST', url: `/v1/raffles/${raffle.id}/open`, headers: seller }))
        .statusCode,
    ).toBe(403);
  });

  it('refuses invalid transitions with 409 and changes nothing', async () => {
    const raffle = (await create()).json();
    const close = await post(raffle.id, 'close');
    expect(close.statusCode).toBe(409);
    expect(close.json()).toMatchObject({ code: 'INVALID_TRANSITION' });
    expect(close.json().message).toContain('DRAFT; it can go to OPEN or CANCELLED, not CLOSED');

    const cancelled = await post(raffle.id, 'cancel', { reason: 'Entered twice by mistake' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json()).toMatchObject({ status: 'CANCELLED', cancelReason: 'Entered twice by mistake' });
    expect((await post(raffle.id, 'open')).json().code).toBe('INVALID_TRANSITION');
    expect((await post(raffle.id, 'cancel', { reason: 'again' })).statusCode).toBe(409);
    expect((await post(raffle.id, 'cancel', {})).statusCode).toBe(400);
    expect(await get(raffle.id)).toMatchObject({ status: 'CANCELLED' });
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/raffles/not-a-uuid', headers: admin })).statusCode,
    ).toBe(400);
    const missing = await t.app.inject({
      method: 'POST',
      url: '/v1/raffles/3f0b8a4e-7d7e-4f5e-9a55-3c2f1d0e9b11/open',
      headers: admin,
    });
    expect(missing.statusCode).toBe(404);
    expect(types(await journal(t, `raffle/${raffle.id}`))).toEqual(['RAFFLE_CREATED', 'RAFFLE_CANCELLED']);
  });

  it('refuses to open a raffle whose sales window has ended', async () => {
    const past = raffleDraft({
      salesOpenAt: new Date(Date.now() - 7_200_000).toISOString(),
      salesCloseAt: new Date(Date.now() - 3_600_000).toISOString(),
      prizes: [
        { id: 'main', name: 'Main', kind: 'MAIN', drawAt: new Date(Date.now() + 3_600_000).toISOString() },
      ],
    });
    const raffle = (await create(past)).json();
    const opened = await post(raffle.id, 'open');
    expect(opened.statusCode).toBe(409);
    expect(opened.json()).toMatchObject({ code: 'RAFFLE_NOT_OPENABLE', fields: [{ field: 'salesCloseAt' }] });
  });

  it('closes sales by itself at the end of the window, once', async () => {
    const closeAt = Date.now() + 3_000;
    const raffle = (
      await create(
        raffleDraft({
          salesCloseAt: new Date(closeAt).toISOString(),
          prizes: [
            { id: 'main', name: 'Main', kind: 'MAIN', drawAt: new Date(closeAt + 60_000).toISOString() },
          ],
        }),
      )
    ).json();
    expect((await post(raffle.id, 'open')).statusCode).toBe(200);
    // A deadline, not a fixed wait: scheduler rounds take longer on a loaded machine.
    while ((await get(raffle.id)).status === 'OPEN' && Date.now() < closeAt + 30_000) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const closed = await get(raffle.id);
    expect(closed.status).toBe('CLOSED');
    expect(Date.parse(closed.closedAt)).toBeGreaterThanOrEqual(closeAt);
    // The raffle's own steps: the draw module may already have sealed the final set (DRAW_SEALED), on
    // its own schedule, once the close committed.
    const entries = (await journal(t, `raffle/${raffle.id}`)).filter((e) => e.type.startsWith('RAFFLE_'));
    expect(types(entries)).toEqual(['RAFFLE_CREATED', 'RAFFLE_OPENED', 'RAFFLE_CLOSED']);
    expect(entries[2].payload).toMatchObject({
      reason: 'SALES_WINDOW_ENDED',
      by: 'system:scheduler',
      actor: { type: 'system' },
      source: null,
      requestId: null,
    });
  });

  it('closes every other due raffle when closing one of them fails, and that one once it can', async () => {
    const closeAt = Date.now() + 1_500;
    const due = raffleDraft({
      salesCloseAt: new Date(closeAt).toISOString(),
      prizes: [{ id: 'main', name: 'Main', kind: 'MAIN', drawAt: new Date(closeAt + 60_000).toISOString() }],
    });
    const [stuck, other] = [(await create(due)).json(), (await create(due)).json()];
    const db = t.app.get(DatabaseService).db;
    await sql`
      create function refuse_closing() returns trigger language plpgsql as $$
      begin
        if not new.sales_open and new.raffle_id = ${sql.lit(stuck.id)}::uuid then
          raise exception 'closing refused for the test';
        end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger refuse_closing before update on ticket_counter for each row execute function refuse_closing()`.execute(
      db,
    );
    try {
      for (const raffle of [stuck, other]) expect((await post(raffle.id, 'open')).statusCode).toBe(200);
      for (let i = 0; i < 50 && (await get(other.id)).status === 'OPEN'; i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
      }
      expect((await get(other.id)).status).toBe('CLOSED');
      expect((await get(stuck.id)).status).toBe('OPEN');
    } finally {
      await sql`drop trigger refuse_closing on ticket_counter`.execute(db);
      await sql`drop function refuse_closing()`.execute(db);
    }
    for (let i = 0; i < 50 && (await get(stuck.id)).status === 'OPEN'; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect((await get(stuck.id)).status).toBe('CLOSED');
  });

  it('lists the jurisdiction profiles publicly', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/jurisdictions' });
    expect(response.statusCode).toBe(200);
    expect(response.json().map((p: { code: string }) => p.code)).toEqual([
      'ON-AGCO',
      'WA-GCC',
      'ND-AG',
      'GLI31-DEFAULT',
    ]);
    expect((await t.app.inject({ method: 'GET', url: '/v1/jurisdictions/ND-AG' })).json()).toMatchObject({
      numberReservation: { value: { allowed: true } },
    });
    expect((await t.app.inject({ method: 'GET', url: '/v1/jurisdictions/XX' })).statusCode).toBe(400);
  });
});

describe('closing sales with several replicas on one PostgreSQL database', () => {
  it('closes each raffle exactly once', async () => {
    const first = await startTestApp({ engine: 'postgres', env: { SALES_SCHEDULER_INTERVAL_MS: '50' } });
    const replicas: NestFastifyApplication[] = [];
    try {
      for (let i = 0; i < 2; i++) {
        const config = loadEnvironment({
          LOG_LEVEL: 'silent',
          NODE_ENV: 'test',
          DATA_DIR: first.dataDir,
          DATABASE_URL: first.database!.url,
          SALES_SCHEDULER_INTERVAL_MS: '50',
        });
        replicas.push(await createApp(config));
      }
      const admin = bearer(await first.token(['admin'], 'alice-admin'));
      // Far enough ahead that creating and opening six raffles ends before the first closes, even
      // on a loaded machine; the opening is asserted so a late one fails here, not below.
      const closeAt = Date.now() + 8_000;
      const ids: string[] = [];
      for (let i = 0; i < 6; i++) {
        const draft = raffleDraft({
          name: `Replica test ${i}`,
          salesCloseAt: new Date(closeAt + i * 20).toISOString(),
          prizes: [
            { id: 'main', name: 'Main', kind: 'MAIN', drawAt: new Date(closeAt + 60_000).toISOString() },
          ],
        });
        const raffle = (
          await first.app.inject({ method: 'POST', url: '/v1/raffles', payload: draft, headers: admin })
        ).json();
        const opened = await first.app.inject({
          method: 'POST',
          url: `/v1/raffles/${raffle.id}/open`,
          headers: admin,
        });
        expect({ status: opened.statusCode, body: opened.json() }).toMatchObject({ status: 200 });
        ids.push(raffle.id);
      }
      const closings = async (id: string) =>
        (await journal(first)).filter((e) => e.subject === `raffle/${id}` && e.type === 'RAFFLE_CLOSED');
      // Wait for every close (scheduler rounds and the journal's integration take longer under
      // load), then several more scheduler rounds in which a second close would show.
      const deadline = closeAt + 30_000;
      for (const id of ids) {
        while ((await closings(id)).length === 0 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      }
      await new Promise((resolve) => setTimeout(resolve, 500));
      for (const id of ids) expect(await closings(id)).toHaveLength(1);
    } finally {
      for (const replica of replicas) await replica.close();
      await first.close();
    }
  });
});
