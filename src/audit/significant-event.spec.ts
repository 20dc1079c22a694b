import { canonicalJson } from '../ledger/core/canonical-json.js';
import {
  ANONYMOUS,
  normaliseActor,
  originFields,
  requestOrigin,
  SYSTEM,
  SYSTEM_ORIGIN,
  significantEventPayload,
  subjectFor,
  withoutUndefined,
} from './significant-event.js';

describe('significant events', () => {
  it('carry actor, outcome, component, source, request, time and details in every payload', () => {
    const at = new Date('2026-11-23T08:00:00.000Z');
    const payload = significantEventPayload(
      {
        type: 'ACCESS_DENIED',
        subject: 'route:GET /v1/raffles',
        actor: { sub: 'alice', roles: ['seller'], issuer: 'https://idp' },
        outcome: 'denied',
        component: 'auth',
        source: '203.0.113.7',
        requestId: 'req-1',
        at,
        details: { status: 403, optional: undefined },
      },
      'boot-1',
    );
    expect(payload).toEqual({
      actor: { type: 'user', sub: 'alice', roles: ['seller'], issuer: 'https://idp' },
      outcome: 'denied',
      component: 'auth',
      source: '203.0.113.7',
      requestId: 'req-1',
      at: '2026-11-23T08:00:00.000Z',
      instance: 'boot-1',
      details: { status: 403 },
    });
  });

  it('name the service or an unidentified caller explicitly, with null source and request', () => {
    const base = { type: 'X', subject: null, outcome: 'success', component: 'service' } as const;
    expect(significantEventPayload({ ...base, actor: SYSTEM }, 'b')).toMatchObject({
      actor: { type: 'system' },
      source: null,
      requestId: null,
      details: {},
    });
    expect(significantEventPayload({ ...base, actor: ANONYMOUS }, 'b').actor).toEqual({ type: 'anonymous' });
  });

  it('keep subjects within the journal limit, hashing an id that does not fit', () => {
    expect(subjectFor('user', 'alice')).toBe('user:alice');
    const long = subjectFor('user', 'x'.repeat(300));
    expect(long).toMatch(/^user:sha256:[0-9a-f]{64}$/);
    expect(subjectFor('user', 'a\u0000b')).toMatch(/^user:sha256:/);
    expect(subjectFor('user', '\ud800')).toMatch(/^user:sha256:/);
  });

  it('leave absent optional fields out, in nested objects and arrays too', () => {
    expect(
      withoutUndefined({ a: 1, b: undefined, c: [{ d: undefined, e: null }], f: { g: undefined } }),
    ).toEqual({
      a: 1,
      c: [{ e: null }],
      f: {},
    });
  });
});

describe('the origin of a business entry', () => {
  it('names the verified caller with its roles, its address and the request id', () => {
    const principal = {
      sub: 'oscar',
      roles: ['operator' as const],
      issuer: 'https://idp',
      token: { id: 'jti-1' },
    };
    const origin = requestOrigin(principal, { source: '198.51.100.7', requestId: 'req-9' });
    expect(originFields(origin)).toEqual({
      actor: { type: 'user', sub: 'oscar', roles: ['operator'], issuer: 'https://idp' },
      source: '198.51.100.7',
      requestId: 'req-9',
    });
    // The token is evidence of a sign-in, not of a sale; and the entry keeps its own roles.
    principal.roles.push('admin' as never);
    expect(origin.actor).toEqual({ type: 'user', sub: 'oscar', roles: ['operator'], issuer: 'https://idp' });
  });

  it('is anonymous on a public route until the service knows better (a signed webhook)', () => {
    expect(requestOrigin(undefined, { source: '192.0.2.1', requestId: 'r' })).toEqual({
      actor: { type: 'anonymous' },
      source: '192.0.2.1',
      requestId: 'r',
    });
  });

  it('is the system from nowhere for the service own schedules, and cannot be changed', () => {
    expect(originFields(SYSTEM_ORIGIN)).toEqual({ actor: { type: 'system' }, source: null, requestId: null });
    expect(() => {
      (SYSTEM_ORIGIN as { source: string | null }).source = '203.0.113.1';
    }).toThrow(TypeError);
  });

  it.each([
    ['a principal with an issuer', { sub: 'alice', roles: ['seller'], issuer: 'https://idp' }],
    ['a principal without one', { sub: 'alice', roles: ['seller', 'admin'] }],
    ['a user actor', { type: 'user', sub: 'alice', roles: ['auditor'], issuer: 'https://idp' }],
    ['a provider', { type: 'provider', name: 'stripe' }],
    ['the system', SYSTEM],
    ['nobody identified', ANONYMOUS],
  ] as const)('normalise %s with members in canonical order', (_, actor) => {
    const normalised = normaliseActor(actor as Parameters<typeof normaliseActor>[0]);
    expect(JSON.stringify(normalised)).toBe(canonicalJson(normalised));
    expect(normalised).toEqual('type' in actor ? actor : { type: 'user', ...actor });
  });
});
