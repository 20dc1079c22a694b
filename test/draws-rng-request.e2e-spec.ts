import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createDrawCheck, drawJournalAdapter } from '../src/draw/core/index.js';
import { main as verifyCli } from '../src/ledger/cli/verify.js';
import { verifyJournal } from '../src/ledger/core/index.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { RngService } from '../src/rng/rng.service.js';
import { ticketSalesMapping } from '../src/ticket/core/sales-journal.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell, shortRaffle, until } from './support/draws.js';
import { journal } from './support/journal.js';
import type { Headers } from './support/sales.js';

/**
 * A draw's RNG request committed before the draw and left unconsumed (as a process killed between the
 * two commits leaves it; test/draws-crash kills the built service there): the draw that runs next
 * reuses it when it still fits the pool, and abandons it, journaled, when the pool changed. The offline
 * verifier accepts both journals and lists what it should.
 */
describe('a draw finds its RNG request committed before it (PGlite)', () => {
  let t: TestApp;
  let admin: Headers;
  let seller: Headers;

  beforeAll(async () => {
    t = await startTestApp({
      engine: 'pglite',
      env: { SALES_SCHEDULER_INTERVAL_MS: '100', DRAW_SCHEDULER_INTERVAL_MS: '100' },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
  });
  afterAll(async () => t?.close());

  /** A raffle of 6 sold tickets (1-6) whose main prize has a committed, unconsumed request for `n`. */
  async function raffleWithPendingRequest(n: number) {
    const raffle = await shortRaffle(t, admin, { closeInMs: 2_500 });
    await sell(t, raffle.id, seller, 'five');
    await sell(t, raffle.id, seller, 'one');
    const drawId = randomUUID();
    const subject = `raffle/${raffle.id}`;
    const request = await t.app.get(RngService).draw({ purpose: 'draw', subject, k: 1, n }, undefined, {
      key: 'result:main',
      prizeId: 'main',
      drawId,
      replaces: null,
    });
    const drawn = await until(
      async () =>
        (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffle.id}/results` })).json() as {
          status: string;
          prizes: Array<{ draw: { drawId: string; winningTickets: number[] } }>;
        },
      (r) => r.status === 'DRAWN',
    );
    const entries = await journal(t, subject);
    const ofType = (type: string) => entries.filter((e) => e.type === type).map((e) => e.payload);
    return { drawId, request, drawn, ofType };
  }

  async function offlineCheck() {
    const ledger = t.app.get(LedgerService);
    await journal(t); // integrated
    const lines: string[] = [];
    for await (const chunk of ledger.exportLines(0, await ledger.treeSize()))
      lines.push(...chunk.split('\n').filter((line) => line !== ''));
    const check = createDrawCheck(drawJournalAdapter(ticketSalesMapping()));
    const result = await verifyJournal(lines, { entryChecks: [check] });
    return { result, summary: check.summary(), lines };
  }

  /** What `npm run verify` prints for the same export. */
  async function verifierText(lines: string[]): Promise<{ status: number; stdout: string }> {
    const dir = mkdtempSync(join(tmpdir(), 'fairdraw-rng-request-'));
    try {
      const path = join(dir, 'export.ndjson');
      writeFileSync(path, lines.join('\n') + '\n');
      let stdout = '';
      const status = await verifyCli([path], { stdout: (text) => (stdout += text), stderr: () => {} });
      return { status, stdout };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('reuses a request that still fits: the reserved draw id, the committed bytes, the winner they dictate', async () => {
    const { drawId, request, drawn, ofType } = await raffleWithPendingRequest(6);
    expect(drawn.prizes[0].draw.drawId).toBe(drawId);
    expect(ofType('RNG_REQUEST')).toHaveLength(1);
    expect(ofType('RNG_REQUEST_ABANDONED')).toHaveLength(0);
    const [result] = ofType('DRAW_RESULT') as unknown as Array<{
      rngRequestId: string;
      positions: number[];
      tickets: number[];
    }>;
    expect(result.rngRequestId).toBe(request.requestId);
    expect(result.positions).toEqual(request.values);
    expect(result.tickets).toEqual([request.values[0] + 1]); // tickets 1-6 at positions 0-5
    const { result: verified, summary } = await offlineCheck();
    expect(verified.problems).toEqual([]);
    expect(summary.rngRequestsPending).toEqual([]);
    expect(summary.rngRequestsAbandoned).toEqual([]);
  });

  it('abandons a request whose pool no longer fits, journaled with the reason, and draws with a fresh one', async () => {
    const { drawId, request, drawn, ofType } = await raffleWithPendingRequest(7);
    expect(drawn.prizes[0].draw.drawId).not.toBe(drawId);
    expect(ofType('RNG_REQUEST')).toHaveLength(2);
    expect(ofType('RNG_REQUEST_ABANDONED')).toEqual([
      {
        requestId: request.requestId,
        prizeId: 'main',
        drawId,
        reason: 'the pool changed before the draw: 1 of 7 requested, 1 of 6 now',
        abandonedAt: expect.any(String),
      },
    ]);
    const [result] = ofType('DRAW_RESULT') as unknown as Array<{ rngRequestId: string }>;
    expect(result.rngRequestId).not.toBe(request.requestId);
    const { result: verified, summary, lines } = await offlineCheck();
    expect(verified.problems).toEqual([]);
    const printed = await verifierText(lines);
    expect(printed.status).toBe(0);
    expect(printed.stdout).toContain(`    abandoned: RNG request ${request.requestId} (entry `);
    expect(summary.rngRequestsPending).toEqual([]);
    expect(summary.rngRequestsAbandoned).toEqual([
      expect.stringMatching(
        new RegExp(
          `^RNG request ${request.requestId} \\(entry \\d+\\) for raffle/.* prize main, 1 of 7: abandoned at entry \\d+ \\(the pool changed before the draw: 1 of 7 requested, 1 of 6 now\\)$`,
        ),
      ),
    ]);
  });
});
