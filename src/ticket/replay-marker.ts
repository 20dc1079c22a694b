import { withResponseHeaders } from '../common/response-headers.js';

const REPLAYED = Object.freeze({ 'idempotent-replayed': 'true' });

/**
 * Marks a response body as the stored result of an earlier request with the same Idempotency-Key:
 * it is answered with `Idempotent-Replayed: true` (see withResponseHeaders).
 */
export function markReplayed<T extends object>(body: T): T {
  return withResponseHeaders(body, REPLAYED);
}
