import { createHash, hash } from 'node:crypto';
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

/** The members an order request may have, in canonical (JCS: UTF-16 code unit) order. */
const ORDER_FIELDS = ['buyerReference', 'channel', 'deviceId', 'packageId', 'paymentMethod'] as const;

/**
 * `requestFingerprint` of an order request, built directly instead of through the generic
 * canonicaliser on every sale: the same bytes (RFC 8785 serialises strings as JSON.stringify does
 * and orders members by code unit), hence the same hash, so keys recorded before still match. A
 * request with any other member or a value that is not a string takes the generic path.
 */
export function orderFingerprint(
  raffleId: string,
  caller: string,
  request: Readonly<Partial<Record<(typeof ORDER_FIELDS)[number], string>>>,
): string {
  let body = '';
  let members = 0;
  for (const field of ORDER_FIELDS) {
    const value = request[field];
    if (value === undefined) continue;
    if (typeof value !== 'string') return requestFingerprint(raffleId, caller, request);
    body += `${members++ === 0 ? '' : ','}"${field}":${JSON.stringify(value)}`;
  }
  if (Object.keys(request).length !== members && hasOtherMembers(request)) {
    return requestFingerprint(raffleId, caller, request);
  }
  const text = `{"body":{${body}},"caller":${JSON.stringify(caller)},"raffleId":${JSON.stringify(raffleId)}}`;
  // One-shot hashing: no Hash object per sale (the same UTF-8 bytes and digest as createHash).
  return hash('sha256', text, 'hex');
}

function hasOtherMembers(request: object): boolean {
  return Object.entries(request).some(
    ([key, value]) => value !== undefined && !(ORDER_FIELDS as readonly string[]).includes(key),
  );
}

/** A buyer's opaque reference, hashed per raffle: enough to count their tickets, nothing to read back. */
export function buyerKey(raffleId: string, reference: string): string {
  return hash('sha256', `${raffleId}\n${reference.trim().toLowerCase()}`, 'hex');
}
