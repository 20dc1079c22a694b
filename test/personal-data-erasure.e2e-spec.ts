import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import type { Origin } from '../src/audit/significant-event.js';
import { DatabaseService } from '../src/database/database.service.js';
import { commitPersonalData } from '../src/draw/core/claim-entries.js';
import { main as verifyCli } from '../src/ledger/cli/verify.js';
import { chainEntries, exportLine, type JournalEntry, ZERO_HASH } from '../src/ledger/core/entry.js';
import { reasonHash } from '../src/privacy/core/erasure.js';
import { PrivacyService } from '../src/privacy/privacy.service.js';
import { bearer, startTestApp, type Engine, type TestApp } from './support/app.js';
import { sell, shortRaffle, until } from './support/draws.js';
import { journal } from './support/journal.js';
import type { Headers } from './support/sales.js';

/** Personal data that must be gone after erasure, and never in the journal. */
const PII = {
  name: 'Wilhelmina Strathcarron',
  email: 'w.strathcarron@example.org',
  phone: '+1 613 555 0111',
  address: '3 Heron Row, Kingston',
  document: 'PP-X99183-7',
  payment: 'cheque 0077-WS',
  contact: 'voicemail at +1 613 555 0112',
};
const YEAR = 365.25 * 86_400_000;

type Order = {
  orderId: string;
  receipt: { verificationCode: string; tickets: { first: number; last: number } };
};

