import { FINANCE_ENTRY_TYPES } from '../src/finance/core/finance-entries.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { journal } from './support/journal.js';
import { adminQuery } from './support/postgres.js';
import { openRaffle, order, posCash, type Headers } from './support/sales.js';

/** The licensee's financial records (RPT-7): recorded, journaled with their origin, never changed. */
describe.each(['pglite', 'postgres'] as const)('financial records on %s', (engine) => {
  let t: TestApp;
  let admin: Headers;
  let operator: Headers;
  let auditor: Headers;
  let seller: Headers;
  let raffleId: string;
  const today = new Date().toISOString().slice(0, 10);
  const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

  const post = (url: string, payload: object, headers: Headers = operator) =>
    t.app.inject({ method: 'POST', url, payload, headers: { ...headers, 'x-request-id': 'req-finance-1' } });
  const records = async () =>
    (
      await t.app.inject({ method: 'GET', url: `/v1/finance/raffles/${raffleId}/records`, headers: auditor })
    ).json();
  const financeEntries = async () =>
    (await journal(t, `raffle/${raffleId}`)).filter((e) => FINANCE_ENTRY_TYPES.includes(e.type));

  beforeAll(async () => {
    t = await startTestApp({ engine });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    operator = bearer(await t.token(['operator'], 'oscar-operator'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    raffleId = (await openRaffle(t, admin)).id;
  });
  afterAll(async () => t?.close());

  it('records an expense, a use of proceeds and a deposit, each journaled with its origin', async () => {
    const expense = await post(`/v1/finance/raffles/${raffleId}/expenses`, {
      amountMinor: 12_500,
      currency: 'CAD',
      date: today,
      category: 'printing',
      payee: 'Prairie Print Ltd.',
      memo: 'Ticket stock',
    });
    expect(expense.statusCode).toBe(201);
    expect(expense.json()).toMatchObject({
      raffleId,
      kind: 'EXPENSE',
      amountMinor: 12_500,
      currency: 'CAD',
      date: today,
      details: { category: 'printing', payee: 'Prairie Print Ltd.', memo: 'Ticket stock' },
      reverses: null,
      recordedBy: 'oscar-operator',
    });
    const proceeds = await post(
      `/v1/finance/raffles/${raffleId}/proceeds-uses`,
      {
        amountMinor: 40_000,
        currency: 'CAD',
        date: today,
        purpose: 'Ward equipment',
        beneficiary: 'Children’s Hospital',
      },
      admin,
    );
    expect(proceeds.statusCode).toBe(201);
    const deposit = await post(`/v1/finance/raffles/${raffleId}/deposits`, {
      amountMinor: 50_000,
      currency: 'CAD',
      date: today,
      reference: 'DEP-0001',
    });
    expect(deposit.statusCode).toBe(201);

    const entries = await financeEntries();
    expect(entries.map((e) => e.type)).toEqual([
      'EXPENSE_RECORDED',
      'PROCEEDS_USE_RECORDED',
      'DEPOSIT_RECORDED',
    ]);
    expect(entries[0].payload).toMatchObject({
      recordId: expense.json().id,
      raffleId,
      amountMinor: 12_500,
      currency: 'CAD',
      date: today,
      category: 'printing',
      payee: 'Prairie Print Ltd.',
      by: 'oscar-operator',
      actor: { type: 'user', sub: 'oscar-operator', roles: ['operator'] },
      requestId: 'req-finance-1',
    });
    expect(typeof entries[0].payload.source).toBe('string');
    expect((await records()).map((r: { kind: string }) => r.kind)).toEqual([
      'EXPENSE',
      'PROCEEDS_USE',
      'DEPOSIT',
    ]);
  });

  it('refuses bad input with a 400 naming the field, and records nothing', async () => {
    const before = (await records()).length;
    const beforeEntries = (await financeEntries()).length;
    const good = { amountMinor: 100, currency: 'CAD', date: today, category: 'fees', payee: 'Bank' };
    const cases: Array<[string, object, string]> = [
      ['zero amount', { ...good, amountMinor: 0 }, 'amountMinor'],
      ['negative amount', { ...good, amountMinor: -5 }, 'amountMinor'],
      ['fractional amount', { ...good, amountMinor: 1.5 }, 'amountMinor'],
      ['other currency', { ...good, currency: 'USD' }, 'currency'],
      ['future date', { ...good, date: tomorrow }, 'date'],
      ['impossible date', { ...good, date: '2026-02-30' }, 'date'],
      ['no payee', { ...good, payee: undefined }, 'payee'],
      ['unknown field', { ...good, bank: 'x' }, 'bank'],
    ];
    for (const [name, body, field] of cases) {
      const response = await post(`/v1/finance/raffles/${raffleId}/expenses`, body);
      expect({ name, status: response.statusCode }).toEqual({ name, status: 400 });
      expect({ name, fields: response.json().fields.map((f: { field: string }) => f.field) }).toEqual({
        name,
        fields: expect.arrayContaining([field]),
      });
    }
    const count = {
      sellerId: 'sam-seller',
      sessionFrom: new Date(Date.now() - 3_600_000).toISOString(),
      sessionTo: new Date(Date.now() + 3_600_000).toISOString(),
      countedMinor: 0,
      currency: 'CAD',
    };
    const future = await post(`/v1/finance/raffles/${raffleId}/cash-counts`, count);
    expect(future.statusCode).toBe(400);
    expect(future.json().fields[0].field).toBe('sessionTo');
    const backwards = await post(`/v1/finance/raffles/${raffleId}/cash-counts`, {
      ...count,
      sessionFrom: new Date().toISOString(),
      sessionTo: new Date(Date.now() - 60_000).toISOString(),
    });
    expect(backwards.statusCode).toBe(400);
    expect(backwards.json().fields[0].field).toBe('sessionFrom');
    const unknownRaffle = await post(
      '/v1/finance/raffles/00000000-0000-4000-8000-000000000000/expenses',
      good,
    );
    expect(unknownRaffle.statusCode).toBe(404);
    expect(unknownRaffle.json().code).toBe('RAFFLE_NOT_FOUND');
    expect((await records()).length).toBe(before);
    expect((await financeEntries()).length).toBe(beforeEntries);
  });

  it('lets auditors read the records but never write them; sellers do neither', async () => {
    const good = { amountMinor: 100, currency: 'CAD', date: today, reference: 'DEP-X' };
    expect((await post(`/v1/finance/raffles/${raffleId}/deposits`, good, auditor)).statusCode).toBe(403);
    expect((await post(`/v1/finance/raffles/${raffleId}/deposits`, good, seller)).statusCode).toBe(403);
    const [first] = await records();
    expect((await post(`/v1/finance/records/${first.id}/reverse`, { reason: 'x' }, auditor)).statusCode).toBe(
      403,
    );
    const read = await t.app.inject({
      method: 'GET',
      url: `/v1/finance/raffles/${raffleId}/records`,
      headers: seller,
    });
    expect(read.statusCode).toBe(403);
    expect((await records()).some((r: { reference?: string }) => r.reference === 'DEP-X')).toBe(false);
  });

  it('reverses a record once, with a reason, as a new journaled record; the rows are never changed', async () => {
    const [expense] = await records();
    const noReason = await post(`/v1/finance/records/${expense.id}/reverse`, {});
    expect(noReason.statusCode).toBe(400);
    expect(noReason.json().fields[0].field).toBe('reason');
    const reversed = await post(`/v1/finance/records/${expense.id}/reverse`, {
      reason: 'Invoice paid by the sponsor',
    });
    expect(reversed.statusCode).toBe(201);
    expect(reversed.json()).toMatchObject({
      kind: 'EXPENSE',
      amountMinor: -12_500,
      date: expense.date,
      reverses: expense.id,
      reason: 'Invoice paid by the sponsor',
    });
    const again = await post(`/v1/finance/records/${expense.id}/reverse`, { reason: 'twice' });
    expect(again.statusCode).toBe(409);
    expect(again.json().code).toBe('ALREADY_REVERSED');
    const ofReversal = await post(`/v1/finance/records/${reversed.json().id}/reverse`, { reason: 'undo' });
    expect(ofReversal.statusCode).toBe(409);
    expect(ofReversal.json().code).toBe('REVERSAL_NOT_REVERSIBLE');
    const entry = (await financeEntries()).find((e) => e.type === 'FINANCE_RECORD_REVERSED');
    expect(entry?.payload).toMatchObject({
      recordId: reversed.json().id,
      reverses: expense.id,
      kind: 'EXPENSE',
      amountMinor: 12_500,
      date: expense.date,
      reason: 'Invoice paid by the sponsor',
      actor: { type: 'user', sub: 'oscar-operator' },
    });
    if (t.engine === 'postgres') {
      // The table refuses a change even to its owner: a correction is only ever a reversal.
      const name = t.database!.name;
      await expect(
        adminQuery('update finance_record set amount_minor = 1 where id = $1', [expense.id], name),
      ).rejects.toThrow(/append-only/);
      await expect(
        adminQuery('delete from finance_record where id = $1', [expense.id], name),
      ).rejects.toThrow(/append-only/);
    }
  });

  it('counts a seller’s cash against the cash sales journaled for the session: over or short', async () => {
    const sessionFrom = new Date(Date.now() - 1_000).toISOString();
    for (let i = 0; i < 3; i++) expect((await order(t, raffleId, seller, posCash)).statusCode).toBe(201);
    const voided = (await order(t, raffleId, seller, { ...posCash, packageId: 'five' })).json();
    expect(
      (
        await t.app.inject({
          method: 'POST',
          url: `/v1/orders/${voided.orderId}/void`,
          payload: { reason: 'Wrong package' },
          headers: operator,
        })
      ).statusCode,
    ).toBe(200);
    // Another seller's cash and this seller's card-like sale are not in this drawer.
    expect((await order(t, raffleId, seller, { ...posCash, paymentMethod: 'test' })).statusCode).toBe(201);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const sessionTo = new Date().toISOString();
    const count = await post(`/v1/finance/raffles/${raffleId}/cash-counts`, {
      sellerId: 'sam-seller',
      sessionFrom,
      sessionTo,
      countedMinor: 2_750,
      currency: 'CAD',
    });
    expect(count.statusCode).toBe(201);
    // 3 x 1000 cash sold, the 2000 five-pack voided: 3000 expected, 2750 counted, 250 short.
    expect(count.json()).toMatchObject({
      kind: 'CASH_COUNT',
      amountMinor: -250,
      details: {
        sellerId: 'sam-seller',
        countedMinor: 2_750,
        expectedMinor: 3_000,
        cashSales: 4,
        voidedMinor: 2_000,
      },
    });
  });
});
