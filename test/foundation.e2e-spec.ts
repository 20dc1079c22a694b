import { Validator } from '@seriousme/openapi-schema-validator';
import { firstValueFrom, take, toArray } from 'rxjs';
import { SecurityEvents } from '../src/auth/security-events.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';

type OperationObject = { responses: Record<string, unknown>; security?: unknown };
type OpenAPIObject = {
  openapi: string;
  paths: Record<string, Partial<Record<'get' | 'post' | 'put' | 'patch' | 'delete', OperationObject>>>;
  components?: { securitySchemes?: Record<string, unknown> };
};
import { createCognitoIssuer, type TestIssuer } from './support/cognito.js';
import { startMoto, type MotoServer } from './support/moto.js';
import { adminQuery } from './support/postgres.js';
import { ForgottenModule, ProbeModule } from './support/probe.module.js';

const validProbe = { name: 'Spring 50/50', amountMinor: 1000, items: [{ sku: 'ONE' }] };

function expectErrorShape(body: Record<string, unknown>, status: number, code: string): void {
  expect(body).toMatchObject({ status, code });
  expect(typeof body.message).toBe('string');
  expect(typeof body.requestId).toBe('string');
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
}

let moto: MotoServer;
let issuer: TestIssuer;

beforeAll(async () => {
  moto = await startMoto();
  issuer = await createCognitoIssuer(moto);
});
afterAll(async () => moto?.stop());

describe.each(['pglite', 'postgres'] as const)('the service on %s with a JWKS issuer (Cognito)', (engine) => {
  let t: TestApp;
  let adminToken: string;
  let sellerToken: string;

  beforeAll(async () => {
    t = await startTestApp({
      engine,
      env: { AUTH_JWKS_URL: issuer.jwksUrl, AUTH_ISSUER: issuer.issuer, AUTH_AUDIENCE: issuer.audience },
      imports: [ProbeModule],
    });
    adminToken = await issuer.idToken(`admin-${engine}`, ['admin']);
    sellerToken = await issuer.idToken(`seller-${engine}`, ['seller']);
  });
  afterAll(async () => t?.close());

  it('is live and ready, with the database engine it was given', async () => {
    expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
    const ready = await t.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(200);
    expect(ready.json().details.database).toMatchObject({ status: 'up', engine });
  });

  it('answers 401 without a token and journals nothing but a denied event', async () => {
    const events = t.app.get(SecurityEvents);
    const denied = firstValueFrom(events.denied.pipe(take(1), toArray()));
    const response = await t.app.inject({ method: 'POST', url: '/probe', payload: validProbe });
    expect(response.statusCode).toBe(401);
    expectErrorShape(response.json(), 401, 'UNAUTHENTICATED');
    expect((await denied)[0]).toMatchObject({ status: 401, route: '/probe', method: 'POST' });
  });

  it('answers 403 to a valid token without the role', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: validProbe,
      headers: bearer(sellerToken),
    });
    expect(response.statusCode).toBe(403);
    expectErrorShape(response.json(), 403, 'FORBIDDEN');
  });

  it('accepts a valid body from the right role', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: validProbe,
      headers: bearer(adminToken),
    });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual(validProbe);
  });

  it('answers 400 naming every bad field, nested ones included', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: { name: '', amountMinor: 10.5, items: [{ sku: 7 }] },
      headers: bearer(adminToken),
    });
    expect(response.statusCode).toBe(400);
    const body = response.json();
    expectErrorShape(body, 400, 'VALIDATION_FAILED');
    const fields = (body.fields as Array<{ field: string }>).map((f) => f.field).sort();
    expect(fields).toEqual(['amountMinor', 'items[0].sku', 'name']);
  });

  it('refuses unknown fields instead of dropping them', async () => {
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: { ...validProbe, isWinner: true },
      headers: bearer(adminToken),
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().fields).toEqual([
      { field: 'isWinner', messages: ['property isWinner should not exist'] },
    ]);
  });

  it('accepts a Cognito access token, whose app client is in client_id', async () => {
    const access = await issuer.accessToken(`access-${engine}`, ['admin']);
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: validProbe,
      headers: bearer(access),
    });
    expect(response.statusCode).toBe(201);
  });

  it('refuses an ID token issued to another app client of the same pool', async () => {
    const other = await issuer.otherClientIdToken(`other-${engine}`, ['admin']);
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: validProbe,
      headers: bearer(other),
    });
    expect(response.statusCode).toBe(401);
  });

  it('refuses tokens from the wrong issuer or audience', async () => {
    const local = await t.token(['admin']);
    const response = await t.app.inject({
      method: 'POST',
      url: '/probe',
      payload: validProbe,
      headers: bearer(local),
    });
    expect(response.statusCode).toBe(401);
  });

  it('never leaks internals in a 5xx', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/probe/boom' });
    expect(response.statusCode).toBe(500);
    expectErrorShape(response.json(), 500, 'INTERNAL');
    expect(response.body).not.toContain('hunter2');
    expect(response.body).not.toContain('db.ts');
  });

  it('keeps the error shape for errors Fastify raises before routing', async () => {
    const response = await t.app.inject({ method: 'GET', url: `/v1/ledger/entries/${'9'.repeat(500)}` });
    expect(response.statusCode).toBe(414);
    expectErrorShape(response.json(), 414, 'URI_TOO_LONG');
  });

  it('echoes a well-formed request id and sets security headers', async () => {
    const response = await t.app.inject({
      method: 'GET',
      url: '/health/live',
      headers: { 'x-request-id': 'trace-123' },
    });
    expect(response.headers['x-request-id']).toBe('trace-123');
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['content-security-policy']).toContain("default-src 'self'");
  });

  it('serves Prometheus metrics to auditors only', async () => {
    const auditor = await issuer.idToken(`auditor-${engine}`, ['auditor']);
    const metrics = await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(auditor) });
    expect(metrics.statusCode).toBe(200);
    expect(metrics.headers['content-type']).toContain('text/plain');
    expect(metrics.body).toMatch(/fairdraw_http_requests_total\{[^}]*route="\/probe"[^}]*\} \d+/);
    expect(metrics.body).toContain('fairdraw_http_request_duration_seconds_bucket');
    const seller = await t.app.inject({ method: 'GET', url: '/metrics', headers: bearer(sellerToken) });
    expect(seller.statusCode).toBe(403);
  });
});

