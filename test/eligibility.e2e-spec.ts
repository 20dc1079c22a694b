import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, exportSPKI, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { idempotencyKey } from './support/factories.js';
import { journal, types } from './support/journal.js';
import { openRaffle, order, posCash, summary, type Headers } from './support/sales.js';

const ISSUER = 'https://geo.provider.test';
const BIRTH_UNDERAGE = '2011-03-14';
const BIRTH_ADULT = '1984-07-02';

/** A token of the test geolocation provider, as its SDK would hand it to the buyer's browser. */
async function geoToken(
  key: CryptoKey,
  claims: { region?: string; nonce?: string; aud?: string; iss?: string; iat?: number; exp?: number },
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = {};
  if (claims.region !== undefined) payload.region = claims.region;
  if (claims.nonce !== undefined) payload.nonce = claims.nonce;
  return new SignJWT(payload)
    .setProtectedHeader({ alg: 'ES256', kid: 'geo-1' })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? 'fairdraw')
    .setIssuedAt(claims.iat ?? now - 5)
    .setExpirationTime(claims.exp ?? now + 120)
    .setJti(randomUUID())
    .sign(key);
}

const online = { packageId: 'one', channel: 'ONLINE', paymentMethod: 'test' };

describe('buyer eligibility (PLY-2) on pglite, geolocation by a jws provider', () => {
  let t: TestApp;
  let admin: Headers;
  let seller: Headers;
  let auditor: Headers;
  let provider: CryptoKey;
  let stranger: CryptoKey;
  let jwks: Server;

  beforeAll(async () => {
    const pair = await generateKeyPair('ES256');
    provider = pair.privateKey;
    stranger = (await generateKeyPair('ES256')).privateKey;
    // The provider publishes its keys as a JWKS: the adapter reads them over HTTP, as in production.
    const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'geo-1', alg: 'ES256', use: 'sig' };
    jwks = createServer((_, response) => {
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({ keys: [jwk] }));
    });
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    t = await startTestApp({
      engine: 'pglite',
      env: {
        GEOLOCATION_PROVIDER: 'jws',
        GEOLOCATION_JWKS_URL: `http://127.0.0.1:${port}/.well-known/jwks.json`,
        GEOLOCATION_ISSUER: ISSUER,
      },
    });
    admin = bearer(await t.token(['admin'], 'alice-admin'));
    seller = bearer(await t.token(['seller'], 'sam-seller'));
    auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
  });
  afterAll(async () => {
    await t?.close();
    await new Promise((resolve) => jwks?.close(resolve));
  });

  it('sells online in Ontario to an adult whose token places them in Ontario, and replays a retry', async () => {
    const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
    const key = idempotencyKey();
    const body = {
      ...online,
      dateOfBirth: BIRTH_ADULT,
      geolocationToken: await geoToken(provider, { region: 'CA-ON', nonce: key }),
    };
    const sold = await order(t, raffle.id, seller, body, key);
    expect(sold.statusCode).toBe(201);
    expect(sold.json()).toMatchObject({ status: 'PAID', channel: 'ONLINE', tickets: 1 });
    // A retry with a fresh token for the same key is the same order, not a second sale.
    const retry = await order(
      t,
      raffle.id,
      seller,
      { ...body, geolocationToken: await geoToken(provider, { region: 'CA-ON', nonce: key }) },
      key,
    );
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBe('true');
    expect(retry.json().orderId).toBe(sold.json().orderId);
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({ sold: 1 });

    // Neither the date of birth nor the token is journaled or stored with the sale.
    const entries = await journal(t, `raffle/${raffle.id}`);
    expect(JSON.stringify(entries)).not.toContain(BIRTH_ADULT);
    expect(JSON.stringify(entries)).not.toContain(body.geolocationToken.split('.')[1]);
    const read = await t.app.inject({
      method: 'GET',
      url: `/v1/orders/${sold.json().orderId}`,
      headers: seller,
    });
    expect(read.body).not.toContain(BIRTH_ADULT);
  });

  it('refuses online buyers naming the field, sells nothing and journals SALE_DENIED without the birth date', async () => {
    const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
    const refusal = async (
      body: (key: string) => Promise<object>,
      status: number,
      code: string,
      field: string,
    ) => {
      const key = idempotencyKey();
      const response = await order(t, raffle.id, seller, await body(key), key);
      expect({ status: response.statusCode, code: response.json().code }).toEqual({ status, code });
      expect(response.json().fields).toEqual([{ field, messages: [expect.any(String)] }]);
    };
    const token = (claims: Parameters<typeof geoToken>[1], key = provider) => geoToken(key, claims);

    await refusal(async () => ({ ...online }), 422, 'AGE_NOT_ATTESTED', 'dateOfBirth');
    await refusal(
      async (key) => ({
        ...online,
        dateOfBirth: BIRTH_UNDERAGE,
        geolocationToken: await token({ region: 'CA-ON', nonce: key }),
      }),
      403,
      'UNDERAGE',
      'dateOfBirth',
    );
    await refusal(
      async () => ({ ...online, dateOfBirth: BIRTH_ADULT }),
      422,
      'GEOLOCATION_REQUIRED',
      'geolocationToken',
    );
    const invalid: Array<[string, (key: string) => Promise<string>]> = [
      ['bad signature', (key) => token({ region: 'CA-ON', nonce: key }, stranger)],
      [
        'expired',
        (key) =>
          token({
            region: 'CA-ON',
            nonce: key,
            iat: Math.floor(Date.now() / 1000) - 200,
            exp: Math.floor(Date.now() / 1000) - 60,
          }),
      ],
      [
        'too long-lived',
        (key) => token({ region: 'CA-ON', nonce: key, exp: Math.floor(Date.now() / 1000) + 3_600 }),
      ],
      ['bound to another order', () => token({ region: 'CA-ON', nonce: idempotencyKey() })],
      ['for another service', (key) => token({ region: 'CA-ON', nonce: key, aud: 'someone-else' })],
      ['from another issuer', (key) => token({ region: 'CA-ON', nonce: key, iss: 'https://evil.test' })],
      ['without a region', (key) => token({ nonce: key })],
    ];
    for (const [, make] of invalid) {
      await refusal(
        async (key) => ({ ...online, dateOfBirth: BIRTH_ADULT, geolocationToken: await make(key) }),
        422,
        'GEOLOCATION_INVALID',
        'geolocationToken',
      );
    }
    await refusal(
      async (key) => ({
        ...online,
        dateOfBirth: BIRTH_ADULT,
        geolocationToken: await token({ region: 'CA-QC', nonce: key }),
      }),
      403,
      'GEOLOCATION_OUTSIDE',
      'geolocationToken',
    );
    // In person in Ontario the seller attests the age; without it, or with false, nothing is sold.
    const { ageChecked: _, ...unchecked } = posCash;
    await refusal(async () => unchecked, 422, 'AGE_NOT_ATTESTED', 'ageChecked');
    await refusal(async () => ({ ...posCash, ageChecked: false }), 422, 'AGE_NOT_ATTESTED', 'ageChecked');

    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({ issued: 0, sold: 0 });
    const entries = await journal(t, `raffle/${raffle.id}`);
    const denied = entries.filter((entry) => entry.type === 'SALE_DENIED');
    expect(denied).toHaveLength(3 + invalid.length + 1 + 2);
    expect(types(entries)).not.toContain('TICKETS_SOLD');
    expect(denied[1].payload).toMatchObject({
      outcome: 'denied',
      component: 'eligibility',
      actor: { type: 'user', sub: 'sam-seller' },
      details: {
        raffleId: raffle.id,
        jurisdiction: 'ON-AGCO',
        channel: 'ONLINE',
        code: 'UNDERAGE',
        field: 'dateOfBirth',
        minimumAge: 18,
        geolocationProvider: 'jws',
        geolocationCertified: false,
      },
    });
    expect(JSON.stringify(entries)).not.toContain(BIRTH_UNDERAGE);
    expect(JSON.stringify(entries)).not.toContain(BIRTH_ADULT);

    // The reports read past the refusals: no sale in the summary, each refusal a security event.
    const report = await t.app.inject({
      method: 'GET',
      url: `/v1/reports/raffles/${raffle.id}/summary`,
      headers: auditor,
    });
    expect(report.statusCode).toBe(200);
    expect(report.json().totals.sales).toMatchObject({ orders: 0, tickets: 0, amountMinor: 0 });
    const events = await t.app.inject({
      method: 'GET',
      url: `/v1/reports/significant-events?categories=security&raffleId=${raffle.id}`,
      headers: auditor,
    });
    expect(events.statusCode).toBe(200);
    const rows = events.json().sections[0].rows as Array<{ type: string; outcome: string; actor: string }>;
    expect(rows.filter((row) => row.type === 'SALE_DENIED')).toHaveLength(denied.length);
    expect(rows.find((row) => row.type === 'SALE_DENIED')).toMatchObject({
      outcome: 'denied',
      actor: 'user:sam-seller',
    });
  });

  it('refuses a malformed birth date or token as a 400 naming the field', async () => {
    const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
    for (const [body, field] of [
      [{ ...online, dateOfBirth: '02/07/1984' }, 'dateOfBirth'],
      [{ ...posCash, ageChecked: 'yes' }, 'ageChecked'],
      [{ ...online, dateOfBirth: BIRTH_ADULT, geolocationToken: 'short' }, 'geolocationToken'],
    ] as const) {
      const response = await order(t, raffle.id, seller, body);
      expect(response.statusCode).toBe(400);
      expect(response.json().fields.map((f: { field: string }) => f.field)).toEqual([field]);
    }
    expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({ sold: 0 });
  });

  it('requires nothing new in the generic default profile, but still refuses a date of birth under 18', async () => {
    const raffle = await openRaffle(t, admin);
    const { ageChecked: _, ...unchecked } = posCash;
    expect((await order(t, raffle.id, seller, unchecked)).statusCode).toBe(201);
    expect((await order(t, raffle.id, seller, online)).statusCode).toBe(201);
    const under = await order(t, raffle.id, seller, { ...online, dateOfBirth: BIRTH_UNDERAGE });
    expect(under.statusCode).toBe(403);
    expect(under.json().code).toBe('UNDERAGE');
  });

  it('places Washington buyers by the Washington region, not the Ontario one', async () => {
    const raffle = await openRaffle(t, admin, {
      jurisdiction: 'WA-GCC',
      licensee: { name: 'Evergreen Hospital Foundation', contact: '+1 360 555 0100' },
      rulesUrl: 'https://example.org/rules',
      claimDeadlineDays: 30,
    });
    const attempt = async (region: string) => {
      const key = idempotencyKey();
      const body = {
        ...online,
        dateOfBirth: BIRTH_ADULT,
        geolocationToken: await geoToken(provider, { region, nonce: key }),
      };
      return order(t, raffle.id, seller, body, key);
    };
    expect((await attempt('CA-ON')).json().code).toBe('GEOLOCATION_OUTSIDE');
    expect((await attempt('US-WA')).statusCode).toBe(201);
  });

  it('shows the eligibility rule in the public profile', async () => {
    const profile = await t.app.inject({ method: 'GET', url: '/v1/jurisdictions/ON-AGCO' });
    expect(profile.json().eligibility.value).toEqual({
      minimumAge: 18,
      inPersonAgeAttestation: true,
      onlineAgeAttestation: true,
      onlineGeolocation: { required: true, regions: ['CA-ON'] },
    });
  });
});

