import type { Principal } from './roles.js';

/**
 * Bearer tokens that have been verified, remembered briefly so that a client sending many requests
 * with one token (a point-of-sale device, the online storefront at peak) pays for passport and the
 * signature check once instead of on every request. Only a token that verified is remembered,
 * under its exact Authorization header, never past its own `exp` and never longer than `ttlMs`
 * (the JWKS keys themselves are trusted from a ten-minute cache); the map is bounded, oldest out.
 */
export class VerifiedTokens {
  private readonly entries = new Map<string, { principal: Principal; until: number }>();

  constructor(
    private readonly ttlMs = 60_000,
    private readonly capacity = 10_000,
  ) {}

  get(authorization: unknown, now = Date.now()): Principal | undefined {
    if (typeof authorization !== 'string') return undefined;
    const entry = this.entries.get(authorization);
    if (!entry) return undefined;
    if (entry.until <= now) {
      this.entries.delete(authorization);
      return undefined;
    }
    return entry.principal;
  }

  remember(authorization: unknown, principal: Principal, now = Date.now()): void {
    if (typeof authorization !== 'string') return;
    const expires = principal.token?.expiresAt ? Date.parse(principal.token.expiresAt) : Number.NaN;
    const until = Math.min(now + this.ttlMs, Number.isFinite(expires) ? expires : Number.POSITIVE_INFINITY);
    if (until <= now) return;
    if (!this.entries.has(authorization) && this.entries.size >= this.capacity) {
      this.entries.delete(this.entries.keys().next().value as string);
    }
    this.entries.set(authorization, { principal, until });
  }
}
