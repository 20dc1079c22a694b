import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import canonicalize from 'canonicalize';
import { sql } from 'kysely';
import { DatabaseService } from '../src/database/database.service.js';
import { verifyDrawProof } from '../src/draw/core/index.js';
import { chainEntries, exportLine, type JournalEntry, ZERO_HASH } from '../src/ledger/core/entry.js';
import { main as verifyCli } from '../src/ledger/cli/verify.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { NORTH_DAKOTA, sell, shortRaffle, until, voidOrder } from './support/draws.js';
import { journal } from './support/journal.js';
import { raffleDraft } from './support/factories.js';
import { openRaffle, type Headers } from './support/sales.js';

type Order = Awaited<ReturnType<typeof sell>> & { receipt: { verificationCode: string } };

function numbers(orders: Order[]): number[] {
  return orders.flatMap((o) =>
    Array.from(
      { length: o.receipt.tickets.last - o.receipt.tickets.first + 1 },
      (_, i) => o.receipt.tickets.first + i,
    ),
  );
}

/** Runs the offline verifier (`npm run verify`) on entries written as an export. */
async function verify(dir: string, name: string, entries: JournalEntry[], args: string[] = []) {
  const path = join(dir, name);
  writeFileSync(path, entries.map((e) => exportLine(e) + '\n').join(''));
  let stdout = '';
  const status = await verifyCli([path, ...args], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stdout += text),
  });
  return { status, stdout };
}

/** The journal rewritten with a change and chained again, as a forger with database access would. */
function forged(entries: JournalEntry[], change: (entries: JournalEntry[]) => void): JournalEntry[] {
  const copy = entries.map((e) => JSON.parse(JSON.stringify(e)) as JournalEntry);
  change(copy);
  return chainEntries(
    ZERO_HASH,
    0,
    copy.map((e) => ({ type: e.type, subject: e.subject, payload: e.payload, time: e.time })),
  );
}

