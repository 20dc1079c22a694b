import { originFields, requestOrigin, SYSTEM_ORIGIN } from '../audit/significant-event.js';
import { canonicalJson } from '../ledger/core/canonical-json.js';
import { soldEntry } from './sales-batch.js';
import type { NewOrderRow } from './sales.repository.js';

function paidOrder(overrides: Partial<NewOrderRow> = {}): NewOrderRow {
  return {
    id: '01935f1e-8a4b-7c3d-9e2f-1a2b3c4d5e6f',
    raffle_id: '8d1f0c2a-3b4e-4f5a-9b6c-7d8e9f0a1b2c',
    status: 'PAID',
    channel: 'POS',
    package_id: 'five',
    ticket_count: 5,
    price_minor: 2_000,
    currency: 'CAD',
    first_number: 11,
    last_number: 15,
    verification_code: 'ABCD-EFGH-JKLM-NPQR',
    seller_id: 'sam-seller',
    device_id: 'pos-01',
    block_id: null,
    buyer_key: null,
    payment_provider: 'cash',
    payment_ref: null,
    created_at: new Date('2026-12-07T09:00:00.000Z'),
    sold_at: new Date('2026-12-07T09:00:00.000Z'),
    expires_at: null,
    closed_at: null,
    close_reason: null,
    closed_by: null,
    journal_queue_id: null,
    ...overrides,
  };
}

describe('soldEntry', () => {
  const soldAt = new Date('2026-12-07T09:00:00.123Z');

  it.each([
    ['a seller with an issuer', { sub: 'sam-seller', roles: ['seller'], issuer: 'https://idp.example' }],
    ['a seller without an issuer', { sub: 'sam-seller', roles: ['seller', 'operator'] }],
  ])(
    'builds its payload in canonical member order for %s (JSON.stringify is its canonical text)',
    (_, caller) => {
      const origin = requestOrigin(caller, { source: '203.0.113.7', requestId: 'req-7' });
      const { payload } = soldEntry(paidOrder(), soldAt, origin);
      expect(JSON.stringify(payload)).toBe(canonicalJson(payload));
    },
  );

  // soldEntry writes the origin members itself, in canonical order, where its twins spread
  // originFields: a member added there must be added here too.
  it.each([
    [
      'a request',
      requestOrigin({ sub: 'sam-seller', roles: ['seller'] }, { source: '203.0.113.7', requestId: 'r' }),
    ],
    ['the system', SYSTEM_ORIGIN],
  ])('carries every member of originFields for %s', (_, origin) => {
    const { payload } = soldEntry(paidOrder(), soldAt, origin);
    const fields = originFields(origin);
    expect(Object.keys(payload)).toEqual(expect.arrayContaining(Object.keys(fields)));
    expect(payload).toMatchObject(fields);
  });

  it("carries the sale's numbers, price, payment, code hash and origin", () => {
    const origin = requestOrigin(
      { sub: 'sam-seller', roles: ['seller'] },
      { source: '203.0.113.7', requestId: 'req-7' },
    );
    const entry = soldEntry(paidOrder({ payment_provider: 'stripe', payment_ref: 'pi_1' }), soldAt, origin);
    expect(entry.type).toBe('TICKETS_SOLD');
    expect(entry.payload).toEqual({
      actor: { type: 'user', sub: 'sam-seller', roles: ['seller'] },
      blockId: null,
      channel: 'POS',
      codeHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      currency: 'CAD',
      deviceId: 'pos-01',
      first: 11,
      last: 15,
      orderId: '01935f1e-8a4b-7c3d-9e2f-1a2b3c4d5e6f',
      packageId: 'five',
      payment: { provider: 'stripe', ref: 'pi_1' },
      priceMinor: 2_000,
      raffleId: '8d1f0c2a-3b4e-4f5a-9b6c-7d8e9f0a1b2c',
      requestId: 'req-7',
      sellerId: 'sam-seller',
      soldAt: '2026-12-07T09:00:00.123Z',
      source: '203.0.113.7',
      tickets: 5,
    });
    const bySystem = soldEntry(paidOrder(), soldAt, SYSTEM_ORIGIN).payload;
    expect(JSON.stringify(bySystem)).toBe(canonicalJson(bySystem));
  });
});
