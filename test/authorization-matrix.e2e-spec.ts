import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';
import { LOCAL_AUDIENCE, LOCAL_ISSUER } from '../src/auth/local-signing-key.js';
import { ROLES, type Role } from '../src/auth/roles.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { createCognitoIssuer, type TestIssuer } from './support/cognito.js';
import { startMoto, type MotoServer } from './support/moto.js';

type Access = { public: true } | { roles: Role[] };
interface Route {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  url: string;
  access: Access;
}

/** Every operation of the OpenAPI document with its declared access, path parameters filled in. */
async function routesOf(t: TestApp): Promise<Route[]> {
  const document = (await t.app.inject({ method: 'GET', url: '/docs-json' })).json() as {
    paths: Record<string, Record<string, { 'x-fairdraw-access'?: Access }>>;
  };
  return Object.entries(document.paths).flatMap(([path, item]) =>
    Object.entries(item)
      .filter(([method]) => ['get', 'post', 'put', 'patch', 'delete'].includes(method))
      .map(([method, operation]) => {
        const access = operation['x-fairdraw-access'];
        if (!access) throw new Error(`${method.toUpperCase()} ${path} documents no access declaration`);
        return {
          method: method.toUpperCase() as Route['method'],
          path,
          url: path.replace(/\{[^}]+\}/g, '00000000-0000-4000-8000-000000000000'),
          access,
        };
      }),
  );
}

describe('the authorization matrix: every route × every role × no token', () => {
  let t: TestApp;
  let routes: Route[];
  const tokens = new Map<Role, string>();

  beforeAll(async () => {
    t = await startTestApp({
      engine: 'pglite',
      env: { ANCHOR_INTERVAL_SECONDS: '0', RATE_LIMIT_PER_MINUTE: '100000' },
    });
    routes = await routesOf(t);
    for (const role of ROLES) tokens.set(role, await t.token([role], `${role}-user`));
  });
  afterAll(async () => t?.close());

  it('covers the routes every module declares', () => {
    expect(routes.length).toBeGreaterThanOrEqual(10);
    expect(routes.map((r) => `${r.method} ${r.path}`)).toEqual(
      expect.arrayContaining([
        'GET /health/ready',
        'GET /metrics',
        'GET /v1/ledger/digest',
        'POST /v1/ledger/anchor',
      ]),
    );
  });

  it('gives every route the documented outcome for each caller', async () => {
    const failures: string[] = [];
    for (const route of routes) {
      const callers: Array<[string, Record<string, string>]> = [
        ['no token', {}],
        ...ROLES.map((role): [string, Record<string, string>] => [role, bearer(tokens.get(role)!)]),
      ];
      for (const [caller, headers] of callers) {
        const response = await t.app.inject({
          method: route.method,
          url: route.url,
          headers: { ...headers, 'content-type': 'application/json', 'idempotency-key': `matrix-${caller}` },
          payload: route.method === 'GET' || route.method === 'DELETE' ? undefined : '{}',
        });
        const status = response.statusCode;
        const expected =
          'public' in route.access
            ? 'not 401/403'
            : caller === 'no token'
              ? '401'
              : route.access.roles.includes(caller as Role)
                ? 'not 401/403'
                : '403';
        const ok =
          expected === 'not 401/403' ? status !== 401 && status !== 403 : status === Number(expected);
        if (!ok)
          failures.push(`${route.method} ${route.path} as ${caller}: expected ${expected}, got ${status}`);
        if (status >= 500)
          failures.push(`${route.method} ${route.path} as ${caller}: ${status} ${response.body}`);
        if (status >= 400) {
          const body = response.json() as Record<string, unknown>;
          if (typeof body.code !== 'string' || body.status !== status) {
            failures.push(`${route.method} ${route.path} as ${caller}: error not in the documented shape`);
          }
        }
      }
    }
    expect(failures).toEqual([]);
  });
});

