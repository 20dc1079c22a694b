import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { foldRaffleJournal } from '../src/report/core/raffle-journal-totals.js';
import { totalsCollector } from '../src/report/core/report-totals.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell, shortRaffle, until, voidOrder } from './support/draws.js';
import { journal } from './support/journal.js';
import { openRaffle, order, posCash, type Headers } from './support/sales.js';

/** Every report, in each format, reconciled with the journal of a seeded raffle. */
/** Where the raffle of these reports is held (RPT-1: North Dakota's summary names the site). */
const SITE = 'Fargo Civic Center, 207 4th St N, Fargo ND';

describe.each(['pglite', 'postgres'] as const)('reports on %s', (engine) => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let auditor: Headers;
  let sellerSam: Headers;
  let sellerKim: Headers;
  let raffleId: string;
  let voidedOrder: { orderId: string; receipt: { tickets: { first: number; last: number } } };
  const pdfDir = mkdtempSync(join(tmpdir(), 'fairdraw-report-pdf-'));

  const get = (url: string, headers: Headers = auditor) => t.app.inject({ method: 'GET', url, headers });
  async function json(url: string) {
    const response = await get(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  }
  function pdfText(body: Buffer): string {
    const file = join(pdfDir, `r-${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, body);
    // -layout keeps each table row on one line, as printed.
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  }
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean): Promise<T> {
    for (let i = 0; i < 100; i++) {
      const value = await read();
      if (done(value)) return value;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return read();
  }

  beforeAll(async () => {
    t = await startTestApp({ engine, env: { PUBLIC_STATS_CACHE_MS: '0' } });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
    sellerSam = bearer(await t.token(['seller'], 'sam-seller'));
    sellerKim = bearer(await t.token(['seller'], 'kim-seller'));

    const raffle = await openRaffle(t, admin, { site: SITE });
    raffleId = raffle.id;
    const sell = async (headers: Headers, body: object) => {
      const response = await order(t, raffleId, headers, body);
      if (response.statusCode !== 201) throw new Error(`order: ${response.statusCode} ${response.body}`);
      return response.json();
    };
    // Sam: three single tickets at POS 01; Kim: two 5-packs at the cashier; the operator: one 30-pack online.
    for (let i = 0; i < 3; i++) await sell(sellerSam, posCash);
    await sell(sellerKim, { packageId: 'five', channel: 'CASHIER', paymentMethod: 'cash' });
    voidedOrder = await sell(sellerKim, { packageId: 'five', channel: 'CASHIER', paymentMethod: 'cash' });
    await sell(operator, { packageId: 'thirty', channel: 'ONLINE', paymentMethod: 'test' });
    const voided = await t.app.inject({
      method: 'POST',
      url: `/v1/orders/${voidedOrder.orderId}/void`,
      payload: { reason: 'Buyer changed their mind at the counter' },
      headers: operator,
    });
    if (voided.statusCode !== 200) throw new Error(`void: ${voided.body}`);
    // The cash refund is recorded as handed back by the worker; wait for it.
    await until(
      () => json(`/v1/orders/${voidedOrder.orderId}`),
      (o) => o.refund?.status === 'SUCCEEDED',
    );
  });
  afterAll(async () => {
    await t?.close();
    rmSync(pdfDir, { recursive: true, force: true });
  });

  it('states the raffle summary as the journal gives it, reconciled with the records, in JSON, CSV and PDF', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/summary`);
    const entries = await journal(t);
    const atSize = entries.filter((e) => e.seq < report.ledger.treeSize);
    // The figures, by hand from what was sold above: 3 x 1000 + 2 x 2000 + 5000, one 5-pack voided.
    expect(report.totals).toMatchObject({
      sales: { orders: 6, tickets: 43, amountMinor: 12_000 },
      voids: { orders: 1, tickets: 5, amountMinor: 2_000 },
      net: { orders: 5, tickets: 38, amountMinor: 10_000 },
      numbers: { issued: 43, sold: 38, voided: 5, reserved: 0, returned: 0 },
      paidTotalMinor: 10_000,
      paidOrders: 5,
      split: { prizeMinor: 5_000, charityMinor: 5_000, shareBps: 5_000, seedMinor: 0 },
      refunds: { requested: { count: 1, amountMinor: 2_000 }, completed: { count: 1, amountMinor: 2_000 } },
    });
    expect(report.totals.salesByPackage).toEqual([
      { packageId: 'five', orders: 2, tickets: 10, amountMinor: 4_000 },
      { packageId: 'one', orders: 3, tickets: 3, amountMinor: 3_000 },
      { packageId: 'thirty', orders: 1, tickets: 30, amountMinor: 5_000 },
    ]);
    expect(report.totals.salesByChannel.map((c: { channel: string }) => c.channel)).toEqual([
      'CASHIER',
      'ONLINE',
      'POS',
    ]);
    // The same totals recomputed from the journal at the stated size, as the offline verifier does.
    const collector = totalsCollector('raffle-summary', { raffleId, from: null, to: null });
    for (const entry of atSize) collector.add(entry);
    expect(report.totals).toEqual(collector.result());
    // The stated digest is the journal's.
    const proof = await json(
      `/v1/ledger/consistency?from=${report.ledger.treeSize}&to=${report.ledger.treeSize}`,
    );
    expect(proof.path).toEqual([]);
    expect(report.ledger.checkpoint).toContain(`\n${report.ledger.treeSize}\n`);
    expect(report.ledger.checkpoint).toContain(Buffer.from(report.ledger.rootHash, 'hex').toString('base64'));
    expect(report.reconciliation.matches).toBe(true);
    expect(report.reconciliation.lines.length).toBeGreaterThan(8);
    expect(report.facts).toContainEqual({ label: 'Licence number', value: 'RAF-2026-000123' });
    expect(report.facts).toContainEqual({ label: 'Site', value: SITE });

    const csv = await get(`/v1/reports/raffles/${raffleId}/summary?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.headers['content-disposition']).toContain(`raffle-summary-${raffleId}-at-`);
    expect(csv.body).toContain(`# ledger tree size: ${report.ledger.treeSize}\r\n`);
    expect(csv.body).toContain(`# Site: ${SITE}\r\n`);
    expect(csv.body).toContain(`# ledger root hash: ${report.ledger.rootHash}\r\n`);
    expect(csv.body).toContain('# reconciliation with the operational records: matches');
    expect(csv.body).toContain('item,orders,tickets,amountMinor\r\nGross sales,6,43,12000\r\n');
    expect(csv.body).toContain('Net sales,5,38,10000\r\n');
    expect(csv.body).toContain(
      'packageId,label,ticketsPerPackage,priceMinor,orders,tickets,amountMinor\r\none,1 for $10,1,1000,3,3,3000\r\n',
    );
    expect(csv.body).toContain('\r\nfive,5 for $20,5,2000,2,10,4000\r\n');

    const pdf = await get(`/v1/reports/raffles/${raffleId}/summary?format=pdf`);
    expect(pdf.statusCode).toBe(200);
    expect(pdf.headers['content-type']).toBe('application/pdf');
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Raffle summary: Hospital Foundation 50/50');
    expect(text).toContain(`Site: ${SITE}`);
    expect(text).toContain(report.ledger.rootHash);
    expect(text).toMatch(new RegExp(`Tree size: ${report.ledger.treeSize}\\b`));
    expect(text).toContain('Reconciliation with the operational records: matches');
    expect(text).toMatch(/Gross sales\s+6\s+43\s+CAD 120\.00/);
    expect(text).toMatch(/Voids \(tickets voided, refunds due\)\s+1\s+5\s+CAD 20\.00/);
    expect(text).toMatch(/Net sales\s+5\s+38\s+CAD 100\.00/);
    expect(text).toMatch(/Charity share\s+CAD 50\.00/);
  });

  it('reports sales by seller and device with their voids, totals reconciled', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/sales-by-seller`);
    const rows = report.sections[0].rows;
    expect(rows).toEqual([
      expect.objectContaining({
        sellerId: 'kim-seller',
        deviceId: null,
        channel: 'CASHIER',
        provider: 'cash',
        orders: 2,
        tickets: 10,
        amountMinor: 4_000,
        voidedOrders: 1,
        voidedAmountMinor: 2_000,
        netAmountMinor: 2_000,
      }),
      expect.objectContaining({
        sellerId: 'oscar-operator',
        channel: 'ONLINE',
        provider: 'test',
        orders: 1,
        tickets: 30,
        amountMinor: 5_000,
        voidedOrders: 0,
      }),
      expect.objectContaining({
        sellerId: 'sam-seller',
        deviceId: 'pos-01',
        channel: 'POS',
        provider: 'cash',
        orders: 3,
        tickets: 3,
        amountMinor: 3_000,
      }),
      expect.objectContaining({
        sellerId: 'TOTAL',
        orders: 6,
        tickets: 43,
        amountMinor: 12_000,
        voidedAmountMinor: 2_000,
        netAmountMinor: 10_000,
      }),
    ]);
    const collector = totalsCollector('sales-by-seller', { raffleId, from: null, to: null });
    for (const entry of (await journal(t)).filter((e) => e.seq < report.ledger.treeSize))
      collector.add(entry);
    expect(report.totals).toEqual(collector.result());
    const text = pdfText(
      (await get(`/v1/reports/raffles/${raffleId}/sales-by-seller?format=pdf`)).rawPayload,
    );
    expect(text).toMatch(
      /kim-seller\s+CASHIER\s+cash\s+2\s+10\s+CAD 40\.00\s+1\s+5\s+CAD 20\.00\s+CAD 20\.00/,
    );
    expect(text).toMatch(/TOTAL\s+6\s+43\s+CAD 120\.00/);
  });

  it('lists every number once in the register: ranges tile 1..maximum and their counts equal the journal', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/ticket-register`);
    const ranges = report.sections.find((s: { id: string }) => s.id === 'register').rows;
    let next = 1;
    const byStatus: Record<string, number> = {};
    for (const range of ranges) {
      expect(range.first).toBe(next);
      expect(range.count).toBe(range.last - range.first + 1);
      byStatus[range.status] = (byStatus[range.status] ?? 0) + range.count;
      next = range.last + 1;
    }
    expect(next - 1).toBe(1_000_000);
    const { numbers } = report.totals;
    expect(byStatus).toEqual({
      SOLD: numbers.sold,
      VOIDED: numbers.voided,
      UNISSUED: 1_000_000 - numbers.issued,
    });
    expect(ranges).toContainEqual(
      expect.objectContaining({
        first: voidedOrder.receipt.tickets.first,
        last: voidedOrder.receipt.tickets.last,
        status: 'VOIDED',
        orderId: voidedOrder.orderId,
        reason: 'Buyer changed their mind at the counter',
      }),
    );
    expect(report.reconciliation.matches).toBe(true);

    const perNumber = await get(`/v1/reports/raffles/${raffleId}/ticket-register?format=csv&rows=numbers`);
    const lines = perNumber.body.split('\r\n');
    const header = lines.findIndex((l) => l.startsWith('number,'));
    const numberRows = lines.slice(header + 1).filter((l) => l !== '');
    expect(numberRows).toHaveLength(43);
    expect(numberRows.map((l) => Number(l.split(',')[0]))).toEqual(
      Array.from({ length: 43 }, (_, i) => i + 1),
    );
    expect(numberRows.filter((l) => l.split(',')[1] === 'VOIDED')).toHaveLength(5);

    const text = pdfText(
      (await get(`/v1/reports/raffles/${raffleId}/ticket-register?format=pdf`)).rawPayload,
    );
    expect(text).toMatch(/44\s+1,000,000\s+999,957\s+UNISSUED/);
    expect(text).toMatch(
      new RegExp(
        `${voidedOrder.receipt.tickets.first}\\s+${voidedOrder.receipt.tickets.last}\\s+5\\s+VOIDED`,
      ),
    );
  });

  it('lists voids and refunds as journaled', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/voids-and-refunds?format=json`);
    const [voids, refunds] = report.sections;
    expect(voids.rows).toEqual([
      expect.objectContaining({
        kind: 'order',
        orderId: voidedOrder.orderId,
        tickets: 5,
        amountMinor: 2_000,
        by: 'oscar-operator',
      }),
    ]);
    expect(refunds.rows.map((r: { event: string }) => r.event)).toEqual(['REQUESTED', 'COMPLETED']);
    const entries = await journal(t, `raffle/${raffleId}`);
    const voidEntry = entries.find((e) => e.type === 'TICKETS_VOIDED')!;
    expect(voids.rows[0].seq).toBe(voidEntry.seq);
    const csv = (await get(`/v1/reports/raffles/${raffleId}/voids-and-refunds?format=csv`)).body;
    expect(csv).toContain(`${voidEntry.seq},${voidEntry.time},order,${voidedOrder.orderId},`);
    const text = pdfText(
      (await get(`/v1/reports/raffles/${raffleId}/voids-and-refunds?format=pdf`)).rawPayload,
    );
    expect(text).toContain('Buyer changed');
    expect(text).toMatch(/COMPLETED.*CAD 20\.00/);
  });

  it('reports significant events by period and category, sign-ins and denials included', async () => {
    const denied = await get(`/v1/reports/raffles/${raffleId}/summary`, sellerSam);
    expect(denied.statusCode).toBe(403);
    const before = new Date(Date.now() - 3_600_000).toISOString();
    const report = await until(
      () => json(`/v1/reports/significant-events?categories=security,raffle,voids&from=${before}`),
      (r) => r.sections[0].rows.some((row: { type: string }) => row.type === 'ACCESS_DENIED'),
    );
    const rows = report.sections[0].rows;
    const types = new Set(rows.map((r: { type: string }) => r.type));
    expect(types).toEqual(
      new Set([
        'SIGNED_IN',
        'ACCESS_DENIED',
        'RAFFLE_CREATED',
        'RAFFLE_OPENED',
        'TICKETS_VOIDED',
        'REFUND_REQUESTED',
        'REFUND_COMPLETED',
      ]),
    );
    expect(rows.find((r: { type: string }) => r.type === 'ACCESS_DENIED')).toMatchObject({
      actor: 'user:sam-seller',
      outcome: 'denied',
      category: 'security',
    });
    expect(report.totals.events).toBe(rows.length);
    const collector = totalsCollector('significant-events', {
      raffleId: null,
      from: report.filter.from,
      to: null,
      categories: ['security', 'raffle', 'voids'],
    });
    for (const entry of (await journal(t)).filter((e) => e.seq < report.ledger.treeSize))
      collector.add(entry);
    expect(report.totals).toEqual(collector.result());
    // A period after everything: nothing.
    const later = await json(
      `/v1/reports/significant-events?from=${new Date(Date.now() + 3_600_000).toISOString()}`,
    );
    expect(later.sections[0].rows).toEqual([]);
    const text = pdfText(
      (await get(`/v1/reports/significant-events?format=pdf&categories=security`)).rawPayload,
    );
    expect(text).toContain('ACCESS_DENIED');
    expect(text).toContain('user:sam-seller');
  });

  it('computes a report at an earlier journal size, as an export of that size shows it', async () => {
    const entries = (await journal(t)).filter((e) => e.subject === `raffle/${raffleId}`);
    const afterVoid = entries.find((e) => e.type === 'TICKETS_VOIDED')!.seq;
    const report = await json(`/v1/reports/raffles/${raffleId}/summary?atTreeSize=${afterVoid}`);
    expect(report.ledger.treeSize).toBe(afterVoid);
    expect(report.totals.voids.orders).toBe(0);
    expect(report.reconciliation).toMatchObject({ matches: null, lines: [] });
    expect(report.totals).toEqual(
      (() => {
        const c = totalsCollector('raffle-summary', { raffleId, from: null, to: null });
        for (const e of entries.filter((e) => e.seq < afterVoid)) c.add(e);
        return c.result();
      })(),
    );
    // The checkpoint signs that size and root (its time line says when it was signed).
    const proof = await json(`/v1/ledger/entries/0?treeSize=${afterVoid}`);
    const signed = (note: string) => note.split('\n').slice(0, 3);
    expect(signed(report.ledger.checkpoint)).toEqual(signed(proof.checkpoint));
    expect(signed(report.ledger.checkpoint)[2]).toBe(
      Buffer.from(report.ledger.rootHash, 'hex').toString('base64'),
    );
  });

  it('filters sales by period (a period before the sales has none)', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/summary?to=2020-01-01T00:00:00Z`);
    expect(report.totals.sales).toEqual({ orders: 0, tickets: 0, amountMinor: 0 });
    expect(report.totals.numbers.sold).toBe(38);
    expect(report.reconciliation.matches).toBeNull();
    const fold = foldRaffleJournal(raffleId, await journal(t), {
      period: { to: '2020-01-01T00:00:00.000Z' },
    });
    expect(fold.sales.orders).toBe(0);
  });

  it('refuses bad input with a 400 naming the field, unknown raffles with 404, sellers with 403', async () => {
    const bad = await get(`/v1/reports/raffles/${raffleId}/summary?format=xml`);
    expect(bad.statusCode).toBe(400);
    expect(bad.json().fields.map((f: { field: string }) => f.field)).toEqual(['format']);
    const backwards = await get(
      `/v1/reports/raffles/${raffleId}/summary?from=2026-02-01T00:00:00Z&to=2026-01-01T00:00:00Z`,
    );
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().fields[0].field).toBe('from');
    const beyond = await get(`/v1/reports/raffles/${raffleId}/summary?atTreeSize=999999999`);
    expect(beyond.statusCode).toBe(400);
    expect(beyond.json().fields[0].field).toBe('treeSize');
    const category = await get('/v1/reports/significant-events?categories=security,gossip');
    expect(category.statusCode).toBe(400);
    expect(category.json().fields[0].field).toBe('categories');
    const unknown = await get('/v1/reports/raffles/00000000-0000-4000-8000-000000000000/summary');
    expect(unknown.statusCode).toBe(404);
    expect((await get(`/v1/reports/raffles/${raffleId}/ticket-register`, sellerKim)).statusCode).toBe(403);
    expect((await get(`/v1/reports/raffles/${raffleId}/ticket-register`, operator)).statusCode).toBe(200);
  });
});