describe('a raffle with an early bird, its main draw, a redraw, and the offline recomputation (pglite)', () => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let seller: Headers;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fairdraw-draw-verify-'));
    t = await startTestApp({
      engine: 'pglite',
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
  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const results = async (raffleId: string) =>
    (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffleId}/results` })).json();

  it('draws the early bird from the tickets sold before its cut-off while sales go on, then the main prize, redraws, and recomputes it all', async () => {
    const earlyAt = Date.now() + 6_000;
    const raffle = await shortRaffle(t, admin, {
      closeInMs: 14_000,
      drawAfterCloseMs: 300,
      overrides: { claimDeadlineDays: 90 },
      extraPrizes: [
        {
          id: 'early',
          name: 'Early bird',
          kind: 'EARLY_BIRD',
          drawAt: new Date(earlyAt).toISOString(),
          amountMinor: 25_000,
        },
      ],
    });
    const before: Order[] = [];
    for (const pkg of ['thirty', 'one', 'five', 'one', 'five'])
      before.push((await sell(t, raffle.id, seller, pkg)) as Order);
    expect((await voidOrder(t, before[2].orderId, operator)).statusCode).toBe(200);
    expect(Date.now()).toBeLessThan(earlyAt);

    const early = await until(
      () => results(raffle.id),
      (r) => r.prizes.find((p: { prizeId: string }) => p.prizeId === 'early').status === 'DRAWN',
    );
    expect(early.status).toBe('OPEN');
    const earlyDraw = early.prizes.find((p: { prizeId: string }) => p.prizeId === 'early').draw;
    const eligibleEarly = numbers([before[0], before[1], before[3], before[4]]);
    expect(earlyDraw.seal).toMatchObject({ salesClosed: false, count: eligibleEarly.length });
    expect(eligibleEarly).toContain(earlyDraw.winningTickets[0]);
    expect(earlyDraw.prize).toMatchObject({ basis: 'FIXED', amountMinor: 25_000 });

    // Sales go on after the early bird; these tickets are only in the final set.
    const after: Order[] = [];
    for (const pkg of ['five', 'thirty']) after.push((await sell(t, raffle.id, seller, pkg)) as Order);

    const drawn = await until(
      () => results(raffle.id),
      (r) => r.status === 'DRAWN',
      30_000,
    );
    const mainDraw = drawn.prizes.find((p: { prizeId: string }) => p.prizeId === 'main').draw;
    const eligibleMain = [...eligibleEarly, ...numbers(after)];
    expect(mainDraw.seal).toMatchObject({ salesClosed: true, count: eligibleMain.length });
    expect(eligibleMain).toContain(mainDraw.winningTickets[0]);
    const paid = [...before, ...after].filter((o) => o !== before[2]).length;
    expect(paid).toBe(6);
    expect(mainDraw.prize.paidTotalMinor).toBe(5_000 + 1_000 + 1_000 + 2_000 + 2_000 + 5_000);
    expect(mainDraw.prize.amountMinor).toBe(8_000);
    expect(mainDraw.prize.by).toBe('system:scheduler');

    // The winning ticket's validation number shows WINNER, read from the journaled draws.
    const winner = mainDraw.winningTickets[0];
    const winningOrder = [...before, ...after].find(
      (o) => o.receipt.tickets.first <= winner && winner <= o.receipt.tickets.last,
    )!;
    const check = await t.app.inject({
      method: 'GET',
      url: `/v1/tickets/verify/${winningOrder.receipt.verificationCode}`,
    });
    expect(check.json()).toMatchObject({
      status: 'WINNER',
      winningNumbers: expect.arrayContaining([expect.objectContaining({ number: winner, prizeId: 'main' })]),
    });

    // Redraw: admin only, with a cause and a reason; the unclaimed cause waits for the claim period.
    const redrawUrl = `/v1/draws/${mainDraw.drawId}/redraw`;
    const ineligible = {
      ticket: winner,
      cause: 'INELIGIBLE',
      reason: 'winner is an employee of the licensee',
    };
    expect(
      (await t.app.inject({ method: 'POST', url: redrawUrl, payload: ineligible, headers: operator }))
        .statusCode,
    ).toBe(403);
    const noReason = await t.app.inject({
      method: 'POST',
      url: redrawUrl,
      payload: { ticket: winner, cause: 'INELIGIBLE' },
      headers: admin,
    });
    expect(noReason.json().fields.map((f: { field: string }) => f.field)).toEqual(['reason']);
    const unclaimed = await t.app.inject({
      method: 'POST',
      url: redrawUrl,
      payload: { ...ineligible, cause: 'UNCLAIMED' },
      headers: admin,
    });
    expect(unclaimed.json().code).toBe('CLAIM_PERIOD_OPEN');
    const notWinner = eligibleMain.find((n) => n !== winner)!;
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: redrawUrl,
          payload: { ...ineligible, ticket: notWinner },
          headers: admin,
        })
      ).json().code,
    ).toBe('NOT_A_CURRENT_WINNER');
    const redrawn = await t.app.inject({
      method: 'POST',
      url: redrawUrl,
      payload: ineligible,
      headers: admin,
    });
    expect(redrawn.statusCode).toBe(200);
    const redraw = redrawn.json();
    expect(redraw).toMatchObject({
      kind: 'redraw',
      replaces: { ticket: winner, reason: 'winner ineligible: winner is an employee of the licensee' },
    });
    expect(redraw.winningTickets[0]).not.toBe(winner);
    expect(redraw.prize).toMatchObject({ by: 'alice-admin', amountMinor: 8_000, basis: 'SHARE_OF_SALES' });
    expect(eligibleMain).toContain(redraw.winningTickets[0]);
    expect(redraw.excluded).toContain(winner);
    expect(
      (await t.app.inject({ method: 'POST', url: redrawUrl, payload: ineligible, headers: admin })).json()
        .code,
    ).toBe('NOT_A_CURRENT_WINNER');
    const after2 = await results(raffle.id);
    const main2 = after2.prizes.find((p: { prizeId: string }) => p.prizeId === 'main').draw;
    expect(main2.winningTickets).toEqual(redraw.winningTickets);
    expect(main2.redraws).toHaveLength(1);
    const redrawProof = (await t.app.inject({ method: 'GET', url: redraw.proofUrl })).json();
    expect(verifyDrawProof(redrawProof.drawProof).tickets).toEqual(redraw.winningTickets);

    // Settled once every prize is claimed (or past its claim period): admin only, with a note; no redraw
    // afterwards.
    const settleUrl = `/v1/raffles/${raffle.id}/settle`;
    const note = { note: 'all prizes paid out; cheques 1041-1043' };
    expect(
      (await t.app.inject({ method: 'POST', url: settleUrl, payload: note, headers: operator })).statusCode,
    ).toBe(403);
    expect(
      (await t.app.inject({ method: 'POST', url: settleUrl, payload: {}, headers: admin })).json().fields[0]
        .field,
    ).toBe('note');
    expect(
      (await t.app.inject({ method: 'POST', url: settleUrl, payload: note, headers: admin })).json().code,
    ).toBe('PRIZES_UNCLAIMED');
    const claims: Array<[string, number, number]> = [
      [earlyDraw.drawId, earlyDraw.winningTickets[0], 25_000],
      [redraw.drawId, redraw.winningTickets[0], 8_000],
    ];
    for (const [drawId, ticket, amountMinor] of claims) {
      const holder = [...before, ...after].find(
        (o) => o.receipt.tickets.first <= ticket && ticket <= o.receipt.tickets.last,
      )!;
      const claimed = await t.app.inject({
        method: 'POST',
        url: `/v1/draws/${drawId}/claim`,
        payload: {
          verificationCode: holder.receipt.verificationCode,
          claimant: { name: 'A. Winner' },
          identityDocument: { type: 'PASSPORT', reference: 'P1234567' },
          payment: { method: 'CHEQUE', reference: `cheque for ${drawId}` },
          amountMinor,
        },
        headers: operator,
      });
      expect(claimed.statusCode).toBe(201);
    }
    const settled = await t.app.inject({ method: 'POST', url: settleUrl, payload: note, headers: admin });
    expect(settled.json()).toMatchObject({ status: 'SETTLED' });
    expect(
      (await t.app.inject({ method: 'POST', url: settleUrl, payload: note, headers: admin })).json().code,
    ).toBe('INVALID_TRANSITION');
    const lateRedraw = await t.app.inject({
      method: 'POST',
      url: redrawUrl,
      payload: { ...ineligible, ticket: redraw.winningTickets[0] },
      headers: admin,
    });
    expect(lateRedraw.json().code).toBe('RAFFLE_NOT_DRAWABLE');

    // The export recomputes: both seals from the sales and voids, all three draws from their bytes.
    const entries = await journal(t);
    const key = t.app.get(LedgerService).publicKey().verifierKey;
    const good = await verify(dir, 'good.ndjson', entries, ['--verifier-key', key]);
    expect(good.stdout).toContain('Fairdraw journal verification: OK');
    expect(good.stdout).toContain(
      '2 of 2 seals recomputed, 3 of 3 draws replayed (1 redraws, 3 with an uncertified RNG)',
    );
    expect(good.status).toBe(0);

    // A forger who rewrites the journal and re-chains every hash is still caught by the recomputation.
    const mainEntry = (e: JournalEntry) => e.type === 'DRAW_RESULT' && e.payload.prizeId === 'main';
    const tamperings: Array<[string, (list: JournalEntry[]) => void, RegExp]> = [
      [
        'bytes',
        (list) => {
          const calls = list.find(mainEntry)!.payload.rngCalls as Array<{ bytes: string }>;
          // The last hex digit: low bits, which the masked candidate always uses (high bits may be masked off).
          calls[calls.length - 1].bytes = calls[calls.length - 1].bytes.replace(/.$/, (c) =>
            c === '0' ? '1' : '0',
          );
        },
        /draw .*prize main.*(the journaled RNG calls do not replay|winner 1: journal says ticket)/,
      ],
      [
        'rng request',
        (list) => {
          // The RNG_REQUEST the main draw names: the draw's bytes are no longer the ones it served.
          const requestId = list.find(mainEntry)!.payload.rngRequestId;
          const request = list.find((e) => e.type === 'RNG_REQUEST' && e.payload.requestId === requestId)!;
          request.payload.bytesSha256 = '0'.repeat(64);
        },
        /draw .* is not what its RNG request .* served: bytesSha256 0{64} requested/,
      ],
      [
        'set',
        (list) => {
          const sale = list.find((e) => e.type === 'TICKETS_SOLD' && e.payload.orderId === after[1].orderId)!;
          sale.payload.last = (sale.payload.last as number) - 1;
        },
        /seal .* does not match its sales .*count \d+ journaled, \d+ recomputed/,
      ],
      [
        'winner',
        (list) => {
          const draw = list.find(mainEntry)!;
          const tickets = draw.payload.tickets as number[];
          tickets[0] = eligibleMain.find((n) => n !== tickets[0])!;
        },
        /prize main.*winner 1: journal says ticket \d+ at pool position/,
      ],
      [
        'prize amount',
        (list) => {
          const prize = list.find((e) => e.type === 'DRAW_PRIZE' && e.payload.prizeId === 'main')!;
          prize.payload.amountMinor = (prize.payload.amountMinor as number) + 100;
        },
        /prize main of draw .*: amountMinor 8100 journaled, 8000 recomputed/,
      ],
    ];
    for (const [name, change, message] of tamperings) {
      const bad = await verify(dir, `${name}.ndjson`, forged(entries, change));
      expect({ name, status: bad.status }).toEqual({ name, status: 1 });
      expect(bad.stdout).toContain('FAILED');
      expect(bad.stdout).toMatch(message);
    }
  });

  it("draws each prize under its rules' winnerExclusion, redraws too, and the verifier holds every draw to the rules", async () => {
    const earlyAt = Date.now() + 8_000;
    const closeAt = earlyAt + 3_000;
    const prizes = (main: string | undefined, early: string | undefined) => [
      {
        id: 'main',
        name: '50/50 main prize',
        kind: 'MAIN',
        drawAt: new Date(closeAt + 300).toISOString(),
        ...(main ? { winnerExclusion: main } : {}),
      },
      {
        id: 'early',
        name: 'Early bird',
        kind: 'EARLY_BIRD',
        drawAt: new Date(earlyAt).toISOString(),
        amountMinor: 25_000,
        ...(early ? { winnerExclusion: early } : {}),
      },
    ];
    const window = { ...NORTH_DAKOTA, salesCloseAt: new Date(closeAt).toISOString() };
    // `raffle`: the main prize goes to a ticket that has not won; the early bird `seal`.
    const once = await openRaffle(t, admin, { ...window, prizes: prizes('raffle', 'seal') as never });
    // `none` for both: one ticket may win both prizes.
    const twice = await openRaffle(t, admin, { ...window, prizes: prizes('none', 'none') as never });
    // Left out: new rules store `raffle` for both, so the only ticket cannot win the main prize too.
    const fresh = await openRaffle(t, admin, { ...window, prizes: prizes(undefined, undefined) as never });
    // Rules stored before prizes could choose (no member in the text, hashed and journaled without it)
    // read as `seal`: its only ticket wins both prizes, as every draw did then.
    const created = await t.app.inject({
      method: 'POST',
      url: '/v1/raffles',
      payload: raffleDraft({ ...window, prizes: prizes(undefined, undefined) as never }),
      headers: admin,
    });
    expect(created.statusCode).toBe(201);
    const old = created.json() as { id: string };
    const db = t.app.get(DatabaseService).db;
    const row = await db
      .selectFrom('raffle')
      .select('rules')
      .where('id', '=', old.id)
      .executeTakeFirstOrThrow();
    const oldRules = JSON.parse(row.rules) as { prizes: Array<Record<string, unknown>> };
    for (const prize of oldRules.prizes) delete prize.winnerExclusion;
    const oldText = canonicalize(oldRules)!;
    const oldHash = createHash('sha256').update(oldText).digest('hex');
    await sql`update raffle set rules = ${oldText}, rules_hash = ${oldHash} where id = ${old.id}`.execute(db);
    const opened = await t.app.inject({ method: 'POST', url: `/v1/raffles/${old.id}/open`, headers: admin });
    expect(opened.statusCode).toBe(200);
    for (const raffle of [once, once, twice, fresh, old]) await sell(t, raffle.id, seller, 'one');
    expect(Date.now()).toBeLessThan(earlyAt);
    // Buyers see each prize's rule on the raffle's public page.
    const shownOf = async (raffleId: string) =>
      (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffleId}/public` }))
        .json()
        .prizes.map((p: { id: string; winnerExclusion: string }) => [p.id, p.winnerExclusion]);
    expect(await shownOf(once.id)).toEqual([
      ['main', 'raffle'],
      ['early', 'seal'],
    ]);
    expect(await shownOf(fresh.id)).toEqual([
      ['main', 'raffle'],
      ['early', 'raffle'],
    ]);
    expect(await shownOf(old.id)).toEqual([
      ['main', 'seal'],
      ['early', 'seal'],
    ]);

    const drawnOf = async (raffleId: string) => {
      const drawn = await until(
        () => results(raffleId),
        (r) => r.status === 'DRAWN',
        30_000,
      );
      const draw = async (prizeId: string) => {
        const { drawId } = drawn.prizes.find((p: { prizeId: string }) => p.prizeId === prizeId).draw;
        return (await t.app.inject({ method: 'GET', url: `/v1/draws/${drawId}` })).json();
      };
      return { early: await draw('early'), main: await draw('main') };
    };

    // Two tickets: the early bird wins one of them, the main prize must go to the other.
    const first = await drawnOf(once.id);
    const earlyWinner = first.early.winningTickets[0] as number;
    expect([1, 2]).toContain(earlyWinner);
    expect(first.early).toMatchObject({ exclusion: 'seal', excluded: [] });
    expect(first.main).toMatchObject({ exclusion: 'raffle', excluded: [earlyWinner], k: 1 });
    expect(first.main.winningTickets).toEqual([3 - earlyWinner]);
    // The redraw keeps the prize's rule: the early-bird winner stays out, so no ticket is left.
    const redrawn = await t.app.inject({
      method: 'POST',
      url: `/v1/draws/${first.main.drawId}/redraw`,
      payload: { ticket: 3 - earlyWinner, cause: 'INELIGIBLE', reason: 'winner is a board member' },
      headers: admin,
    });
    expect(redrawn.json()).toMatchObject({ code: 'NO_ELIGIBLE_TICKETS' });

    // One ticket: it wins both prizes.
    const second = await drawnOf(twice.id);
    expect(second.early).toMatchObject({ exclusion: 'none', excluded: [], winningTickets: [1] });
    expect(second.main).toMatchObject({ exclusion: 'none', excluded: [], winningTickets: [1], k: 1 });

    // Defaults of new rules: one win per ticket, so the main prize has no eligible ticket left.
    const third = await drawnOf(fresh.id);
    expect(third.early).toMatchObject({ exclusion: 'raffle', excluded: [], winningTickets: [1] });
    expect(third.main).toMatchObject({ exclusion: 'raffle', excluded: [1], winningTickets: [], k: 0 });
    // Old-style rules: drawn as `seal`, and journaled without the member.
    const fourth = await drawnOf(old.id);
    expect(fourth.early).toMatchObject({ exclusion: 'seal', excluded: [], winningTickets: [1] });
    expect(fourth.main).toMatchObject({ exclusion: 'seal', excluded: [], winningTickets: [1], k: 1 });

    const entries = await journal(t);
    const key = ['--verifier-key', t.app.get(LedgerService).publicKey().verifierKey];
    const oldOpened = entries.find((e) => e.type === 'RAFFLE_OPENED' && e.payload.raffleId === old.id)!;
    const journaledPrizes = (oldOpened.payload.rules as { prizes: Array<Record<string, unknown>> }).prizes;
    expect(journaledPrizes.map((p) => 'winnerExclusion' in p)).toEqual([false, false]);
    expect(oldOpened.payload.rulesHash).toBe(oldHash);
    const good = await verify(dir, 'exclusions.ndjson', entries, key);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(
      /exclusion rules +(\d+) of \1 draws checked against their prize's journaled rules/,
    );

    // A draw that names another rule than the prize's is caught, even when all else is coherent.
    const ruleOf = (raffleId: string) => (list: JournalEntry[]) =>
      list.find((e) => e.type === 'RAFFLE_OPENED' && e.payload.raffleId === raffleId)!.payload.rules as {
        prizes: Array<{ id: string; winnerExclusion: string }>;
      };
    const tamperings: Array<[string, (list: JournalEntry[]) => void, RegExp]> = [
      [
        'draw exclusion',
        (list) => {
          const draw = list.find((e) => e.type === 'DRAW_RESULT' && e.payload.drawId === first.main.drawId)!;
          draw.payload.exclusion = 'seal';
          draw.payload.excluded = [];
        },
        /draw .* of prize main: exclusion "seal" journaled, but the raffle's rules \(entry \d+\) set winnerExclusion "raffle" for prize main/,
      ],
      [
        'rules exclusion',
        (list) => {
          ruleOf(twice.id)(list).prizes.find((p) => p.id === 'main')!.winnerExclusion = 'raffle';
        },
        /draw .* of prize main: exclusion "none" journaled, but the raffle's rules \(entry \d+\) set winnerExclusion "raffle" for prize main/,
      ],
      [
        // The old-style rules read as `seal`; given the new default afterwards, the draw no longer matches.
        'old rules given raffle',
        (list) => {
          ruleOf(old.id)(list).prizes.find((p) => p.id === 'main')!.winnerExclusion = 'raffle';
        },
        /draw .* of prize main: exclusion "seal" journaled, but the raffle's rules \(entry \d+\) set winnerExclusion "raffle" for prize main/,
      ],
    ];
    for (const [name, change, message] of tamperings) {
      const bad = await verify(dir, `${name}.ndjson`, forged(entries, change));
      expect({ name, status: bad.status }).toEqual({ name, status: 1 });
      expect(bad.stdout).toMatch(message);
    }
    // Apart from the journal roots the seals name (any rewrite before a seal changes them), the rules
    // tampering is coherent: the draws replay, and only the exclusion check fails.
    const json = await verify(dir, 'rules-forged.ndjson', forged(entries, tamperings[1][1]), [
      ...key,
      '--json',
    ]);
    const problems = (JSON.parse(json.stdout) as { problems: Array<{ kind: string; message: string }> })
      .problems;
    expect(
      problems.filter(
        (p) => !/: journal root at tree size \d+ is [0-9a-f]{64}, the seal says/.test(p.message),
      ),
    ).toEqual([
      expect.objectContaining({ kind: 'exclusion-rule', message: expect.stringMatching(tamperings[1][2]) }),
    ]);
  });
});
