import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Origin } from '../src/audit/significant-event.js';
import { DatabaseService } from '../src/database/database.service.js';
import { PrizeClaimsService } from '../src/draw/claims/prize-claims.service.js';
import { commitPersonalData } from '../src/draw/core/claim-entries.js';
import { DrawService } from '../src/draw/draw.service.js';
import { main as verifyCli } from '../src/ledger/cli/verify.js';
import { chainEntries, exportLine, type JournalEntry, ZERO_HASH } from '../src/ledger/core/entry.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell, shortRaffle, until } from './support/draws.js';
import { journal } from './support/journal.js';
import type { Headers } from './support/sales.js';

/** A user calling the service directly (with a clock past the claim period), from no address. */
function userOrigin(sub: string, role: string): Origin {
  return { actor: { type: 'user', sub, roles: [role] }, source: null, requestId: null };
}

type Order = Awaited<ReturnType<typeof sell>> & { receipt: { verificationCode: string } };

const DAY = 86_400_000;

/** Personal data that must never reach the journal or a public response. */
const PII = {
  name: 'Zephyrine Quillfeather',
  email: 'zephyrine.q@example.org',
  phone: '+1 613 555 0199',
  address: '77 Sparrow Lane, Ottawa',
  document: 'DL-Q4471-99812',
  payment: 'cheque 0042-ZQ',
  note: 'spoke to her brother Bartholomew',
  contact: 'voicemail at +1 613 555 0177',
};

function claimBody(code: string, amountMinor: number | null, extra: object = {}) {
  return {
    verificationCode: code,
    claimant: { name: PII.name, email: PII.email, phone: PII.phone, address: PII.address },
    identityDocument: { type: 'DRIVERS_LICENCE', reference: PII.document },
    payment: { method: 'CHEQUE', reference: PII.payment },
    amountMinor,
    note: 'claimed at the foundation office',
    ...extra,
  };
}

async function verify(dir: string, name: string, entries: JournalEntry[]) {
  const path = join(dir, name);
  writeFileSync(path, entries.map((e) => exportLine(e) + '\n').join(''));
  let stdout = '';
  const status = await verifyCli([path], {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stdout += text),
  });
  return { status, stdout };
}