/** The draw reports, on a raffle drawn by the draw service (and one winner redrawn). */
describe.each(['pglite', 'postgres'] as const)('draw reports on %s', (engine) => {
  let t: TestApp;
  let admin: Headers;
  let auditor: Headers;
  let raffleId: string;
  let firstWinner: number;
  let drawId: string;
  let redrawWinner: number;
  const pdfDir = mkdtempSync(join(tmpdir(), 'fairdraw-report-pdf-'));

  const get = (url: string) => t.app.inject({ method: 'GET', url, headers: auditor });
  async function json(url: string) {
    const response = await get(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  }
  function pdfText(body: Buffer): string {
    const file = join(pdfDir, `r-${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, body);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  }

  beforeAll(async () => {
    t = await startTestApp({
      engine,
      env: {
        SALES_SCHEDULER_INTERVAL_MS: '100',
        DRAW_SCHEDULER_INTERVAL_MS: '100',
        DRAW_CUTOFF_GRACE_MS: '300',
      },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
    const operator = bearer(await t.token(['operator'], 'oscar-operator'));
    const seller = bearer(await t.token(['seller'], 'sam-seller'));
    const raffle = await shortRaffle(t, admin, { closeInMs: 5_000 });
    raffleId = raffle.id;
    const orders = [];
    for (const pkg of ['five', 'one', 'thirty', 'one']) orders.push(await sell(t, raffleId, seller, pkg));
    expect((await voidOrder(t, orders[1].orderId, operator)).statusCode).toBe(200);
    const results = await until(
      async () => (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffleId}/results` })).json(),
      (r) => r.prizes[0].status === 'DRAWN',
    );
    drawId = results.prizes[0].draw.drawId;
    firstWinner = results.prizes[0].draw.winningTickets[0];
    const redrawn = await t.app.inject({
      method: 'POST',
      url: `/v1/draws/${drawId}/redraw`,
      payload: { ticket: firstWinner, cause: 'INELIGIBLE', reason: 'winner is a board member' },
      headers: admin,
    });
    if (redrawn.statusCode !== 201 && redrawn.statusCode !== 200) throw new Error(`redraw: ${redrawn.body}`);
    redrawWinner = redrawn.json().winningTickets?.[0] ?? redrawn.json().tickets?.[0];
  });
  afterAll(async () => {
    await t?.close();
    rmSync(pdfDir, { recursive: true, force: true });
  });

  it('lists draws and winners from the journal with their proofs, reconciled with the draw records', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/draws`);
    const entries = (await journal(t)).filter((e) => e.seq < report.ledger.treeSize);
    const collector = totalsCollector('draws-and-winners', { raffleId, from: null, to: null });
    for (const entry of entries) collector.add(entry);
    expect(report.totals).toEqual(collector.result());
    const result = entries.find((e) => e.type === 'DRAW_RESULT' && e.subject === `raffle/${raffleId}`)!;
    const prize = entries.find((e) => e.type === 'DRAW_PRIZE' && e.subject === `raffle/${raffleId}`)!;
    const rows = report.sections.find((s: { id: string }) => s.id === 'draws').rows;
    expect(rows).toEqual([
      expect.objectContaining({
        drawId,
        kind: 'result',
        ticket: firstWinner,
        seq: result.seq,
        amountMinor: prize.payload.amountMinor,
        proof: `/v1/draws/${drawId}/proof`,
        entry: `/v1/ledger/entries/${result.seq}`,
      }),
      expect.objectContaining({
        kind: 'redraw',
        replaces: expect.stringContaining(`${firstWinner} of ${drawId}`),
      }),
    ]);
    expect(report.sections[0].rows).toEqual([expect.objectContaining({ count: 36 })]);
    expect(report.reconciliation.matches).toBe(true);
    expect(report.reconciliation.lines).toContainEqual({
      figure: 'draws and redraws',
      journal: 2,
      operational: 2,
      matches: true,
    });
    const proof = await t.app.inject({ method: 'GET', url: rows[0].proof });
    expect(proof.statusCode).toBe(200);

    const csv = (await get(`/v1/reports/raffles/${raffleId}/draws?format=csv`)).body;
    expect(csv).toContain(`,/v1/draws/${drawId}/proof,/v1/ledger/entries/${result.seq}\r\n`);
    const text = pdfText((await get(`/v1/reports/raffles/${raffleId}/draws?format=pdf`)).rawPayload);
    expect(text).toContain('Draws and winners, with their proofs');
    expect(text).toMatch(new RegExp(`result\\s+50/50 main prize\\s+1\\s+${firstWinner}\\b`));
  });

  it('lists the standing winner as unclaimed, not the one a redraw replaced', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/unclaimed-prizes`);
    const rows = report.sections[0].rows;
    expect(rows).toHaveLength(1);
    expect(rows[0].ticket).not.toBe(firstWinner);
    if (redrawWinner !== undefined) expect(rows[0].ticket).toBe(redrawWinner);
    expect(rows[0].handling).toBe('redraw as the rules allow (DRAW_REDRAWN)');
    expect(report.totals.winners).toBe(1);
    const summary = await json(`/v1/reports/raffles/${raffleId}/summary`);
    const main = summary.sections.find((s: { id: string }) => s.id === 'prizes').rows[0];
    expect(main.basis).toMatch(/^awarded \(DRAW_PRIZE, seq \d+, SHARE_OF_SALES\)$/);
    expect(main.winners).toBe(String(rows[0].ticket));
    expect(main.amountMinor).toBe(summary.totals.prizesAwarded[0].amountMinor);
    const text = pdfText(
      (await get(`/v1/reports/raffles/${raffleId}/unclaimed-prizes?format=pdf`)).rawPayload,
    );
    expect(text).toMatch(
      new RegExp(`50/50 main prize\\s+${rows[0].ticket}\\s.*UNCLAIMED: no claim recorded`),
    );
  });
});
