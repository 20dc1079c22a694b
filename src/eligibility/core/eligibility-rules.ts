// What an order must attest before it is sold (PLY-2): age per channel and profile, and the facts a
// geolocation token's claims must show. Plain TypeScript, no NestJS; the signature is checked by
// the geolocation adapter before these rules read the claims.

import type { EligibilityRule } from '../../jurisdiction/jurisdiction-profiles.js';
import { ageAt, parseBirthDate } from './age.js';

export type { EligibilityRule };

export type EligibilityCode =
  'AGE_NOT_ATTESTED' | 'UNDERAGE' | 'GEOLOCATION_REQUIRED' | 'GEOLOCATION_OUTSIDE' | 'GEOLOCATION_INVALID';

export interface EligibilityRefusal {
  status: 403 | 422;
  code: EligibilityCode;
  field: 'dateOfBirth' | 'ageChecked' | 'geolocationToken';
  message: string;
}

/** The eligibility members of an order request; none of them is stored or journaled. */
export interface EligibilityInput {
  channel: string;
  dateOfBirth?: string;
  ageChecked?: boolean;
  geolocationToken?: string;
}

function refusal(
  status: 403 | 422,
  code: EligibilityCode,
  field: EligibilityRefusal['field'],
  message: string,
): EligibilityRefusal {
  return { status, code, field, message };
}

/**
 * The age check of an order at `at` (UTC). Online: a date of birth where the profile requires one,
 * and any date of birth given must show the minimum age. In person (POS, cashier): `ageChecked:
 * true` from the seller where the profile requires it.
 */
export function checkAge(
  rule: EligibilityRule,
  input: EligibilityInput,
  at: Date,
): EligibilityRefusal | undefined {
  if (input.channel === 'ONLINE') {
    if (input.dateOfBirth === undefined) {
      return rule.onlineAgeAttestation
        ? refusal(
            422,
            'AGE_NOT_ATTESTED',
            'dateOfBirth',
            `dateOfBirth is required online: buyers must be ${rule.minimumAge} or older`,
          )
        : undefined;
    }
    const birth = parseBirthDate(input.dateOfBirth);
    if (!birth) {
      return refusal(
        422,
        'AGE_NOT_ATTESTED',
        'dateOfBirth',
        'dateOfBirth must be a calendar date YYYY-MM-DD',
      );
    }
    if (ageAt(birth, at) < rule.minimumAge) {
      return refusal(403, 'UNDERAGE', 'dateOfBirth', `buyers must be ${rule.minimumAge} or older`);
    }
    return undefined;
  }
  if (input.ageChecked === false || (rule.inPersonAgeAttestation && input.ageChecked !== true)) {
    return refusal(
      422,
      'AGE_NOT_ATTESTED',
      'ageChecked',
      `ageChecked must be true: the seller confirms the buyer is ${rule.minimumAge} or older`,
    );
  }
  return undefined;
}

/** Whether the order needs a geolocation token (online only, where the profile requires one). */
export function geolocationRequired(
  rule: EligibilityRule,
  input: EligibilityInput,
): EligibilityRefusal | undefined {
  if (
    input.channel !== 'ONLINE' ||
    !rule.onlineGeolocation.required ||
    input.geolocationToken !== undefined
  ) {
    return undefined;
  }
  return refusal(
    422,
    'GEOLOCATION_REQUIRED',
    'geolocationToken',
    `geolocationToken is required online: buyers must be in ${rule.onlineGeolocation.regions.join(' or ')}`,
  );
}

/** The claims of a geolocation token whose signature, issuer and audience were verified. */
export interface GeolocationClaims {
  region?: unknown;
  iat?: unknown;
  exp?: unknown;
  nonce?: unknown;
}

export interface GeolocationExpectation {
  /** Where the raffle is licensed; empty: any region the provider names. */
  regions: readonly string[];
  /** The order's Idempotency-Key, which the provider binds into the token as `nonce`. */
  nonce: string;
  now: Date;
  /** Longest lifetime (exp - iat) accepted, in seconds: with exp checked, iat is at most this old. */
  maxAgeSeconds: number;
  /** Allowed clock difference with the provider, in seconds. */
  clockToleranceSeconds: number;
}

const REGION = /^[A-Z]{2}-[A-Z0-9]{1,3}$/;

/** Checks the claims of a verified token; returns the region it places the buyer in, or a refusal. */
export function checkGeolocationClaims(
  claims: GeolocationClaims,
  expected: GeolocationExpectation,
): { region: string } | EligibilityRefusal {
  const invalid = (why: string) =>
    refusal(422, 'GEOLOCATION_INVALID', 'geolocationToken', `geolocationToken ${why}`);
  const now = Math.floor(expected.now.getTime() / 1000);
  const skew = expected.clockToleranceSeconds;
  if (typeof claims.iat !== 'number' || typeof claims.exp !== 'number')
    return invalid('must carry iat and exp');
  if (claims.exp - claims.iat > expected.maxAgeSeconds) {
    return invalid(`must not be valid for more than ${expected.maxAgeSeconds} seconds`);
  }
  if (claims.iat > now + skew) return invalid('is issued in the future');
  if (claims.exp <= now - skew) return invalid('has expired');
  if (claims.nonce !== expected.nonce) return invalid("must carry the order's Idempotency-Key as nonce");
  if (typeof claims.region !== 'string' || !REGION.test(claims.region)) {
    return invalid('must carry region as an ISO 3166-2 code such as CA-ON');
  }
  if (expected.regions.length > 0 && !expected.regions.includes(claims.region)) {
    return refusal(
      403,
      'GEOLOCATION_OUTSIDE',
      'geolocationToken',
      `buyers must be in ${expected.regions.join(' or ')} when buying; the token places them in ${claims.region}`,
    );
  }
  return { region: claims.region };
}

export function isRefusal(value: object): value is EligibilityRefusal {
  return 'code' in value;
}
