import type { Principal } from './roles.js';
import { VerifiedTokens } from './verified-tokens.js';

const principal = (expiresAt?: string): Principal => ({
  sub: 'pos-7',
  roles: ['seller'],
  issuer: 'fairdraw-local',
  token: { id: 'jti-1', ...(expiresAt ? { expiresAt } : {}) },
});

describe('verified tokens', () => {
  const now = Date.parse('2026-12-24T18:00:00Z');

  it('remembers a verified token under its exact header for at most the TTL', () => {
    const tokens = new VerifiedTokens(60_000);
    tokens.remember('Bearer a.b.c', principal('2026-12-24T19:00:00Z'), now);
    expect(tokens.get('Bearer a.b.c', now + 59_999)).toEqual(principal('2026-12-24T19:00:00Z'));
    expect(tokens.get('Bearer a.b.C', now)).toBeUndefined();
    expect(tokens.get('Bearer a.b.c', now + 60_000)).toBeUndefined();
  });

  it('never outlives the token itself', () => {
    const tokens = new VerifiedTokens(60_000);
    tokens.remember('Bearer short', principal('2026-12-24T18:00:10Z'), now);
    expect(tokens.get('Bearer short', now + 9_999)).toBeDefined();
    expect(tokens.get('Bearer short', now + 10_000)).toBeUndefined();
    tokens.remember('Bearer expired', principal('2026-12-24T17:59:59Z'), now);
    expect(tokens.get('Bearer expired', now)).toBeUndefined();
  });

  it('is bounded, oldest out, and ignores a missing header', () => {
    const tokens = new VerifiedTokens(60_000, 2);
    tokens.remember('Bearer 1', principal(), now);
    tokens.remember('Bearer 2', principal(), now);
    tokens.remember('Bearer 3', principal(), now);
    expect(tokens.get('Bearer 1', now)).toBeUndefined();
    expect(tokens.get('Bearer 3', now)).toBeDefined();
    tokens.remember(undefined, principal(), now);
    expect(tokens.get(undefined, now)).toBeUndefined();
  });
});
