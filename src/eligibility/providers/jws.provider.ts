import { createHash, createPublicKey, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import {
  checkGeolocationClaims,
  isRefusal,
  type EligibilityRefusal,
  type GeolocationExpectation,
} from '../core/eligibility-rules.js';
import type { GeolocationFix, GeolocationProvider } from '../geolocation-provider.js';

/** Asymmetric algorithms only: a shared secret would let the service mint its own locations. */
const ALGORITHMS = ['ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519', 'RS256', 'PS256'];

export interface JwsGeolocationSettings {
  /** The provider's JWKS URL, or its public key in PEM (SPKI). */
  jwksUrl?: string;
  publicKeyPem?: string;
  issuer: string;
  /** This service, as the provider names it in `aud`. */
  audience: string;
  /** Whether a regulator certified this provider (declared by configuration, logged at start). */
  certified: boolean;
}

/**
 * A geolocation provider that signs its fix as a compact JWS (a JWT): verified with jose against
 * the provider's key, then the claims are checked (src/eligibility/core): region, iat/exp within
 * minutes, `nonce` = the order's Idempotency-Key, `aud` = this service, `iss` = the provider.
 */
export class JwsGeolocationProvider implements GeolocationProvider {
  readonly name = 'jws' as const;
  readonly checks = true;
  readonly certified: boolean;
  private readonly key: KeyObject | JWTVerifyGetKey;

  constructor(private readonly settings: JwsGeolocationSettings) {
    this.certified = settings.certified;
    if (settings.publicKeyPem !== undefined) this.key = createPublicKey(settings.publicKeyPem);
    else if (settings.jwksUrl !== undefined) this.key = createRemoteJWKSet(new URL(settings.jwksUrl));
    else throw new Error('the jws geolocation provider needs a JWKS URL or a public key');
  }

  async verify(
    token: string,
    expected: GeolocationExpectation,
  ): Promise<GeolocationFix | EligibilityRefusal> {
    let payload;
    try {
      // Lifetime and nonce are checked by checkGeolocationClaims, with the same clock.
      ({ payload } = await jwtVerify(token, this.key as KeyObject, {
        issuer: this.settings.issuer,
        audience: this.settings.audience,
        algorithms: ALGORITHMS,
        currentDate: expected.now,
        clockTolerance: expected.clockToleranceSeconds,
        requiredClaims: ['iat', 'exp'],
      }));
    } catch (error) {
      // A JWKS that cannot be read is the provider's outage (503), not the buyer's bad token.
      // jose reports a non-200 or unparsable JWKS response as a plain JOSEError (ERR_JOSE_GENERIC).
      const unavailable =
        error instanceof errors.JWKSTimeout ||
        error instanceof errors.JWKSInvalid ||
        (error instanceof errors.JOSEError && error.code === 'ERR_JOSE_GENERIC');
      if (error instanceof errors.JOSEError && !unavailable) {
        return {
          status: 422,
          code: 'GEOLOCATION_INVALID',
          field: 'geolocationToken',
          message: `geolocationToken is not a valid token of the geolocation provider (${error.code})`,
        };
      }
      throw error;
    }
    const checked = checkGeolocationClaims(payload, expected);
    if (isRefusal(checked)) return checked;
    const id = typeof payload.jti === 'string' ? payload.jti : token;
    return { region: checked.region, tokenIdHash: createHash('sha256').update(id).digest('hex') };
  }
}