describe('buyer eligibility with the development geolocation provider (none) and a PEM key setting', () => {
  it('none: sells online in Ontario to an adult without a token, still checking the age', async () => {
    const t = await startTestApp({ engine: 'pglite' });
    try {
      const admin = bearer(await t.token(['admin'], 'alice-admin'));
      const seller = bearer(await t.token(['seller'], 'sam-seller'));
      const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
      expect((await order(t, raffle.id, seller, { ...online, dateOfBirth: BIRTH_ADULT })).statusCode).toBe(
        201,
      );
      expect((await order(t, raffle.id, seller, online)).json().code).toBe('AGE_NOT_ATTESTED');
    } finally {
      await t.close();
    }
  });

  it("jws: answers 503 GEOLOCATION_PROVIDER_UNAVAILABLE while the provider's JWKS fails, selling nothing", async () => {
    const down = createServer((_, response) => {
      response.statusCode = 500;
      response.end('unavailable');
    });
    await new Promise<void>((resolve) => down.listen(0, '127.0.0.1', resolve));
    const { port } = down.address() as AddressInfo;
    const t = await startTestApp({
      engine: 'pglite',
      env: {
        GEOLOCATION_PROVIDER: 'jws',
        GEOLOCATION_JWKS_URL: `http://127.0.0.1:${port}/jwks.json`,
        GEOLOCATION_ISSUER: ISSUER,
      },
    });
    try {
      const admin = bearer(await t.token(['admin'], 'alice-admin'));
      const seller = bearer(await t.token(['seller'], 'sam-seller'));
      const auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
      const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
      const key = idempotencyKey();
      const signer = (await generateKeyPair('ES256')).privateKey;
      const geolocationToken = await geoToken(signer, { region: 'CA-ON', nonce: key });
      const response = await order(
        t,
        raffle.id,
        seller,
        { ...online, dateOfBirth: BIRTH_ADULT, geolocationToken },
        key,
      );
      expect(response.statusCode).toBe(503);
      expect(response.json().code).toBe('GEOLOCATION_PROVIDER_UNAVAILABLE');
      expect((await summary(t, raffle.id, auditor)).numbers).toMatchObject({ issued: 0, sold: 0 });
    } finally {
      await t.close();
      await new Promise((resolve) => down.close(resolve));
    }
  });

  it('jws with GEOLOCATION_PUBLIC_KEY: verifies against the PEM key', async () => {
    const pair = await generateKeyPair('ES256');
    const t = await startTestApp({
      engine: 'pglite',
      env: {
        GEOLOCATION_PROVIDER: 'jws',
        GEOLOCATION_PUBLIC_KEY: await exportSPKI(pair.publicKey),
        GEOLOCATION_ISSUER: ISSUER,
        GEOLOCATION_AUDIENCE: 'fairdraw-ontario',
      },
    });
    try {
      const admin = bearer(await t.token(['admin'], 'alice-admin'));
      const seller = bearer(await t.token(['seller'], 'sam-seller'));
      const raffle = await openRaffle(t, admin, { jurisdiction: 'ON-AGCO' });
      const attempt = async (aud: string) => {
        const key = idempotencyKey();
        const geolocationToken = await geoToken(pair.privateKey, { region: 'CA-ON', nonce: key, aud });
        return order(t, raffle.id, seller, { ...online, dateOfBirth: BIRTH_ADULT, geolocationToken }, key);
      };
      expect((await attempt('fairdraw')).json().code).toBe('GEOLOCATION_INVALID');
      expect((await attempt('fairdraw-ontario')).statusCode).toBe(201);
    } finally {
      await t.close();
    }
  });
});