describe('tokens the service must refuse', () => {
  let t: TestApp;
  let privateJwk: JWK;

  beforeAll(async () => {
    t = await startTestApp({ engine: 'pglite', env: { ANCHOR_INTERVAL_SECONDS: '0' } });
    await t.token(['admin']);
    privateJwk = JSON.parse(readFileSync(join(t.dataDir, 'auth', 'local-signing-key.json'), 'utf8')) as JWK;
  });
  afterAll(async () => t?.close());

  async function signed(
    claims: Record<string, unknown>,
    key: JWK = privateJwk,
    alg = 'ES256',
  ): Promise<string> {
    const jwt = new SignJWT({ roles: ['admin'], ...claims })
      .setProtectedHeader({ alg, kid: key.kid, typ: 'JWT' })
      .setSubject('mallory')
      .setIssuedAt();
    if (!('iss' in claims)) jwt.setIssuer(LOCAL_ISSUER);
    if (!('aud' in claims)) jwt.setAudience(LOCAL_AUDIENCE);
    if (!('exp' in claims)) jwt.setExpirationTime('5m');
    return jwt.sign(await importJWK(key, alg));
  }

  const call = (token: string) =>
    t.app.inject({ method: 'GET', url: '/v1/ledger/digest', headers: bearer(token) });

  it('accepts a well-formed token, as the baseline of the cases below', async () => {
    expect((await call(await signed({}))).statusCode).toBe(200);
  });

  it.each([
    ['a bad signature', async (s: typeof signed) => (await s({})).replace(/.{8}$/, 'AAAAAAAA')],
    ['the wrong issuer', (s: typeof signed) => s({ iss: 'https://evil.example' })],
    ['the wrong audience', (s: typeof signed) => s({ aud: 'someone-else' })],
    ['an expiry in the past', (s: typeof signed) => s({ exp: Math.floor(Date.now() / 1000) - 60 })],
    [
      'alg none',
      async () => {
        const header = Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url');
        const body = Buffer.from(
          JSON.stringify({
            sub: 'mallory',
            roles: ['admin'],
            iss: LOCAL_ISSUER,
            aud: LOCAL_AUDIENCE,
            exp: 4102444800,
          }),
        ).toString('base64url');
        return `${header}.${body}.`;
      },
    ],
    [
      'a key the service does not trust',
      async (s: typeof signed) => {
        const { privateKey } = await generateKeyPair('ES256', { extractable: true });
        const { exportJWK } = await import('jose');
        return s({}, { ...(await exportJWK(privateKey)), kid: privateJwk.kid });
      },
    ],
  ])('refuses a token with %s', async (_, make) => {
    const response = await call(await make(signed));
    expect(response.statusCode).toBe(401);
    expect(response.json().code).toBe('UNAUTHENTICATED');
  });
});

describe('tokens signed by a key that is not in the issuer JWKS', () => {
  let moto: MotoServer;
  let t: TestApp;
  let issuer: TestIssuer;
  beforeAll(async () => {
    moto = await startMoto();
    issuer = await createCognitoIssuer(moto);
    t = await startTestApp({
      engine: 'pglite',
      env: {
        AUTH_JWKS_URL: issuer.jwksUrl,
        AUTH_ISSUER: issuer.issuer,
        AUTH_AUDIENCE: issuer.audience,
        ANCHOR_INTERVAL_SECONDS: '0',
      },
    });
    const good = await issuer.idToken('auditor-good', ['auditor']);
    expect(
      (await t.app.inject({ method: 'GET', url: '/v1/ledger/digest', headers: bearer(good) })).statusCode,
    ).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await moto?.stop();
  });

  it('refuses them, whether the key id is unknown or reused', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    for (const kid of ['not-in-jwks', 'dummy']) {
      const forged = await new SignJWT({ 'cognito:groups': ['admin'] })
        .setProtectedHeader({ alg: 'RS256', kid })
        .setSubject('mallory')
        .setIssuer(issuer.issuer)
        .setAudience(issuer.audience)
        .setExpirationTime('5m')
        .sign(privateKey);
      const response = await t.app.inject({
        method: 'GET',
        url: '/v1/ledger/digest',
        headers: bearer(forged),
      });
      expect(response.statusCode).toBe(401);
    }
  });
});
