import {
  ANONYMOUS,
  SYSTEM,
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
