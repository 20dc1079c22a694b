import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { replaySelectDistinct } from '../src/rng/core/index.js';
import { idempotencyKey } from './support/factories.js';
import { freePort } from './support/moto.js';
import { createTestDatabase, type TestDatabase } from './support/postgres.js';
import { NORTH_DAKOTA } from './support/draws.js';
import { openRaffle, tokens, type Tokens } from './drills/support/fairdraw.js';
import { call, expectStatus } from './drills/support/http.js';
import { type ServiceProcess, startService } from './drills/support/service.js';

/**
 * The built service as real processes on one PostgreSQL database: a draw killed with SIGKILL between
 * its RNG call and the request's commit, between the request's commit and the draw's, or right after
 * the draw's commit, leaves exactly one result once a process runs again (after the request's commit:
 * bound to that request, with the winner its bytes give); two replicas with the same schedule make each
 * draw once.
 */
describe('draws of the built service on PostgreSQL: crashes and replicas', () => {
  const dist = join(process.cwd(), 'dist');
  let database: TestDatabase;
  let dataDir: string;
  let who: Tokens;
  let client: pg.Client;
  const running: ServiceProcess[] = [];

  beforeAll(async () => {
    execFileSync('node', ['scripts/ensure-built.mjs'], { stdio: 'inherit' });
    database = await createTestDatabase('fairdraw_draws');
    dataDir = mkdtempSync(join(tmpdir(), 'fairdraw-draws-crash-'));
    who = await tokens(dataDir);
    client = new pg.Client({ connectionString: database.url });
    await client.connect();
  }, 240_000);
  afterAll(async () => {
    for (const service of running) await service.kill('SIGTERM');
    await client?.end();
    await database?.drop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  async function start(env: Record<string, string> = {}): Promise<ServiceProcess> {
    const service = await startService({
      dist,
      port: await freePort(),
      env: {
        DATABASE_URL: database.url,
        DATA_DIR: dataDir,
        LOG_LEVEL: 'warn',
        SALES_SCHEDULER_INTERVAL_MS: '100',
        DRAW_SCHEDULER_INTERVAL_MS: '100',
        ...env,
      },
    });
    running.push(service);
    return service;
  }

  /** A raffle whose sales close in `closeInMs`, drawn 300 ms later, with a few POS sales. */
  async function raffleWithSales(base: string, closeInMs: number): Promise<string> {
    const closeAt = Date.now() + closeInMs;
    const raffleId = await openRaffle(base, who.admin, {
      ...NORTH_DAKOTA,
      salesCloseAt: new Date(closeAt).toISOString(),
      prizes: [{ id: 'main', name: 'Main', kind: 'MAIN', drawAt: new Date(closeAt + 300).toISOString() }],
    });
    for (const packageId of ['five', 'one', 'thirty']) {
      await expectStatus(201, base, 'POST', `/v1/raffles/${raffleId}/orders`, {
        headers: { ...who.seller, 'idempotency-key': idempotencyKey() },
        body: { packageId, channel: 'POS', paymentMethod: 'cash', deviceId: 'pos-01' },
      });
    }
    return raffleId;
  }

  async function count(sql: string, values: unknown[]): Promise<number> {
    return Number((await client.query<{ n: string }>(sql, values)).rows[0].n);
  }

  /** The journal's entries of a type about the raffle, once the queue is drained. */
  async function journaled(raffleId: string, type: string): Promise<number> {
    for (let i = 0; i < 200 && (await count('select count(*) as n from ledger_queue', [])) > 0; i++) {
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return count('select count(*) as n from ledger_entry where subject = $1 and type = $2', [
      `raffle/${raffleId}`,
      type,
    ]);
  }

  async function drawn(base: string, raffleId: string) {
    for (const deadline = Date.now() + 60_000; Date.now() < deadline;) {
      const response = await call(base, 'GET', `/v1/raffles/${raffleId}/results`);
      if (response.ok && (response.body as { status: string }).status === 'DRAWN')
        return response.body as {
          prizes: Array<{ draw: { drawId: string; winningTickets: number[] } }>;
        };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    throw new Error(`raffle ${raffleId} was not drawn within 60 s`);
  }

  it.each([
    ['kill-after-rng', 0],
    ['kill-after-commit', 1],
  ] as const)(
    'a process killed with SIGKILL at %s leaves %d results; after a restart there is exactly one',
    async (point, resultsAtCrash) => {
      const doomed = await start({ DRAW_FAULT_INJECTION: point });
      const raffleId = await raffleWithSales(doomed.base, 4_000);
      let timer: NodeJS.Timeout | undefined;
      const ended = await Promise.race([
        doomed.exited,
        new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 60_000))),
      ]);
      clearTimeout(timer);
      expect(ended).toBe('SIGKILL');
      expect(doomed.output()).toContain(`killing the process at ${point}`);
      expect(await count('select count(*) as n from draw_record where raffle_id = $1', [raffleId])).toBe(
        resultsAtCrash,
      );
      expect(await count('select count(*) as n from draw_seal where raffle_id = $1', [raffleId])).toBe(1);

      const restarted = await start();
      const results = await drawn(restarted.base, raffleId);
      expect(results.prizes[0].draw.winningTickets).toHaveLength(1);
      expect(await count('select count(*) as n from draw_record where raffle_id = $1', [raffleId])).toBe(1);
      expect(await journaled(raffleId, 'DRAW_RESULT')).toBe(1);
      expect(await journaled(raffleId, 'DRAW_SEALED')).toBe(1);
      // The RNG request of the killed transaction was never committed: one request, one draw.
      expect(await journaled(raffleId, 'RNG_REQUEST')).toBe(1);
      expect(await journaled(raffleId, 'RAFFLE_DRAWN')).toBe(1);
      await restarted.kill('SIGTERM');
    },
    180_000,
  );

  it('a process killed after the RNG request committed and before the draw: the restart draws with those bytes', async () => {
    const doomed = await start({ DRAW_FAULT_INJECTION: 'kill-after-rng-request' });
    const raffleId = await raffleWithSales(doomed.base, 4_000);
    let timer: NodeJS.Timeout | undefined;
    const ended = await Promise.race([
      doomed.exited,
      new Promise((resolve) => (timer = setTimeout(() => resolve('still running'), 60_000))),
    ]);
    clearTimeout(timer);
    expect(ended).toBe('SIGKILL');
    expect(doomed.output()).toContain('killing the process at kill-after-rng-request');
    expect(await count('select count(*) as n from draw_record where raffle_id = $1', [raffleId])).toBe(0);
    // The request is durable before any winner was picked: its row with its bytes and draw id, and its
    // RNG_REQUEST committed to the journal's queue (the sequencer of the next process integrates it).
    const [request] = (
      await client.query<{ id: string; draw_id: string; bytes: string; k: number; n: string }>(
        'select id, draw_id, bytes, k, n from rng_request where subject = $1',
        [`raffle/${raffleId}`],
      )
    ).rows;
    const readRequest = (payload: string) =>
      JSON.parse(payload) as { requestId: string; draw: { prizeId: string; drawId: string } };
    const committed = (
      await client.query<{ payload: string }>(
        "select payload from ledger_queue where subject = $1 and type = 'RNG_REQUEST' union all " +
          "select payload from ledger_entry where subject = $1 and type = 'RNG_REQUEST'",
        [`raffle/${raffleId}`],
      )
    ).rows.map((r) => readRequest(r.payload));
    expect(committed).toHaveLength(1);
    expect(committed[0].requestId).toBe(request.id);
    expect(committed[0].draw).toEqual({ prizeId: 'main', drawId: request.draw_id, replaces: null });
    const dictated = replaySelectDistinct(
      request.k,
      Number(request.n),
      Buffer.from(request.bytes, 'hex'),
    ).values;

    const restarted = await start();
    const results = await drawn(restarted.base, raffleId);
    expect(results.prizes[0].draw.drawId).toBe(request.draw_id);
    expect(await count('select count(*) as n from draw_record where raffle_id = $1', [raffleId])).toBe(1);
    expect(await journaled(raffleId, 'DRAW_RESULT')).toBe(1);
    // No fresh bytes: the one request, consumed by the draw, none abandoned.
    expect(await journaled(raffleId, 'RNG_REQUEST')).toBe(1);
    expect(await journaled(raffleId, 'RNG_REQUEST_ABANDONED')).toBe(0);
    const [draw] = (
      await client.query<{ payload: string }>(
        "select payload from ledger_entry where subject = $1 and type = 'DRAW_RESULT'",
        [`raffle/${raffleId}`],
      )
    ).rows.map(
      (r) =>
        JSON.parse(r.payload) as {
          drawId: string;
          rngRequestId: string;
          rngCalls: Array<{ bytes: string }>;
          positions: number[];
          tickets: number[];
        },
    );
    expect(draw.rngRequestId).toBe(request.id);
    expect(draw.rngCalls.map((c) => c.bytes).join('')).toBe(request.bytes);
    expect(draw.positions).toEqual(dictated); // the winner the committed bytes dictate
    expect(results.prizes[0].draw.winningTickets).toEqual(draw.tickets);
    expect(
      await count(
        "select count(*) as n from rng_request_settlement where request_id = $1 and outcome = 'consumed'",
        [request.id],
      ),
    ).toBe(1);
    await restarted.kill('SIGTERM');
  }, 180_000);

  it('two replicas on one database with the same schedule make each draw once', async () => {
    const a = await start();
    const b = await start();
    const raffles = [];
    for (let i = 0; i < 3; i++) raffles.push(await raffleWithSales(i % 2 === 0 ? a.base : b.base, 5_000));
    for (const raffleId of raffles) {
      const fromA = await drawn(a.base, raffleId);
      const fromB = await drawn(b.base, raffleId);
      expect(fromB.prizes[0].draw.drawId).toBe(fromA.prizes[0].draw.drawId);
      expect(await count('select count(*) as n from draw_record where raffle_id = $1', [raffleId])).toBe(1);
      expect(await journaled(raffleId, 'DRAW_SEALED')).toBe(1);
      expect(await journaled(raffleId, 'DRAW_RESULT')).toBe(1);
      expect(await journaled(raffleId, 'RNG_REQUEST')).toBe(1);
    }
    // The database refuses a second result of a prize even if a replica's code tried to write one.
    const [first] = (await client.query('select * from draw_record where raffle_id = $1', [raffles[0]])).rows;
    await expect(
      client.query(
        `insert into draw_record (id, raffle_id, prize_id, seal_id, kind, repeats, tickets, queue_id, recorded_at, drawn_by, drawn_at)
         values (gen_random_uuid()::text, $1, $2, $3, 'result', false, '[1]', 0, now(), 'x', now())`,
        [first.raffle_id, first.prize_id, first.seal_id],
      ),
    ).rejects.toThrow(/draw_record_one_result_per_prize/);
    await a.kill('SIGTERM');
    await b.kill('SIGTERM');
  }, 180_000);
});