describe.each<Engine>(['postgres', 'pglite'])('erasure of personal data (%s)', (engine) => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let auditor: Headers;
  let dir: string;
  let raffleId: string;
  let drawId: string;
  let claimId: string;
  let attemptId: string;
  let complaintId: string;
  let bareComplaintId: string;

  const post = (url: string, payload: object, headers: Headers) =>
    t.app.inject({ method: 'POST', url, payload, headers });
  const get = (url: string, headers: Headers) => t.app.inject({ method: 'GET', url, headers });
  const erase = (payload: object, headers: Headers = admin) =>
    post('/v1/personal-data/erasures', payload, headers);
  const state = async () => {
    const db = t.app.get(DatabaseService).db;
    const { rows } = await sql<Record<string, number>>`select
      (select count(*) from winner_personal_data)::int8 as winners,
      (select count(*) from complaint_personal_data)::int8 as complainants,
      (select count(*) from personal_data_erasure)::int8 as erasures,
      (select count(*) from ledger_queue where type = 'PERSONAL_DATA_ERASED')::int8
        + (select count(*) from ledger_entry where type = 'PERSONAL_DATA_ERASED')::int8 as journaled`.execute(
      db,
    );
    return rows[0];
  };
  const verify = async (name: string, entries?: JournalEntry[]) => {
    const path = join(dir, name);
    writeFileSync(path, (entries ?? (await journal(t))).map((e) => exportLine(e) + '\n').join(''));
    let out = '';
    const status = await verifyCli([path], { stdout: (s) => (out += s), stderr: (s) => (out += s) });
    return { status, out };
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'fairdraw-erasure-'));
    t = await startTestApp({
      engine,
      env: { SALES_SCHEDULER_INTERVAL_MS: '100', DRAW_SCHEDULER_INTERVAL_MS: '100' },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    auditor = bearer(await t.token(['auditor'], 'audrey-auditor'));
    const seller = bearer(await t.token(['seller'], 'sam-seller'));
    raffleId = (await shortRaffle(t, admin, { closeInMs: 3_000 })).id;
    const orders = [
      (await sell(t, raffleId, seller, 'five')) as Order,
      (await sell(t, raffleId, seller, 'five')) as Order,
    ];
    // Complaints while sales are open; one with contact details, one without.
    const filed = await post(
      '/v1/complaints',
      {
        raffleId,
        category: 'PRIZE',
        text: 'Nobody called me about my prize.',
        contact: { name: PII.name, email: PII.email },
      },
      {},
    );
    expect(filed.statusCode).toBe(201);
    await post('/v1/complaints', { raffleId, category: 'OTHER', text: 'Where are the rules posted?' }, {});
    const complaints = (await get(`/v1/complaints?raffleId=${raffleId}`, admin)).json();
    complaintId = complaints.find((c: { contact: unknown }) => c.contact !== null).complaintId;
    bareComplaintId = complaints.find((c: { contact: unknown }) => c.contact === null).complaintId;

    const drawn = await until(
      async () => (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffleId}/results` })).json(),
      (r) => r.status === 'DRAWN',
      30_000,
    );
    const draw = drawn.prizes[0].draw;
    drawId = draw.drawId;
    const winner = draw.winningTickets[0] as number;
    const code = orders.find((o) => o.receipt.tickets.first <= winner && winner <= o.receipt.tickets.last)!
      .receipt.verificationCode;
    const attempt = await post(
      `/v1/draws/${drawId}/contact-attempts`,
      { channel: 'PHONE', outcome: 'LEFT_MESSAGE', contact: PII.contact, note: 'asked to call back' },
      operator,
    );
    expect(attempt.statusCode).toBe(201);
    attemptId = attempt.json().attemptId;
    const claim = await post(
      `/v1/draws/${drawId}/claim`,
      {
        verificationCode: code,
        claimant: { name: PII.name, email: PII.email, phone: PII.phone, address: PII.address },
        identityDocument: { type: 'PASSPORT', reference: PII.document },
        payment: { method: 'CHEQUE', reference: PII.payment },
        amountMinor: draw.prize.amountMinor,
      },
      operator,
    );
    expect(claim.statusCode).toBe(201);
    claimId = claim.json().claim.claimId;
  }, 90_000);

  afterAll(async () => {
    await t?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('refuses callers other than admins and bad input, naming the field and changing nothing', async () => {
    const before = await state();
    const good = { recordKind: 'claim', recordId: claimId, basis: 'LAWFUL_REQUEST', reason: 'request DSR-1' };
    expect((await erase(good, operator)).statusCode).toBe(403);
    expect((await erase(good, auditor)).statusCode).toBe(403);
    expect((await erase(good, {})).statusCode).toBe(401);
    for (const [payload, field] of [
      [{ ...good, recordKind: 'order' }, 'recordKind'],
      [{ ...good, recordId: 'c1' }, 'recordId'],
      [{ ...good, basis: 'BECAUSE' }, 'basis'],
      [{ ...good, reason: '' }, 'reason'],
    ] as const) {
      const response = await erase(payload);
      expect({ field, status: response.statusCode }).toEqual({ field, status: 400 });
      expect(response.json().fields[0].field).toBe(field);
    }
    const unknown = await erase({ ...good, recordId: '00000000-0000-4000-8000-000000000000' });
    expect(unknown.statusCode).toBe(404);
    expect(unknown.json().fields[0].field).toBe('recordId');
    // A claim id is not a contact attempt's.
    expect((await erase({ ...good, recordKind: 'contact-attempt' })).statusCode).toBe(404);
    // The raffle's profile (North Dakota: 3 years from the quarter end) still keeps the record.
    const early = await erase({ ...good, basis: 'RETENTION_ENDED' });
    expect(early.statusCode).toBe(409);
    expect(early.json()).toMatchObject({ code: 'RETENTION_NOT_ENDED', fields: [{ field: 'basis' }] });
    const bare = await erase({ ...good, recordKind: 'complaint', recordId: bareComplaintId });
    expect(bare.json().code).toBe('NO_PERSONAL_DATA');
    expect(await state()).toEqual(before);
  });

  it('erases a claim, a contact attempt and a complaint: data and salt wiped, journaled without personal data', async () => {
    const before = (await get(`/v1/draws/${drawId}/claim`, auditor)).json();
    expect(before.claim.personalData).toMatchObject({ erased: false, erasedAt: null });
    const claimCommitment = before.claim.personalData.commitment as string;
    const complaintBefore = (await get(`/v1/complaints/${complaintId}`, auditor)).json();

    const reason = 'request DSR-2026-0042 received 2026-12-01; identity checked by phone';
    const erased = await erase(
      { recordKind: 'claim', recordId: claimId, basis: 'LAWFUL_REQUEST', reason },
      { ...admin, 'x-request-id': 'erase-0001' },
    );
    expect(erased.statusCode).toBe(201);
    expect(erased.json()).toMatchObject({
      recordKind: 'claim',
      recordId: claimId,
      raffleId,
      basis: 'LAWFUL_REQUEST',
      reason,
      erasedBy: 'alice-admin',
      journal: { seq: expect.any(Number) },
    });
    expect(
      (await erase({ recordKind: 'contact-attempt', recordId: attemptId, basis: 'LAWFUL_REQUEST', reason }))
        .statusCode,
    ).toBe(201);
    // Past the retention period (three years after the quarter's end), the retention basis is accepted.
    const later = new Date(Date.now() + 4 * YEAR);
    const origin: Origin = {
      actor: { type: 'user', sub: 'alice-admin', roles: ['admin'] },
      source: null,
      requestId: null,
    };
    await t.app.get(PrivacyService).erase(
      {
        recordKind: 'complaint',
        recordId: complaintId,
        basis: 'RETENTION_ENDED',
        reason: 'retention schedule 2030-Q1',
      },
      'alice-admin',
      origin,
      later,
    );

    // Erased twice is refused.
    const again = await erase({ recordKind: 'claim', recordId: claimId, basis: 'LAWFUL_REQUEST', reason });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ALREADY_ERASED');

    // The personal rows are gone, salt and all; the facts remain.
    const db = t.app.get(DatabaseService).db;
    const left = await sql<{ n: number }>`select
      (select count(*) from winner_personal_data where record_id in (${claimId}, ${attemptId}))::int8
      + (select count(*) from complaint_personal_data where complaint_id = ${complaintId})::int8 as n`.execute(
      db,
    );
    expect(Number(left.rows[0].n)).toBe(0);

    // Reads say it was erased and when; the facts and the commitment stay.
    const after = (await get(`/v1/draws/${drawId}/claim`, auditor)).json();
    expect(after.status).toBe('CLAIMED');
    expect(after.claim).toMatchObject({
      claimId,
      claimant: null,
      identityDocumentReference: null,
      paymentReference: null,
      note: null,
      identityDocument: 'PASSPORT',
      personalData: {
        commitment: claimCommitment,
        salt: null,
        erased: true,
        erasedAt: erased.json().erasedAt,
      },
    });
    expect(after.contactAttempts[0]).toMatchObject({
      contact: null,
      note: null,
      personalData: { salt: null, erased: true, erasedAt: expect.any(String) },
    });
    const complaint = (await get(`/v1/complaints/${complaintId}`, auditor)).json();
    expect(complaint).toMatchObject({
      text: complaintBefore.text,
      contact: null,
      personalData: {
        commitment: complaintBefore.personalData.commitment,
        salt: null,
        erased: true,
        erasedAt: later.toISOString(),
      },
    });
    for (const body of [JSON.stringify(after), JSON.stringify(complaint)])
      for (const value of Object.values(PII)) expect(body).not.toContain(value);
    // Before erasure the salt opened the commitment; now no reader has it.
    expect(
      commitPersonalData(
        { name: PII.name, email: PII.email, phone: null },
        complaintBefore.personalData.salt,
      ),
    ).toBe(complaintBefore.personalData.commitment);

    const register = (await get(`/v1/personal-data/erasures?raffleId=${raffleId}`, auditor)).json();
    expect(register.map((r: { recordKind: string }) => r.recordKind).sort()).toEqual([
      'claim',
      'complaint',
      'contact-attempt',
    ]);

    const entries = (await journal(t)).filter((e) => e.type === 'PERSONAL_DATA_ERASED');
    expect(entries).toHaveLength(3);
    expect(entries.find((e) => e.payload.recordId === claimId)).toMatchObject({
      subject: `raffle/${raffleId}`,
      payload: {
        recordKind: 'claim',
        commitment: claimCommitment,
        basis: 'LAWFUL_REQUEST',
        reasonSha256: reasonHash(reason),
        by: 'alice-admin',
        actor: { type: 'user', sub: 'alice-admin' },
        requestId: 'erase-0001',
      },
    });
    const journaled = JSON.stringify(await journal(t));
    for (const value of [...Object.values(PII), reason, complaintBefore.personalData.salt])
      expect(journaled).not.toContain(value);
  });

  it('still verifies offline after the erasure: the verifier needs no personal data', async () => {
    const { status, out } = await verify('after-erasure.ndjson');
    expect(out).toContain('Fairdraw journal verification: OK');
    expect(out).toContain('1 prize claims checked against standing draws');
    expect(out).toContain(
      'erasures         3 of 3 personal-data erasures matched to a record journaled before them (1 past the retention period checked)',
    );
    expect(out).not.toContain('not checked: erasure');
    expect(status).toBe(0);
  });

  it('names the entry of a tampered erasure, rehashed so that only the erasure check can see it', async () => {
    const entries = await journal(t);
    /** The journal with one erasure's payload changed, every hash and link recomputed. */
    const tampered = (recordId: string, change: Record<string, unknown>) => {
      const copy = entries.map((e) => JSON.parse(JSON.stringify(e)) as JournalEntry);
      const target = copy.find((e) => e.type === 'PERSONAL_DATA_ERASED' && e.payload.recordId === recordId)!;
      Object.assign(target.payload, change);
      const rechained = chainEntries(
        ZERO_HASH,
        0,
        copy.map((e) => ({ type: e.type, subject: e.subject, payload: e.payload, time: e.time })),
      );
      return { entries: rechained, seq: target.seq };
    };

    // The claim's erasure relabelled as a contact attempt's.
    const relabelled = tampered(claimId, { recordKind: 'contact-attempt' });
    const wrongKind = await verify('wrong-kind.ndjson', relabelled.entries);
    expect(wrongKind.status).toBe(1);
    expect(wrongKind.out).toContain('Fairdraw journal verification: FAILED');
    expect(wrongKind.out).toContain(`first bad entry  ${relabelled.seq}`);
    expect(wrongKind.out).toContain(
      `entry ${relabelled.seq}: erasure of contact-attempt ${claimId}: ${claimId} is journaled as a claim`,
    );

    // The complaint's retention-ended erasure dated inside North Dakota's retention period.
    const filed = entries.find((e) => e.type === 'COMPLAINT_FILED' && e.payload.complaintId === complaintId)!;
    const early = tampered(complaintId, { erasedAt: filed.payload.filedAt });
    const tooEarly = await verify('too-early.ndjson', early.entries);
    expect(tooEarly.status).toBe(1);
    expect(tooEarly.out).toContain(`first bad entry  ${early.seq}`);
    expect(tooEarly.out).toMatch(
      new RegExp(
        `entry ${early.seq}: erasure of complaint ${complaintId}: basis RETENTION_ENDED at .*, but ND-AG keeps the complaint journaled at entry ${filed.seq} 3 years from the end of the quarter`,
      ),
    );
  });
});
