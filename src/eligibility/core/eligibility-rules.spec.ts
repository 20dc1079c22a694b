import { jurisdictionProfile } from '../../jurisdiction/jurisdiction-profiles.js';
import {
  checkAge,
  checkGeolocationClaims,
  geolocationRequired,
  type GeolocationExpectation,
} from './eligibility-rules.js';

const ontario = jurisdictionProfile('ON-AGCO').eligibility.value;
const generic = jurisdictionProfile('GLI31-DEFAULT').eligibility.value;
const saleAt = new Date('2026-12-06T23:00:00Z');

describe('age attestation by channel and profile', () => {
  it('requires a date of birth online in Ontario, refusing its absence (422) and an underage buyer (403)', () => {
    expect(checkAge(ontario, { channel: 'ONLINE' }, saleAt)).toMatchObject({
      status: 422,
      code: 'AGE_NOT_ATTESTED',
      field: 'dateOfBirth',
    });
    expect(checkAge(ontario, { channel: 'ONLINE', dateOfBirth: '2008-12-07' }, saleAt)).toMatchObject({
      status: 403,
      code: 'UNDERAGE',
      field: 'dateOfBirth',
    });
    expect(checkAge(ontario, { channel: 'ONLINE', dateOfBirth: '2008-12-06' }, saleAt)).toBeUndefined();
    expect(checkAge(ontario, { channel: 'ONLINE', dateOfBirth: '2008-02-30' }, saleAt)).toMatchObject({
      code: 'AGE_NOT_ATTESTED',
    });
  });

  it('requires the seller to attest the age in person in Ontario, not in the generic default', () => {
    for (const channel of ['POS', 'CASHIER']) {
      expect(checkAge(ontario, { channel }, saleAt)).toMatchObject({
        code: 'AGE_NOT_ATTESTED',
        field: 'ageChecked',
      });
      expect(checkAge(ontario, { channel, ageChecked: true }, saleAt)).toBeUndefined();
      expect(checkAge(generic, { channel }, saleAt)).toBeUndefined();
      // A seller who says they did not check is refused everywhere.
      expect(checkAge(generic, { channel, ageChecked: false }, saleAt)).toMatchObject({
        code: 'AGE_NOT_ATTESTED',
      });
    }
  });

  it('needs nothing online in the generic default, but still refuses a date of birth under 18', () => {
    expect(checkAge(generic, { channel: 'ONLINE' }, saleAt)).toBeUndefined();
    expect(checkAge(generic, { channel: 'ONLINE', dateOfBirth: '2010-01-01' }, saleAt)).toMatchObject({
      code: 'UNDERAGE',
    });
  });

  it('asks for a geolocation token online where the profile requires one', () => {
    expect(geolocationRequired(ontario, { channel: 'ONLINE' })).toMatchObject({
      status: 422,
      code: 'GEOLOCATION_REQUIRED',
      field: 'geolocationToken',
    });
    expect(geolocationRequired(ontario, { channel: 'ONLINE', geolocationToken: 'x' })).toBeUndefined();
    expect(geolocationRequired(ontario, { channel: 'POS' })).toBeUndefined();
    expect(geolocationRequired(generic, { channel: 'ONLINE' })).toBeUndefined();
  });
});

describe('geolocation token claims', () => {
  const now = new Date('2026-12-06T23:00:00Z');
  const t = now.getTime() / 1000;
  const expected: GeolocationExpectation = {
    regions: ['CA-ON'],
    nonce: 'key-1',
    now,
    maxAgeSeconds: 300,
    clockToleranceSeconds: 30,
  };
  const good = { region: 'CA-ON', iat: t - 10, exp: t + 120, nonce: 'key-1' };

  it('accepts a fresh token for the licensing region bound to the order', () => {
    expect(checkGeolocationClaims(good, expected)).toEqual({ region: 'CA-ON' });
  });

  it('refuses another region with 403 GEOLOCATION_OUTSIDE', () => {
    expect(checkGeolocationClaims({ ...good, region: 'CA-QC' }, expected)).toMatchObject({
      status: 403,
      code: 'GEOLOCATION_OUTSIDE',
      field: 'geolocationToken',
    });
  });

  it.each([
    ['expired', { exp: t - 31 }],
    ['issued in the future', { iat: t + 31, exp: t + 200 }],
    ['too long-lived', { iat: t - 10, exp: t + 3600 }],
    ['bound to another order', { nonce: 'key-2' }],
    ['without a nonce', { nonce: undefined }],
    ['without iat', { iat: undefined }],
    ['without a region', { region: undefined }],
    ['with a malformed region', { region: 'Ontario' }],
  ])('refuses a token %s with 422 GEOLOCATION_INVALID', (_, change) => {
    expect(checkGeolocationClaims({ ...good, ...change }, expected)).toMatchObject({
      status: 422,
      code: 'GEOLOCATION_INVALID',
    });
  });

  it('accepts a token within the clock tolerance', () => {
    expect(checkGeolocationClaims({ ...good, iat: t + 20, exp: t + 200 }, expected)).toEqual({
      region: 'CA-ON',
    });
    expect(checkGeolocationClaims({ ...good, exp: t - 20 }, expected)).toEqual({ region: 'CA-ON' });
  });
});
