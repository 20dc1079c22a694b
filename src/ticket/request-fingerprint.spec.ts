import { buyerKey, IDEMPOTENCY_KEY, requestFingerprint } from './request-fingerprint.js';

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
