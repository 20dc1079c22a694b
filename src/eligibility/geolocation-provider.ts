import type { EligibilityRefusal, GeolocationExpectation } from './core/eligibility-rules.js';

export const GEOLOCATION_PROVIDERS = ['none', 'jws'] as const;
export type GeolocationProviderName = (typeof GEOLOCATION_PROVIDERS)[number];

/** Where a verified token places the buyer, and what may be journaled about it (nothing personal). */
export interface GeolocationFix {
  region: string;
  /** SHA-256 (hex) of the token's `jti`, or of the whole token when it has none. */
  tokenIdHash: string;
}

/**
 * The geolocation port: a provider-signed statement of where the buyer is. An adapter verifies
 * the signature and the claims; it never calls the provider on the sale path.
 */
export interface GeolocationProvider {
  readonly name: GeolocationProviderName;
  /** Only a provider a regulator certified, behind a verified signature, counts as a check. */
  readonly certified: boolean;
  /** False: online orders need no token (development only). */
  readonly checks: boolean;
  verify(token: string, expected: GeolocationExpectation): Promise<GeolocationFix | EligibilityRefusal>;
}