describe('prize claims and winner contact attempts (postgres)', () => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let auditor: Headers;
  let seller: Headers;
  let dir: string;
  // Raffle A: no claim deadline in its rules; raffle B: a claim period of one day.
  let a: { id: string; orders: Order[]; drawId: string; winner: number; amountMinor: number };
  let b: { id: string; orders: Order[]; drawId: string; winner: number; amountMinor: number };

  const results = async (raffleId: string) =>
    (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffleId}/results` })).json();
  const post = (url: string, payload: object, headers: Headers) =>
    t.app.inject({ method: 'POST', url, payload, headers });
  const get = (url: string, headers: Headers = {}) => t.app.inject({ method: 'GET', url, headers });
  const orderOf = (orders: Order[], ticket: number) =>
    orders.find((o) => o.receipt.tickets.first <= ticket && ticket <= o.receipt.tickets.last)!;
  const rowCounts = async () => {
    const db = t.app.get(DatabaseService).db;
    const { rows } = await sql<Record<string, number>>`select
      (select count(*) from prize_claim)::int8 as claims,
      (select count(*) from winner_contact_attempt)::int8 as attempts,
      (select count(*) from winner_personal_data)::int8 as personal`.execute(db);
    return rows[0];
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fairdraw-claims-'));
    // PostgreSQL, so that concurrent claims really run in parallel transactions (PGlite serialises them).
    t = await startTestApp({
      engine: 'postgres',
      env: { SALES_SCHEDULER_INTERVAL_MS: '100', DRAW_SCHEDULER_INTERVAL_MS: '100' },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    auditor = bearer(await t.token(['auditor'], 'audrey-auditor'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    const raffleA = await shortRaffle(t, admin, { closeInMs: 4_000 });
    const raffleB = await shortRaffle(t, admin, { closeInMs: 4_000, overrides: { claimDeadlineDays: 1 } });
    const ordersA: Order[] = [];
    for (const pkg of ['five', 'five', 'five'])
      ordersA.push((await sell(t, raffleA.id, seller, pkg)) as Order);
    const ordersB: Order[] = [];
    for (const pkg of ['one', 'one', 'one']) ordersB.push((await sell(t, raffleB.id, seller, pkg)) as Order);
    const drawnOf = async (id: string, orders: Order[]) => {
      const drawn = await until(
        () => results(id),
        (r) => r.status === 'DRAWN',
        30_000,
      );
      const draw = drawn.prizes[0].draw;
      return {
        id,
        orders,
        drawId: draw.drawId,
        winner: draw.winningTickets[0],
        amountMinor: draw.prize.amountMinor,
      };
    };
    a = await drawnOf(raffleA.id, ordersA);
    b = await drawnOf(raffleB.id, ordersB);
    expect(a.amountMinor).toBe(3_000);
  }, 90_000);

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses an unknown draw, callers without the role and bad input, naming the field and changing nothing', async () => {
    const before = await rowCounts();
    const unknown = '00000000-0000-4000-8000-000000000000';
    const code = orderOf(a.orders, a.winner).receipt.verificationCode;
    for (const [url, body] of [
      [`/v1/draws/${unknown}/claim`, claimBody(code, a.amountMinor)],
      [
        `/v1/draws/${unknown}/contact-attempts`,
        { channel: 'PHONE', outcome: 'NO_ANSWER', contact: PII.contact },
      ],
    ] as const) {
      const response = await post(url, body, operator);
      expect({ url, status: response.statusCode, code: response.json().code }).toEqual({
        url,
        status: 404,
        code: 'DRAW_NOT_FOUND',
      });
    }
    expect((await get(`/v1/draws/${unknown}/claim`, auditor)).json().code).toBe('DRAW_NOT_FOUND');

    const attemptUrl = `/v1/draws/${a.drawId}/contact-attempts`;
    const claimUrl = `/v1/draws/${a.drawId}/claim`;
    const attempt = { channel: 'PHONE', outcome: 'NO_ANSWER', contact: PII.contact };
    expect((await post(attemptUrl, attempt, auditor)).statusCode).toBe(403);
    expect((await post(claimUrl, claimBody(code, a.amountMinor), auditor)).statusCode).toBe(403);
    expect((await post(claimUrl, claimBody(code, a.amountMinor), seller)).statusCode).toBe(403);
    expect((await get(claimUrl, seller)).statusCode).toBe(403);
    expect((await get(claimUrl)).statusCode).toBe(401);

    const fields = async (url: string, body: object) => {
      const response = await post(url, body, operator);
      expect(response.statusCode).toBe(400);
      return (response.json().fields as Array<{ field: string }>).map((f) => f.field);
    };
    expect(await fields(attemptUrl, { ...attempt, channel: 'FAX' })).toEqual(['channel']);
    expect(await fields(attemptUrl, { channel: 'EMAIL', outcome: 'BOUNCED' })).toEqual(['contact']);
    expect(await fields(attemptUrl, { ...attempt, ticket: 0 })).toEqual(['ticket']);
    const noName = claimBody(code, a.amountMinor, {
      claimant: { email: PII.email },
      identityDocument: { type: 'LIBRARY_CARD', reference: PII.document },
    });
    expect(await fields(claimUrl, noName)).toEqual(['claimant.name', 'identityDocument.type']);
    expect(await fields(claimUrl, claimBody(code, -1))).toEqual(['amountMinor']);
    expect(await fields(claimUrl, claimBody('NOT-A-VALID-CODE!', a.amountMinor))).toEqual([
      'verificationCode',
    ]);
    expect(await rowCounts()).toEqual(before);
  });

  it('records contact attempts with the winner, journals no contact detail, and reports the last attempt', async () => {
    const url = `/v1/draws/${a.drawId}/contact-attempts`;
    const first = await post(url, { channel: 'PHONE', outcome: 'NO_ANSWER', contact: PII.contact }, operator);
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({
      drawId: a.drawId,
      ticket: a.winner,
      channel: 'PHONE',
      outcome: 'NO_ANSWER',
      contact: PII.contact,
      note: null,
      attemptedBy: 'oscar-operator',
      personalData: { erased: false },
    });
    const second = await post(
      url,
      { channel: 'EMAIL', outcome: 'REACHED', contact: PII.email, note: PII.note, ticket: a.winner },
      admin,
    );
    expect(second.statusCode).toBe(201);
    expect(
      (
        await post(
          url,
          { channel: 'EMAIL', outcome: 'REACHED', contact: PII.email, ticket: a.winner + 100 },
          admin,
        )
      ).json().code,
    ).toBe('NOT_A_CURRENT_WINNER');

    const report = (await get(`/v1/reports/raffles/${a.id}/unclaimed-prizes`, auditor)).json();
    expect(report.sections[0].rows).toEqual([
      expect.objectContaining({
        ticket: a.winner,
        drawId: a.drawId,
        claimDeadline: null,
        contactAttempts: 2,
        lastContact: expect.stringMatching(/ EMAIL REACHED \(seq \d+\)$/),
        status: 'UNCLAIMED: no claim recorded',
      }),
    ]);
    expect(report.totals).toMatchObject({ winners: 1, claimed: 0, unclaimed: 1, contactAttempts: 2 });

    // Settlement waits for the prize: no claim, and no claim deadline to pass.
    const settle = await post(`/v1/raffles/${a.id}/settle`, { note: 'prizes paid' }, admin);
    expect(settle.statusCode).toBe(409);
    expect(settle.json().code).toBe('PRIZES_UNCLAIMED');
    expect(settle.json().message).toContain(`ticket ${a.winner} of main`);
  });

  it('records a claim with the winning validation number, once; refuses the wrong code or amount', async () => {
    const url = `/v1/draws/${a.drawId}/claim`;
    const winning = orderOf(a.orders, a.winner);
    const other = a.orders.find((o) => o !== winning)!;
    const before = await rowCounts();
    const refusal = async (body: object) => {
      const response = await post(url, body, operator);
      expect(response.statusCode).toBe(409);
      return [response.json().code, (response.json().fields ?? []).map((f: { field: string }) => f.field)];
    };
    expect(await refusal(claimBody(other.receipt.verificationCode, a.amountMinor))).toEqual([
      'CODE_NOT_WINNING_TICKET',
      ['verificationCode'],
    ]);
    const codeOfB = orderOf(b.orders, b.winner).receipt.verificationCode;
    expect(await refusal(claimBody(codeOfB, a.amountMinor))).toEqual([
      'CODE_NOT_WINNING_TICKET',
      ['verificationCode'],
    ]);
    expect(await refusal(claimBody(winning.receipt.verificationCode, a.amountMinor + 1))).toEqual([
      'CLAIM_AMOUNT_MISMATCH',
      ['amountMinor'],
    ]);
    expect(
      await refusal(
        claimBody(winning.receipt.verificationCode, a.amountMinor, {
          payment: { method: 'IN_KIND', reference: 'x' },
        }),
      ),
    ).toEqual(['CLAIM_PAYMENT_METHOD_MISMATCH', ['payment.method']]);
    expect(await rowCounts()).toEqual(before);

    // Two desks record the same claim at once: exactly one is recorded. The code as a person types it
    // (lower case, no dashes) is the same code.
    const typed = winning.receipt.verificationCode.replace(/-/g, '').toLowerCase();
    const both = await Promise.all([
      post(url, claimBody(typed, a.amountMinor), operator),
      post(url, claimBody(winning.receipt.verificationCode, a.amountMinor), admin),
    ]);
    expect(both.map((r) => r.statusCode).sort()).toEqual([201, 409]);
    const claimed = both.find((r) => r.statusCode === 201)!;
    expect(both.find((r) => r.statusCode === 409)!.json().code).toBe('PRIZE_ALREADY_CLAIMED');
    const view = claimed.json();
    expect(view).toMatchObject({
      drawId: a.drawId,
      raffleId: a.id,
      prizeId: 'main',
      standingTickets: [a.winner],
      status: 'CLAIMED',
      claimDeadline: null,
      claim: {
        ticket: a.winner,
        identityDocument: 'DRIVERS_LICENCE',
        identityDocumentReference: PII.document,
        paymentMethod: 'CHEQUE',
        paymentReference: PII.payment,
        amountMinor: a.amountMinor,
        currency: 'CAD',
        claimant: { name: PII.name, email: PII.email, phone: PII.phone, address: PII.address },
      },
    });
    expect(['oscar-operator', 'alice-admin']).toContain(view.claim.claimedBy);
    expect(view.contactAttempts).toHaveLength(2);
    expect(await rowCounts()).toEqual({
      claims: Number(before.claims) + 1,
      attempts: before.attempts,
      personal: Number(before.personal) + 1,
    });
    const again = await post(url, claimBody(winning.receipt.verificationCode, a.amountMinor), admin);
    expect(again.json().code).toBe('PRIZE_ALREADY_CLAIMED');
    expect(again.statusCode).toBe(409);
  });

  it('journals only commitments, which the auditor recomputes from the stored record and its salt', async () => {
    const view = (await get(`/v1/draws/${a.drawId}/claim`, auditor)).json();
    const entries = await journal(t, `raffle/${a.id}`);
    const bySeq = new Map(entries.map((e) => [e.seq, e]));
    const claimEntry = bySeq.get(view.claim.journal.seq)!;
    expect(claimEntry.type).toBe('PRIZE_CLAIMED');
    expect(claimEntry.payload).toMatchObject({
      drawId: a.drawId,
      ticket: a.winner,
      amountMinor: a.amountMinor,
      identityDocument: 'DRIVERS_LICENCE',
      paymentMethod: 'CHEQUE',
      by: view.claim.claimedBy,
    });
    const claimData = {
      claimant: view.claim.claimant,
      identityDocumentReference: view.claim.identityDocumentReference,
      paymentReference: view.claim.paymentReference,
      note: view.claim.note,
    };
    expect(commitPersonalData(claimData, view.claim.personalData.salt)).toBe(
      (claimEntry.payload.personalData as { commitment: string }).commitment,
    );
    expect(commitPersonalData({ ...claimData, note: 'edited later' }, view.claim.personalData.salt)).not.toBe(
      (claimEntry.payload.personalData as { commitment: string }).commitment,
    );
    for (const attempt of view.contactAttempts) {
      const entry = bySeq.get(attempt.journal.seq)!;
      expect(entry.type).toBe('WINNER_CONTACT_ATTEMPTED');
      expect(
        commitPersonalData({ contact: attempt.contact, note: attempt.note }, attempt.personalData.salt),
      ).toBe((entry.payload.personalData as { commitment: string }).commitment);
    }

    // No personal data anywhere in the journal, nor in what the public sees.
    const everything = JSON.stringify(await journal(t));
    const publicViews = [
      (await get(`/v1/raffles/${a.id}/results`)).body,
      (await get(`/v1/draws/${a.drawId}`)).body,
      (await get(`/v1/draws/${a.drawId}/proof`)).body,
      (await get(`/v1/tickets/verify/${orderOf(a.orders, a.winner).receipt.verificationCode}`)).body,
      (await get(`/v1/results/raffles`)).body,
    ];
    for (const value of Object.values(PII)) {
      expect({ value, inJournal: everything.includes(value) }).toEqual({ value, inJournal: false });
      for (const body of publicViews)
        expect({ value, inPublic: body.includes(value) }).toEqual({ value, inPublic: false });
    }
  });

  it('leaves a claimed prize out of the unclaimed report, refuses its unclaimed redraw, then settles', async () => {
    const report = (await get(`/v1/reports/raffles/${a.id}/unclaimed-prizes`, operator)).json();
    expect(report.sections[0].rows).toEqual([]);
    expect(report.totals).toMatchObject({ winners: 1, claimed: 1, unclaimed: 0 });

    // North Dakota redraws unclaimed prizes and these rules set no claim period, so only the claim stops it.
    const redraw = await post(
      `/v1/draws/${a.drawId}/redraw`,
      { ticket: a.winner, cause: 'UNCLAIMED', reason: 'no answer' },
      admin,
    );
    expect(redraw.statusCode).toBe(409);
    expect(redraw.json().code).toBe('PRIZE_CLAIMED');

    const settled = await post(`/v1/raffles/${a.id}/settle`, { note: 'main prize paid by cheque' }, admin);
    expect(settled.statusCode).toBe(200);
    expect(settled.json().status).toBe('SETTLED');
    const entries = await journal(t, `raffle/${a.id}`);
    const settledEntry = entries.find((e) => e.type === 'RAFFLE_SETTLED')!;
    const claim = (await get(`/v1/draws/${a.drawId}/claim`, admin)).json().claim;
    expect(JSON.stringify(settledEntry.payload)).toContain(claim.claimId);
  });

  it('refuses claims on a redrawn draw and after the claim period; settles once the period is over', async () => {
    const redrawn = await post(
      `/v1/draws/${b.drawId}/redraw`,
      { ticket: b.winner, cause: 'INELIGIBLE', reason: 'winner is a board member' },
      admin,
    );
    expect(redrawn.statusCode).toBe(200);
    const redraw = redrawn.json();
    const newWinner = redraw.winningTickets[0] as number;
    const oldCode = orderOf(b.orders, b.winner).receipt.verificationCode;
    const newCode = orderOf(b.orders, newWinner).receipt.verificationCode;
    const before = await rowCounts();

    const superseded = await post(`/v1/draws/${b.drawId}/claim`, claimBody(oldCode, b.amountMinor), operator);
    expect([superseded.statusCode, superseded.json().code]).toEqual([409, 'DRAW_SUPERSEDED']);
    const attempt = await post(
      `/v1/draws/${b.drawId}/contact-attempts`,
      { channel: 'MAIL', outcome: 'BOUNCED', contact: PII.address },
      operator,
    );
    expect([attempt.statusCode, attempt.json().code]).toEqual([409, 'DRAW_SUPERSEDED']);
    expect((await get(`/v1/draws/${b.drawId}/claim`, auditor)).json()).toMatchObject({
      status: 'SUPERSEDED',
      standingTickets: [],
      claim: null,
    });
    const pending = (await get(`/v1/draws/${redraw.drawId}/claim`, auditor)).json();
    expect(pending).toMatchObject({ status: 'UNCLAIMED', standingTickets: [newWinner] });
    // The redraw's winner gets a claim period of its own, from the redraw.
    expect(Date.parse(pending.claimDeadline)).toBe(Date.parse(redraw.drawnAt) + DAY);

    // The clock is the service's own; a claim a day and a second later is refused.
    const late = new Date(Date.parse(redraw.drawnAt) + DAY + 1_000);
    await expect(
      t.app
        .get(PrizeClaimsService)
        .claim(
          redraw.drawId,
          claimBody(newCode, b.amountMinor) as never,
          'oscar-operator',
          userOrigin('oscar-operator', 'operator'),
          late,
        ),
    ).rejects.toMatchObject({ code: 'CLAIM_DEADLINE_PASSED' });
    expect(await rowCounts()).toEqual(before);

    // Settlement waits while the claim period runs, and goes ahead once it is over, listing the prize.
    const early = await post(`/v1/raffles/${b.id}/settle`, { note: 'closing the books' }, admin);
    expect(early.json().code).toBe('PRIZES_UNCLAIMED');
    await t.app
      .get(DrawService)
      .settle(
        b.id,
        'main prize unclaimed after its period',
        'alice-admin',
        userOrigin('alice-admin', 'admin'),
        late,
      );
    expect((await results(b.id)).status).toBe('SETTLED');
    const settledEntry = (await journal(t, `raffle/${b.id}`)).find((e) => e.type === 'RAFFLE_SETTLED')!;
    expect(settledEntry.payload).toMatchObject({
      claims: [],
      unclaimed: [
        { drawId: redraw.drawId, prizeId: 'main', ticket: newWinner, handling: 'REDRAW_AS_RULES_ALLOW' },
      ],
    });
  });

  it('verifies the claims offline, and catches a forged one', async () => {
    const entries = await journal(t);
    const good = await verify(dir, 'good.ndjson', entries);
    expect(good.stdout).toContain('Fairdraw journal verification: OK');
    expect(good.stdout).toContain(
      'claims           1 prize claims checked against standing draws (1 validation numbers matched to the winning sale), 2 contact attempts',
    );
    expect(good.status).toBe(0);

    const otherSale = entries.find(
      (e) =>
        e.type === 'TICKETS_SOLD' &&
        e.payload.raffleId === a.id &&
        !((e.payload.first as number) <= a.winner && a.winner <= (e.payload.last as number)),
    )!;
    const copy = entries.map((e) => JSON.parse(JSON.stringify(e)) as JournalEntry);
    copy.find((e) => e.type === 'PRIZE_CLAIMED')!.payload.codeHash = otherSale.payload.codeHash;
    const forged = chainEntries(
      ZERO_HASH,
      0,
      copy.map((e) => ({ type: e.type, subject: e.subject, payload: e.payload, time: e.time })),
    );
    const bad = await verify(dir, 'forged.ndjson', forged);
    expect(bad.status).toBe(1);
    expect(bad.stdout).toMatch(
      /claim .* of main: the validation number presented \(hash [0-9a-f]{64}\) is not the one sold with ticket/,
    );
  });
});