describe('the OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => (t = await startTestApp({ engine: 'pglite', imports: [ProbeModule] })));
  afterAll(async () => t?.close());

  it('is a valid OpenAPI 3 document listing every route with who may call it', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs-json' });
    expect(response.statusCode).toBe(200);
    const document = response.json() as OpenAPIObject;
    const validation = await new Validator().validate(structuredClone(document) as never);
    expect(validation.errors).toBeUndefined();
    expect(validation.valid).toBe(true);
    expect(document.openapi).toMatch(/^3\./);
    expect(document.components?.securitySchemes?.bearer as object).toMatchObject({
      type: 'http',
      scheme: 'bearer',
    });

    const operations = Object.entries(document.paths).flatMap(([path, item]) =>
      (['get', 'post', 'put', 'patch', 'delete'] as const)
        .filter((method) => item?.[method])
        .map((method) => ({ path, method, op: item![method] as OperationObject & Record<string, unknown> })),
    );
    expect(operations.map((o) => `${o.method} ${o.path}`)).toEqual(
      expect.arrayContaining(['get /health/live', 'get /health/ready', 'get /metrics', 'post /probe']),
    );
    for (const { op } of operations) {
      expect(op['x-fairdraw-access']).toBeDefined();
      expect(op.responses['500']).toBeDefined();
      expect(op.responses['429']).toBeDefined();
    }
    const probe = operations.find((o) => o.path === '/probe' && o.method === 'post')!.op;
    expect(probe['x-fairdraw-access']).toEqual({ roles: ['admin'] });
    expect(Object.keys(probe.responses)).toEqual(expect.arrayContaining(['201', '400', '401', '403']));
    expect(probe.security).toEqual([{ bearer: [] }]);
    const live = operations.find((o) => o.path === '/health/live')!.op;
    expect(live['x-fairdraw-access']).toEqual({ public: true });
  });

  it('serves Swagger UI', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/docs' });
    expect(response.statusCode).toBe(200);
    expect(response.body).toContain('swagger-ui');
  });
});

describe('start-up and shutdown', () => {
  it('refuses to start when a route has no access declaration', async () => {
    await expect(startTestApp({ engine: 'pglite', imports: [ForgottenModule] })).rejects.toThrow(
      /ForgottenController\.list/,
    );
  });

  it('limits the request rate per client in the error shape', async () => {
    const t = await startTestApp({
      engine: 'pglite',
      env: { RATE_LIMIT_PER_MINUTE: '3' },
      imports: [ProbeModule],
    });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 4; i++)
        statuses.push((await t.app.inject({ method: 'GET', url: '/probe/slow' })).statusCode);
      expect(statuses).toEqual([200, 200, 200, 429]);
      const limited = await t.app.inject({ method: 'GET', url: '/probe/slow' });
      expectErrorShape(limited.json(), 429, 'RATE_LIMITED');
    } finally {
      await t.close();
    }
  });

  it('finishes an in-flight request before it shuts down', async () => {
    const t = await startTestApp({ engine: 'pglite', imports: [ProbeModule] });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    const url = await t.app.getUrl();
    const inFlight = fetch(`${url}/probe/slow`);
    await new Promise((resolve) => setTimeout(resolve, 150));
    const closing = t.close();
    const response = await inFlight;
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ finished: true });
    await closing;
    await expect(fetch(`${url}/health/live`)).rejects.toThrow();
  });
});

describe('readiness on PostgreSQL', () => {
  it('turns red while the database is unreachable and green again after', async () => {
    const t = await startTestApp({ engine: 'postgres' });
    const name = t.database!.name;
    try {
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
      await adminQuery(`alter database "${name}" allow_connections false`);
      await adminQuery('select pg_terminate_backend(pid) from pg_stat_activity where datname = $1', [name]);
      const down = await t.app.inject({ method: 'GET', url: '/health/ready' });
      expect(down.statusCode).toBe(503);
      expectErrorShape(down.json(), 503, 'UNAVAILABLE');
      expect(down.json().details.database.status).toBe('down');
      expect((await t.app.inject({ method: 'GET', url: '/health/live' })).statusCode).toBe(200);
      await adminQuery(`alter database "${name}" allow_connections true`);
      expect((await t.app.inject({ method: 'GET', url: '/health/ready' })).statusCode).toBe(200);
    } finally {
      await adminQuery(`alter database "${name}" allow_connections true`);
      await t.close();
    }
  });
});
