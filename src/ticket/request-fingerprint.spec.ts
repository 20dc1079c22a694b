import fc from 'fast-check';
import { buyerKey, IDEMPOTENCY_KEY, orderFingerprint, requestFingerprint } from './request-fingerprint.js';

describe('request fingerprints', () => {
  it('ignores key order but not values, callers or raffles', () => {
    const a = requestFingerprint('r1', 'seller-1', { packageId: 'one', channel: 'POS' });
    expect(requestFingerprint('r1', 'seller-1', { channel: 'POS', packageId: 'one' })).toBe(a);
    expect(requestFingerprint('r1', 'seller-1', { channel: 'POS', packageId: 'five' })).not.toBe(a);
    expect(requestFingerprint('r1', 'seller-2', { packageId: 'one', channel: 'POS' })).not.toBe(a);
    expect(requestFingerprint('r2', 'seller-1', { packageId: 'one', channel: 'POS' })).not.toBe(a);
    expect(
      requestFingerprint('r1', 'seller-1', { packageId: 'one', channel: 'POS', deviceId: undefined }),
    ).toBe(a);
  });

  it('fingerprints an order request exactly as the generic canonical form does (keys recorded before still match)', () => {
    const text = fc.string({ unit: 'binary', maxLength: 40 });
    const request = fc.record(
      {
        packageId: text,
        channel: text,
        paymentMethod: text,
        deviceId: fc.option(text, { nil: undefined }),
        buyerReference: fc.option(text, { nil: undefined }),
      },
      { requiredKeys: ['packageId', 'channel', 'paymentMethod'] },
    );
    fc.assert(
      fc.property(text, text, request, (raffleId, caller, body) => {
        expect(orderFingerprint(raffleId, caller, body)).toBe(requestFingerprint(raffleId, caller, body));
      }),
      { numRuns: 2_000 },
    );
    // A member the fast path does not know, or a value that is not a string, takes the generic path.
    const odd: Record<string, string> = {
      packageId: 'one',
      channel: 'POS',
      paymentMethod: 'cash',
      extra: 'x',
    };
    expect(orderFingerprint('r1', 's', odd)).toBe(requestFingerprint('r1', 's', odd));
    expect(orderFingerprint('r1', 's', odd)).not.toBe(
      orderFingerprint('r1', 's', { packageId: 'one', channel: 'POS', paymentMethod: 'cash' }),
    );
    const numeric = {
      packageId: 'one',
      channel: 'POS',
      paymentMethod: 'cash',
      deviceId: 7 as unknown as string,
    };
    expect(orderFingerprint('r1', 's', numeric)).toBe(requestFingerprint('r1', 's', numeric));
  });

  it('hashes buyer references per raffle, case-insensitively', () => {
    expect(buyerKey('r1', 'Pat@Example.org ')).toBe(buyerKey('r1', 'pat@example.org'));
    expect(buyerKey('r2', 'pat@example.org')).not.toBe(buyerKey('r1', 'pat@example.org'));
    expect(buyerKey('r1', 'x')).toMatch(/^[0-9a-f]{64}$/);
  });

  it('accepts visible ASCII keys up to 255 characters', () => {
    expect(IDEMPOTENCY_KEY.test('3f0b8a4e-7d7e-4f5e-9a55-3c2f1d0e9b11')).toBe(true);
    expect(IDEMPOTENCY_KEY.test('')).toBe(false);
    expect(IDEMPOTENCY_KEY.test('has space')).toBe(false);
    expect(IDEMPOTENCY_KEY.test('x'.repeat(256))).toBe(false);
  });
});
