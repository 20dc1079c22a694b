import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';

/** What an Idempotency-Key may look like: 1-255 visible ASCII characters (a UUID is typical). */
export const IDEMPOTENCY_KEY = /^[\x21-\x7e]{1,255}$/;

/**
 * The fingerprint of an order request: the same key with the same fingerprint is a retry; the
 * same key with another fingerprint is a different request (409). The caller is part of it, so one
 * seller's key never returns another seller's order.
 */
export function requestFingerprint(raffleId: string, caller: string, body: object): string {
  // canonicalize drops undefined members as JSON does, so an absent optional field and an omitted one agree.
  const text = canonicalize({ raffleId, caller, body });
  if (text === undefined) throw new Error('the request body is not serialisable');
  return createHash('sha256').update(text).digest('hex');
}

/** A buyer's opaque reference, hashed per raffle: enough to count their tickets, nothing to read back. */
export function buyerKey(raffleId: string, reference: string): string {
  return createHash('sha256').update(`${raffleId}\n${reference.trim().toLowerCase()}`).digest('hex');
}
