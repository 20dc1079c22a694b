import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { totalsCollector } from '../src/report/core/report-totals.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { shortRaffle, until } from './support/draws.js';
import { startFakeStripe, type FakeStripe } from './support/fake-stripe.js';
import { journal } from './support/journal.js';
import { order, type Headers } from './support/sales.js';

interface Sold {
  orderId: string;
  receipt: { verificationCode: string; tickets: { first: number; last: number } };
}

/**
 * RPT-5 (bearer tickets) and RPT-7 (financial summary) of one raffle with cash and card sales, a void
 * and its refund, reprints, a draw, expenses (one reversed), a use of proceeds, a deposit and a cash
 * count short of what the journal says the seller took: the figures by hand, from the journal, in
 * JSON, CSV and PDF.
 */
describe.each(['pglite', 'postgres'] as const)('bearer-ticket and financial reports on %s', (engine) => {
  let t: TestApp;
  let stripe: FakeStripe;
  let admin: Headers;
  let operator: Headers;
  let auditor: Headers;
  let sam: Headers;
  let kim: Headers;
  let raffleId: string;
  let winner: number;
  const sold: Sold[] = [];
  const month = new Date().toISOString().slice(0, 7);
  const today = new Date().toISOString().slice(0, 10);
  const pdfDir = mkdtempSync(join(tmpdir(), 'fairdraw-rpt57-pdf-'));

  const get = (url: string, headers: Headers = auditor) => t.app.inject({ method: 'GET', url, headers });
  async function json(url: string) {
    const response = await get(url);
    if (response.statusCode !== 200) throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  }
  const post = async (url: string, payload: object, headers: Headers = operator) => {
    const response = await t.app.inject({ method: 'POST', url, payload, headers });
    if (response.statusCode !== 201 && response.statusCode !== 200)
      throw new Error(`${url}: ${response.statusCode} ${response.body}`);
    return response.json();
  };
  function pdfText(body: Buffer): string {
    const file = join(pdfDir, `r-${Math.random().toString(36).slice(2)}.pdf`);
    writeFileSync(file, body);
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  }
  async function recomputed(kind: 'bearer-tickets' | 'financial-summary', treeSize: number) {
    const collector = totalsCollector(kind, { raffleId, from: null, to: null });
    for (const entry of await journal(t)) if (entry.seq < treeSize) collector.add(entry);
    return collector.result();
  }

  beforeAll(async () => {
    stripe = await startFakeStripe();
    t = await startTestApp({
      engine,
      env: {
        PAYMENT_PROVIDERS: 'stripe,cash',
        STRIPE_SECRET_KEY: stripe.secretKey,
        STRIPE_WEBHOOK_SECRET: stripe.webhookSecret,
        STRIPE_API_URL: stripe.url,
        PUBLIC_STATS_CACHE_MS: '0',
        SALES_SCHEDULER_INTERVAL_MS: '100',
        DRAW_SCHEDULER_INTERVAL_MS: '100',
        DRAW_CUTOFF_GRACE_MS: '300',
      },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
    sam = bearer(await t.token(['seller'], 'sam-seller'));
    kim = bearer(await t.token(['seller'], 'kim-seller'));
    const storefront = bearer(await t.token(['seller'], 'storefront'));
    raffleId = (
      await shortRaffle(t, admin, {
        closeInMs: 8_000,
        overrides: { jurisdiction: 'GLI31-DEFAULT', channels: ['ONLINE', 'POS', 'CASHIER'] },
      })
    ).id;
    const sessionFrom = new Date(Date.now() - 1_000).toISOString();
    const sell = async (headers: Headers, body: object) => {
      const response = await order(t, raffleId, headers, body);
      if (response.statusCode !== 201) throw new Error(`order: ${response.statusCode} ${response.body}`);
      sold.push(response.json());
    };
    // Sam at POS 01: three singles in cash (1-3); online, a 30-pack paid by card through Stripe (4-33:
    // numbered when Stripe's signed webhook confirms the payment); Kim at the cashier: two 5-packs in
    // cash (34-43).
    for (let i = 0; i < 3; i++)
      await sell(sam, { packageId: 'one', channel: 'POS', paymentMethod: 'cash', deviceId: 'pos-01' });
    const held = await order(t, raffleId, storefront, {
      packageId: 'thirty',
      channel: 'ONLINE',
      paymentMethod: 'stripe',
    });
    if (held.statusCode !== 201) throw new Error(`online order: ${held.statusCode} ${held.body}`);
    const paid = stripe.webhook('payment_intent.succeeded', stripe.succeed(held.json().payment.intentId));
    const delivered = await t.app.inject({
      method: 'POST',
      url: '/v1/payments/stripe/webhook',
      payload: paid.payload,
      headers: { 'content-type': 'application/json', 'stripe-signature': paid.signature },
      remoteAddress: '54.187.174.169',
    });
    if (delivered.statusCode !== 200) throw new Error(`webhook: ${delivered.statusCode} ${delivered.body}`);
    sold.push(await json(`/v1/orders/${held.json().orderId}`));
    await sell(kim, { packageId: 'five', channel: 'CASHIER', paymentMethod: 'cash' });
    await sell(kim, { packageId: 'five', channel: 'CASHIER', paymentMethod: 'cash' });
    // Sam's first receipt is printed twice more; Kim's second 5-pack is voided and its cash handed back.
    for (let i = 0; i < 2; i++)
      await post(`/v1/orders/${sold[0].orderId}/reprint`, { deviceId: 'pos-01', reason: 'Paper jam' }, sam);
    await post(`/v1/orders/${sold[5].orderId}/void`, { reason: 'Buyer changed their mind' });
    await until(
      () => json(`/v1/orders/${sold[5].orderId}`),
      (o) => o.refund?.status === 'SUCCEEDED',
    );
    const results = await until(
      () => json(`/v1/raffles/${raffleId}/results`),
      (r) => r.prizes[0].status === 'DRAWN',
      30_000,
    );
    winner = results.prizes[0].draw.winningTickets[0];

    const finance = `/v1/finance/raffles/${raffleId}`;
    await post(`${finance}/expenses`, {
      amountMinor: 1_500,
      currency: 'CAD',
      date: today,
      category: 'printing',
      payee: 'Prairie Print Ltd.',
    });
    const mistake = await post(`${finance}/expenses`, {
      amountMinor: 999,
      currency: 'CAD',
      date: today,
      category: 'hall rental',
      payee: 'Civic Center',
    });
    await post(
      `/v1/finance/records/${mistake.id}/reverse`,
      { reason: 'Hall donated; entered by mistake' },
      admin,
    );
    await post(`${finance}/proceeds-uses`, {
      amountMinor: 3_000,
      currency: 'CAD',
      date: today,
      purpose: 'Ward equipment',
      beneficiary: 'Children’s Hospital',
    });
    await post(`${finance}/deposits`, {
      amountMinor: 9_000,
      currency: 'CAD',
      date: today,
      reference: 'DEP-0001',
    });
    // Sam took 3 x 1000 in cash (the card sale online is not in any drawer); 2500 counted: 500 short.
    await post(`${finance}/cash-counts`, {
      sellerId: 'sam-seller',
      sessionFrom,
      sessionTo: new Date().toISOString(),
      countedMinor: 2_500,
      currency: 'CAD',
    });
  }, 90_000);
  afterAll(async () => {
    await t?.close();
    await stripe?.stop();
    rmSync(pdfDir, { recursive: true, force: true });
  });

  it('lists every receipt with its status and reprints; its totals are the summary’s gross sales (RPT-5)', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/bearer-tickets`);
    const summary = await json(
      `/v1/reports/raffles/${raffleId}/summary?atTreeSize=${report.ledger.treeSize}`,
    );
    const winning = sold.findIndex(
      (s) => s.receipt.tickets.first <= winner && winner <= s.receipt.tickets.last,
    );
    expect(winning).toBeGreaterThanOrEqual(0);
    expect(winning).not.toBe(5);

    expect(report.totals.issued).toEqual({ orders: 6, tickets: 43, amountMinor: 12_000 });
    expect(report.totals.issued).toEqual(summary.totals.sales);
    expect(report.totals.byStatus.REFUNDED).toEqual({ orders: 1, tickets: 5, amountMinor: 2_000 });
    expect(report.totals.byStatus.REFUNDED).toEqual(summary.totals.voids);
    expect(report.totals.byStatus.VOIDED).toEqual({ orders: 0, tickets: 0, amountMinor: 0 });
    const price = [1_000, 1_000, 1_000, 5_000, 2_000, 2_000][winning];
    const tickets = [1, 1, 1, 30, 5, 5][winning];
    expect(report.totals.byStatus.WINNER).toEqual({ orders: 1, tickets, amountMinor: price });
    expect(report.totals.byStatus.VALID).toEqual({
      orders: 4,
      tickets: 38 - tickets,
      amountMinor: 10_000 - price,
    });
    expect(report.totals).toMatchObject({ reprints: 2, reprintedReceipts: 1 });
    expect(report.totals).toEqual(await recomputed('bearer-tickets', report.ledger.treeSize));
    expect(report.reconciliation.matches).toBe(true);

    const rows = report.sections.find((s: { id: string }) => s.id === 'receipts').rows;
    expect(rows).toHaveLength(6);
    expect(rows.map((r: { orderId: string }) => r.orderId)).toEqual(sold.map((s) => s.orderId));
    const sha = (code: string) => createHash('sha256').update(code).digest('hex');
    expect(rows[0]).toMatchObject({
      orderId: sold[0].orderId,
      first: 1,
      last: 1,
      tickets: 1,
      packageId: 'one',
      priceMinor: 1_000,
      codeHash: sha(sold[0].receipt.verificationCode),
      sellerId: 'sam-seller',
      channel: 'POS',
      deviceId: 'pos-01',
      payment: 'cash',
      status: winning === 0 ? 'WINNER' : 'VALID',
      refund: null,
      reprints: 2,
    });
    expect(rows[3]).toMatchObject({
      first: 4,
      last: 33,
      codeHash: sha(sold[3].receipt.verificationCode),
      sellerId: 'storefront',
      channel: 'ONLINE',
      deviceId: null,
      payment: 'stripe',
      priceMinor: 5_000,
      status: winning === 3 ? 'WINNER' : 'VALID',
      reprints: 0,
    });
    expect(rows[5]).toMatchObject({
      first: 39,
      last: 43,
      sellerId: 'kim-seller',
      channel: 'CASHIER',
      deviceId: null,
      status: 'REFUNDED',
      refund: 'COMPLETED',
    });
    expect(rows[winning].status).toBe('WINNER');
    for (const row of rows) expect(Date.parse(row.soldAt)).toBeGreaterThan(0);

    const csv = await get(`/v1/reports/raffles/${raffleId}/bearer-tickets?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('item,orders,tickets,amountMinor\r\nIssued (every receipt),6,43,12000\r\n');
    expect(csv.body).toContain('Voided and refunded,1,5,2000\r\n');
    expect(csv.body).toContain(`,${sold[5].orderId},39,43,5,`);
    const pdf = await get(`/v1/reports/raffles/${raffleId}/bearer-tickets?format=pdf`);
    expect(pdf.statusCode).toBe(200);
    const text = pdfText(pdf.rawPayload);
    expect(text).toContain('Bearer tickets (every receipt issued)');
    expect(text).toMatch(/Issued \(every receipt\)\s+6\s+43\s+CAD 120\.00/);
    expect(text).toMatch(/Voided and refunded\s+1\s+5\s+CAD 20\.00/);
    // The validation numbers themselves (the bearer's proof of a win) appear in no rendering.
    for (const s of sold) {
      for (const body of [JSON.stringify(report), csv.body, text])
        expect(body).not.toContain(s.receipt.verificationCode);
    }
  });

  it('states gross receipts, prizes, expenses, net income, use of proceeds, cash over/short and deposits, per raffle and per month (RPT-7)', async () => {
    const report = await json(`/v1/reports/raffles/${raffleId}/financial-summary`);
    const figures = {
      salesMinor: 12_000,
      voidsMinor: 2_000,
      grossReceiptsMinor: 10_000,
      prizesMinor: 5_000,
      expensesMinor: 1_500,
      netIncomeMinor: 3_500,
      proceedsUsedMinor: 3_000,
      cashOverShortMinor: -500,
      depositsMinor: 9_000,
    };
    expect(report.totals.raffle).toEqual(figures);
    expect(report.totals.months).toEqual([{ month, ...figures }]);
    expect(report.totals.records).toEqual({
      EXPENSE: { records: 3, amountMinor: 1_500 },
      PROCEEDS_USE: { records: 1, amountMinor: 3_000 },
      DEPOSIT: { records: 1, amountMinor: 9_000 },
      CASH_COUNT: { records: 1, amountMinor: -500 },
    });
    // The short count's expected cash, recomputed from the journal at the size the count states.
    expect(report.totals.cashCounts).toEqual({ checked: 1, differing: [] });
    // The same figures as the raffle summary where they meet, and as the journal gives them.
    const summary = await json(
      `/v1/reports/raffles/${raffleId}/summary?atTreeSize=${report.ledger.treeSize}`,
    );
    expect(report.totals.raffle.salesMinor).toBe(summary.totals.sales.amountMinor);
    expect(report.totals.raffle.grossReceiptsMinor).toBe(summary.totals.net.amountMinor);
    expect(report.totals.raffle.prizesMinor).toBe(summary.totals.prizesAwarded[0].amountMinor);
    expect(report.totals).toEqual(await recomputed('financial-summary', report.ledger.treeSize));
    // Journal and finance records agree, record kind by kind.
    expect(report.reconciliation.matches).toBe(true);
    expect(report.reconciliation.lines).toContainEqual({
      figure: 'cash counts (minor units)',
      journal: -500,
      operational: -500,
      matches: true,
    });
    const records = report.sections.find((s: { id: string }) => s.id === 'records').rows;
    expect(records.map((r: { kind: string; amountMinor: number }) => [r.kind, r.amountMinor])).toEqual([
      ['EXPENSE', 1_500],
      ['EXPENSE', 999],
      ['EXPENSE', -999],
      ['PROCEEDS_USE', 3_000],
      ['DEPOSIT', 9_000],
      ['CASH_COUNT', -500],
    ]);
    expect(records[2].reason).toBe('Hall donated; entered by mistake');

    const csv = await get(`/v1/reports/raffles/${raffleId}/financial-summary?format=csv`);
    expect(csv.statusCode).toBe(200);
    expect(csv.body).toContain('Gross receipts,10000\r\n');
    expect(csv.body).toContain('Net income,3500\r\n');
    expect(csv.body).toContain('Cash over (short),-500\r\n');
    expect(csv.body).toContain(`\r\n${month},12000,2000,10000,5000,1500,3500,3000,-500,9000\r\n`);
    const text = pdfText(
      (await get(`/v1/reports/raffles/${raffleId}/financial-summary?format=pdf`)).rawPayload,
    );
    expect(text).toContain('Financial summary: ');
    expect(text).toMatch(/Gross receipts\s+CAD 100\.00/);
    expect(text).toMatch(/Prizes awarded\s+CAD 50\.00/);
    expect(text).toMatch(/Expenses\s+CAD 15\.00/);
    expect(text).toMatch(/Net income\s+CAD 35\.00/);
    expect(text).toMatch(/Use of proceeds\s+CAD 30\.00/);
    expect(text).toMatch(/Cash over \(short\)\s+-CAD 5\.00/);
    expect(text).toMatch(/Bank deposits\s+CAD 90\.00/);
    expect(text).toContain('Reconciliation with the operational records: matches');
    expect(text).toContain(
      'Cash counts recomputed from the journal at their stated tree size: 1, each as stated.',
    );

    // A period after everything: nothing in it, and the records are not compared.
    const later = await json(
      `/v1/reports/raffles/${raffleId}/financial-summary?from=${new Date(Date.now() + 86_400_000 * 40).toISOString()}`,
    );
    expect(later.totals.months).toEqual([]);
    expect(later.totals.raffle.grossReceiptsMinor).toBe(0);
    expect(later.reconciliation.matches).toBeNull();
  });

  it('refuses bad report input with a 400 naming the field, and sellers the reports', async () => {
    for (const report of ['bearer-tickets', 'financial-summary']) {
      const bad = await get(`/v1/reports/raffles/${raffleId}/${report}?format=xls`);
      expect(bad.statusCode).toBe(400);
      expect(bad.json().fields[0].field).toBe('format');
      const backwards = await get(
        `/v1/reports/raffles/${raffleId}/${report}?from=2026-12-02T00:00:00Z&to=2026-12-01T00:00:00Z`,
      );
      expect(backwards.statusCode).toBe(400);
      expect(backwards.json().fields[0].field).toBe('from');
      expect((await get(`/v1/reports/raffles/${raffleId}/${report}`, sam)).statusCode).toBe(403);
    }
  });
});
