import { FastifyAdapter } from '@nestjs/platform-fastify';
import { applyBodyHeaders, responseHeadersOf, withResponseHeaders } from './response-headers.js';

describe('response headers carried by a body', () => {
  it('are set on the answer of a marked body, and only of that body', async () => {
    const fastify = new FastifyAdapter().getInstance();
    applyBodyHeaders(fastify);
    const original = { orderId: 'o-1' };
    fastify.get('/marked', async () => withResponseHeaders(original, { 'idempotent-replayed': 'true' }));
    fastify.get('/plain', async () => original);
    fastify.get('/text', async () => 'text');

    const marked = await fastify.inject({ method: 'GET', url: '/marked' });
    expect(marked.headers['idempotent-replayed']).toBe('true');
    expect(marked.json()).toEqual({ orderId: 'o-1' });
    for (const url of ['/plain', '/text']) {
      expect((await fastify.inject({ method: 'GET', url })).headers['idempotent-replayed']).toBeUndefined();
    }
    // The caller's object is never marked, only the copy.
    expect(responseHeadersOf(original)).toBeUndefined();
    await fastify.close();
  });
});
