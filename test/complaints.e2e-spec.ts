import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { COMPLAINTS_PER_MINUTE } from '../src/complaint/complaint.controller.js';
import { DatabaseService } from '../src/database/database.service.js';
import { commitPersonalData } from '../src/draw/core/claim-entries.js';
import { textHash } from '../src/complaint/core/complaint-entries.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell } from './support/draws.js';
import { raffleDraft } from './support/factories.js';
import { journal } from './support/journal.js';
import { openRaffle, type Headers } from './support/sales.js';

/** What a complainant gives that must never reach the journal or a public response. */
const PII = { name: 'Ottoline Brackenridge', email: 'ottoline.b@example.org', phone: '+1 613 555 0142' };
const TEXT = 'The seller at gate 4 charged me $20 for one ticket; the receipt says $10.';

type Order = {
  orderId: string;
  receipt: { verificationCode: string; tickets: { first: number; last: number } };
};

describe('complaints (pglite)', () => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let auditor: Headers;
  let seller: Headers;
  let raffleId: string;
  let otherRaffleId: string;
  let draftId: string;
  let sold: Order;
  let otherSold: Order;
  let address = 0;
  /** Each test files from its own client address, so that the per-address limit is its own. */
  const nextAddress = () => `198.51.100.${++address}`;

  const file = (payload: object, remoteAddress: string, headers: Headers = {}) =>
    t.app.inject({ method: 'POST', url: '/v1/complaints', payload, headers, remoteAddress });
  const get = (url: string, headers: Headers = {}) => t.app.inject({ method: 'GET', url, headers });
  const move = (id: string, payload: object, headers: Headers) =>
    t.app.inject({ method: 'POST', url: `/v1/complaints/${id}/status`, payload, headers });
  const counts = async () => {
    const db = t.app.get(DatabaseService).db;
    const { rows } = await sql<Record<string, number>>`select
      (select count(*) from complaint)::int8 as complaints,
      (select count(*) from complaint_transition)::int8 as transitions,
      (select count(*) from complaint_personal_data)::int8 as personal,
      (select count(*) from ledger_queue where type like 'COMPLAINT%')::int8
        + (select count(*) from ledger_entry where type like 'COMPLAINT%')::int8 as journaled`.execute(db);
    return rows[0];
  };
  const complaintEntries = async () =>
    (await journal(t)).filter((e) => e.type === 'COMPLAINT_FILED' || e.type === 'COMPLAINT_STATUS_CHANGED');

  beforeAll(async () => {
    t = await startTestApp({ engine: 'pglite', env: { RATE_LIMIT_PER_MINUTE: '100000' } });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    auditor = bearer(await t.token(['auditor'], 'audrey-auditor'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    raffleId = (await openRaffle(t, admin)).id;
    otherRaffleId = (await openRaffle(t, admin, { name: 'Arena 50/50' })).id;
    const draft = await t.app.inject({
      method: 'POST',
      url: '/v1/raffles',
      payload: raffleDraft(),
      headers: admin,
    });
    draftId = draft.json().id;
    sold = (await sell(t, raffleId, seller, 'five')) as Order;
    otherSold = (await sell(t, otherRaffleId, seller, 'one')) as Order;
  }, 60_000);

  afterAll(async () => t?.close());

  it('files a complaint from anyone, gives a reference, and journals only hashes and a commitment', async () => {
    const filed = await file(
      {
        raffleId,
        category: 'TICKET_PURCHASE',
        text: TEXT,
        verificationCode: sold.receipt.verificationCode.toLowerCase(),
        contact: PII,
      },
      nextAddress(),
    );
    expect(filed.statusCode).toBe(201);
    const receipt = filed.json();
    expect(receipt).toMatchObject({ status: 'OPEN', raffleId, category: 'TICKET_PURCHASE' });
    expect(receipt.reference).toMatch(/^CMP-[0-9A-Z]{4}-[0-9A-Z]{4}-[0-9A-Z]{4}$/);
    expect(receipt.statusPath).toBe(`/v1/complaints/status/${receipt.reference}`);

    // The public status by reference: the status and times, nothing the complainant wrote or gave.
    const status = await get(receipt.statusPath);
    expect(status.statusCode).toBe(200);
    expect(Object.keys(status.json()).sort()).toEqual(['filedAt', 'reference', 'status', 'updatedAt']);
    expect(status.json()).toMatchObject({ reference: receipt.reference, status: 'OPEN' });
    for (const value of [...Object.values(PII), 'gate 4', sold.receipt.verificationCode])
      expect(status.body).not.toContain(value);
    expect((await get('/v1/complaints/status/CMP-0000-0000-0000')).statusCode).toBe(404);

    // Staff see the complaint, the contact details, and the salt that recomputes the commitment.
    const [listed] = (await get(`/v1/complaints?raffleId=${raffleId}`, auditor)).json();
    expect(listed).toMatchObject({
      reference: receipt.reference,
      text: TEXT,
      textSha256: textHash(TEXT),
      tickets: { first: sold.receipt.tickets.first, last: sold.receipt.tickets.last },
      status: 'OPEN',
      contact: PII,
      personalData: { erased: false, erasedAt: null },
      transitions: [],
    });
    expect(commitPersonalData(PII, listed.personalData.salt)).toBe(listed.personalData.commitment);

    const [entry] = (await complaintEntries()).filter((e) => e.payload.complaintId === listed.complaintId);
    expect(entry).toMatchObject({
      type: 'COMPLAINT_FILED',
      subject: `raffle/${raffleId}`,
      payload: {
        reference: receipt.reference,
        textSha256: textHash(TEXT),
        personalData: { commitment: listed.personalData.commitment },
        actor: { type: 'anonymous' },
        source: '198.51.100.1',
      },
    });
    expect(entry.payload.codeHash).toBe(listed.codeHash);
    const journaled = JSON.stringify(await journal(t));
    for (const value of [...Object.values(PII), 'gate 4', listed.personalData.salt])
      expect(journaled).not.toContain(value);

    // Without contact details there is nothing personal to commit to.
    const anonymous = await file(
      { raffleId, category: 'DRAW', text: 'When is the draw held?' },
      nextAddress(),
    );
    expect(anonymous.statusCode).toBe(201);
    const view = (await get(`/v1/complaints?raffleId=${raffleId}&status=OPEN`, operator))
      .json()
      .find((c: { reference: string }) => c.reference === anonymous.json().reference);
    expect(view).toMatchObject({ contact: null, personalData: null, tickets: null, codeHash: null });
  });

  it('refuses bad input with a 400 naming the field, and changes nothing', async () => {
    const before = await counts();
    const base = { raffleId, category: 'PAYMENT', text: TEXT };
    const cases: Array<[object, string, number]> = [
      [{ ...base, raffleId: 'not-a-uuid' }, 'raffleId', 400],
      [{ ...base, category: 'GRUMBLE' }, 'category', 400],
      [{ ...base, text: 'too short' }, 'text', 400],
      [{ ...base, text: 'x'.repeat(4_001) }, 'text', 400],
      [{ ...base, verificationCode: 'K7QM-2XPA-9RTB-44HD' }, 'verificationCode', 400],
      [{ ...base, verificationCode: otherSold.receipt.verificationCode }, 'verificationCode', 400],
      [{ ...base, contact: { email: 'not an address' } }, 'contact.email', 400],
      [{ ...base, unknown: true }, 'unknown', 400],
      [{ ...base, raffleId: '00000000-0000-4000-8000-000000000000' }, 'raffleId', 404],
      [{ ...base, raffleId: draftId }, 'raffleId', 404],
    ];
    const remoteAddress = nextAddress();
    for (const [payload, field, status] of cases) {
      const response = await file(payload, remoteAddress);
      expect({ field, status: response.statusCode }).toEqual({ field, status });
      expect(response.json().fields.map((f: { field: string }) => f.field)).toContain(field);
    }
    expect(await counts()).toEqual(before);
  });

  it('limits filings per client address', async () => {
    const remoteAddress = nextAddress();
    const statuses: number[] = [];
    for (let i = 0; i <= COMPLAINTS_PER_MINUTE; i++)
      statuses.push(
        (await file({ raffleId, category: 'OTHER', text: `complaint number ${i}` }, remoteAddress))
          .statusCode,
      );
    expect(statuses.slice(0, COMPLAINTS_PER_MINUTE).every((s) => s === 201)).toBe(true);
    expect(statuses[COMPLAINTS_PER_MINUTE]).toBe(429);
    // Another address is not held back.
    expect(
      (await file({ raffleId, category: 'OTHER', text: 'from elsewhere' }, nextAddress())).statusCode,
    ).toBe(201);
  });

  it('moves a complaint OPEN → IN_REVIEW → RESOLVED, journaling each step with its origin; refuses other steps with 409', async () => {
    const filed = (
      await file(
        { raffleId: otherRaffleId, category: 'PRIZE', text: 'I never heard back about the prize.' },
        nextAddress(),
      )
    ).json();
    const [complaint] = (await get(`/v1/complaints?raffleId=${otherRaffleId}`, admin)).json();
    const id = complaint.complaintId as string;

    let before = await counts();
    // A closing step straight from OPEN, and a resolution where none is taken or one is missing.
    const skip = await move(id, { status: 'RESOLVED', resolution: 'paid' }, operator);
    expect(skip.statusCode).toBe(409);
    expect(skip.json()).toMatchObject({ code: 'INVALID_TRANSITION', fields: [{ field: 'status' }] });
    const extra = await move(id, { status: 'IN_REVIEW', resolution: 'looking' }, operator);
    expect(extra.statusCode).toBe(400);
    expect(extra.json().fields[0].field).toBe('resolution');
    const badStatus = await move(id, { status: 'OPEN' }, operator);
    expect(badStatus.statusCode).toBe(400);
    expect(badStatus.json().fields[0].field).toBe('status');
    // An auditor reads and changes nothing; a seller and an anonymous caller do neither.
    expect((await move(id, { status: 'IN_REVIEW' }, auditor)).statusCode).toBe(403);
    expect((await move(id, { status: 'IN_REVIEW' }, seller)).statusCode).toBe(403);
    expect((await move(id, { status: 'IN_REVIEW' }, {})).statusCode).toBe(401);
    expect((await get(`/v1/complaints`, seller)).statusCode).toBe(403);
    expect((await get(`/v1/complaints/${id}`, {})).statusCode).toBe(401);
    expect(
      (await move('00000000-0000-4000-8000-000000000000', { status: 'IN_REVIEW' }, operator)).statusCode,
    ).toBe(404);
    expect(await counts()).toEqual(before);

    const review = await move(id, { status: 'IN_REVIEW' }, { ...operator, 'x-request-id': 'triage-0001' });
    expect(review.statusCode).toBe(201);
    expect(review.json()).toMatchObject({
      status: 'IN_REVIEW',
      updatedBy: 'oscar-operator',
      resolution: null,
    });
    const missing = await move(id, { status: 'RESOLVED' }, admin);
    expect(missing.statusCode).toBe(400);
    expect(missing.json().fields[0].field).toBe('resolution');
    const resolution = 'Winner list re-sent; the prize cheque was mailed on 2026-12-01.';
    const resolved = await move(id, { status: 'RESOLVED', resolution }, admin);
    expect(resolved.statusCode).toBe(201);
    expect(resolved.json()).toMatchObject({
      status: 'RESOLVED',
      resolution,
      updatedBy: 'alice-admin',
      transitions: [
        { from: 'OPEN', to: 'IN_REVIEW', resolution: null, changedBy: 'oscar-operator' },
        { from: 'IN_REVIEW', to: 'RESOLVED', resolution, changedBy: 'alice-admin' },
      ],
    });
    // Closed: nothing follows, and rejecting it now is refused.
    before = await counts();
    for (const next of [{ status: 'REJECTED', resolution: 'spam' }, { status: 'IN_REVIEW' }]) {
      const again = await move(id, next, admin);
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('INVALID_TRANSITION');
    }
    expect(await counts()).toEqual(before);
    expect((await get(`/v1/complaints/status/${filed.reference}`)).json().status).toBe('RESOLVED');

    const changes = (await complaintEntries()).filter(
      (e) => e.type === 'COMPLAINT_STATUS_CHANGED' && e.payload.complaintId === id,
    );
    expect(changes.map((e) => e.payload)).toEqual([
      expect.objectContaining({
        from: 'OPEN',
        to: 'IN_REVIEW',
        resolutionSha256: null,
        by: 'oscar-operator',
        actor: expect.objectContaining({ type: 'user', sub: 'oscar-operator' }),
        requestId: 'triage-0001',
      }),
      expect.objectContaining({
        from: 'IN_REVIEW',
        to: 'RESOLVED',
        resolutionSha256: textHash(resolution),
        by: 'alice-admin',
        actor: expect.objectContaining({ type: 'user', sub: 'alice-admin' }),
      }),
    ]);

    // REJECTED is the other way out of review.
    const other = (
      await file(
        { raffleId: otherRaffleId, category: 'CONDUCT', text: 'Rude volunteer at the door.' },
        nextAddress(),
      )
    ).json();
    const otherId = (await get(`/v1/complaints?raffleId=${otherRaffleId}&status=OPEN`, admin))
      .json()
      .find((c: { reference: string }) => c.reference === other.reference).complaintId;
    await move(otherId, { status: 'IN_REVIEW' }, operator);
    const rejected = await move(
      otherId,
      { status: 'REJECTED', resolution: 'Not about the raffle.' },
      operator,
    );
    expect(rejected.json().status).toBe('REJECTED');
  });

  it('lists complaints by raffle, status and filing period, for operators, admins and auditors', async () => {
    const all = (await get(`/v1/complaints?limit=500`, auditor)).json() as Array<{
      raffleId: string;
      status: string;
      filedAt: string;
    }>;
    expect(all.length).toBeGreaterThanOrEqual(COMPLAINTS_PER_MINUTE + 4);
    const byRaffle = (await get(`/v1/complaints?raffleId=${otherRaffleId}`, auditor)).json();
    expect(byRaffle.map((c: { status: string }) => c.status)).toEqual(['RESOLVED', 'REJECTED']);
    expect((await get(`/v1/complaints?status=RESOLVED`, operator)).json()).toHaveLength(1);
    const last = all[all.length - 1].filedAt;
    const since = (await get(`/v1/complaints?from=${encodeURIComponent(last)}`, admin)).json();
    expect(since.map((c: { filedAt: string }) => c.filedAt)).toEqual([last]);
    const before = (await get(`/v1/complaints?to=${encodeURIComponent(last)}&limit=500`, admin)).json();
    expect(before).toHaveLength(all.length - 1);
    for (const [query, field] of [
      ['status=DONE', 'status'],
      ['from=yesterday', 'from'],
      [`from=${encodeURIComponent(last)}&to=${encodeURIComponent(last)}`, 'to'],
      ['raffleId=42', 'raffleId'],
      ['limit=0', 'limit'],
    ]) {
      const response = await get(`/v1/complaints?${query}`, auditor);
      expect({ query, status: response.statusCode }).toEqual({ query, status: 400 });
      expect(response.json().fields[0].field).toBe(field);
    }
  });

  it('reports the complaints from the journal at a stated digest, reconciled with the records, in JSON, CSV and PDF', async () => {
    const url = (format: string, query = `raffleId=${otherRaffleId}`) =>
      `/v1/reports/complaints?${query}&format=${format}`;
    const report = (await get(url('json'), auditor)).json();
    expect(report).toMatchObject({
      report: 'complaints',
      filter: { raffleId: otherRaffleId },
      totals: {
        filed: 2,
        withContactDetails: 0,
        byCategory: { PRIZE: 1, CONDUCT: 1 },
        byStatus: { OPEN: 0, IN_REVIEW: 0, RESOLVED: 1, REJECTED: 1 },
        journalEntries: 6,
      },
      reconciliation: { matches: true },
    });
    expect(report.ledger.treeSize).toBeGreaterThan(0);
    const [section] = report.sections;
    expect(section.rows.map((r: { status: string }) => r.status)).toEqual(['RESOLVED', 'REJECTED']);
    expect(section.rows[0]).toMatchObject({ textSha256: textHash('I never heard back about the prize.') });

    // Every raffle: the one with contact details given too; neither text nor contact details in it.
    const all = await get(url('json', 'from=2026-01-01T00:00:00Z'), operator);
    expect(all.json().totals).toMatchObject({ withContactDetails: 1, unmatchedChanges: 0 });
    expect(all.json().reconciliation.matches).toBe(true);
    for (const value of [...Object.values(PII), TEXT]) expect(all.body).not.toContain(value);

    const csv = (await get(url('csv'), auditor)).body;
    expect(csv).toContain('RESOLVED');
    expect(csv).toContain(section.rows[0].reference);
    const dir = mkdtempSync(join(tmpdir(), 'fairdraw-complaints-'));
    try {
      const file = join(dir, 'complaints.pdf');
      writeFileSync(file, (await get(url('pdf'), auditor)).rawPayload);
      const text = execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
      expect(text).toContain('Complaints');
      expect(text).toContain(section.rows[1].reference);
      expect(text).toContain(String(report.ledger.treeSize));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
    expect((await get(url('json'), seller)).statusCode).toBe(403);
    const bad = await get(`/v1/reports/complaints?raffleId=42`, auditor);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields[0].field).toBe('raffleId');
  });
});
