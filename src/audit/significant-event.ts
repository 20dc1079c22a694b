// Significant events (GLI31 LOG-1..LOG-3): the journal entry types of the audit module, and the
// one payload shape every significant event shares. Plain TypeScript, no NestJS.

import { createHash } from 'node:crypto';
import type { JsonObject, JsonValue } from '../ledger/core/json-value.js';
import { hasLoneSurrogate } from '../ledger/core/text.js';

/**
 * The entry types this module and the integrity module journal (docs/audit.md lists each with its
 * fields and requirement IDs). Business events (sales, voids, refunds, raffle lifecycle, draws,
 * RNG_STARTED/RNG_FAULT) are journaled by their own modules in the transaction of the change.
 */
export const SIGNIFICANT_EVENT_TYPES = {
  SERVICE_STARTED: 'SERVICE_STARTED',
  SERVICE_STOPPED: 'SERVICE_STOPPED',
  CONFIG_CHANGED: 'CONFIG_CHANGED',
  SIGNED_IN: 'SIGNED_IN',
  ACCESS_DENIED: 'ACCESS_DENIED',
  ACCESS_DENIED_SUPPRESSED: 'ACCESS_DENIED_SUPPRESSED',
  SOFTWARE_INTEGRITY_CHECKED: 'SOFTWARE_INTEGRITY_CHECKED',
  SOFTWARE_INTEGRITY_FAILED: 'SOFTWARE_INTEGRITY_FAILED',
  INTEGRITY_CHECK: 'INTEGRITY_CHECK',
  INTEGRITY_CHECK_FAILED: 'INTEGRITY_CHECK_FAILED',
} as const;

export type Outcome = 'success' | 'failure' | 'denied';

/**
 * Who caused the event: a verified user, nobody identified (no or a bad token), the service itself,
 * or a payment provider whose signed callback (webhook) caused it.
 */
export type Actor =
  | { type: 'user'; sub: string; roles: string[]; issuer?: string }
  | { type: 'anonymous' }
  | { type: 'system' }
  | { type: 'provider'; name: string };

export const SYSTEM: Actor = { type: 'system' };
export const ANONYMOUS: Actor = { type: 'anonymous' };

/**
 * Where a business change came from: who made it, from which address, in which request. Every
 * journaled business entry (sales, voids, refunds, raffle lifecycle, draws, payments) carries these
 * three fields beside its own (docs/audit.md section 1.3), so an auditor reads the same who / where
 * in a sale as in a sign-in.
 */
export interface Origin {
  actor: Actor;
  /** The client address (`request.ip`); null for the service's own schedules. */
  source: string | null;
  /** The request id (`X-Request-Id`); null for the service's own schedules. */
  requestId: string | null;
}

/** The service's own schedules (closing sales, releasing holds, paying refunds, scheduled draws). */
export const SYSTEM_ORIGIN: Origin = Object.freeze({ actor: SYSTEM, source: null, requestId: null });

/** The origin of a request, from its verified caller (anonymous on a public route). */
export function requestOrigin(
  caller: SignificantEvent['actor'] | undefined,
  request: { source: string; requestId: string },
): Origin {
  return {
    actor: caller ? normaliseActor(caller) : ANONYMOUS,
    source: request.source,
    requestId: request.requestId,
  };
}

/** The `actor`, `source` and `requestId` members of a business entry's payload. */
export function originFields(origin: Origin): {
  actor: JsonObject;
  source: string | null;
  requestId: string | null;
} {
  return { actor: origin.actor as JsonObject, source: origin.source, requestId: origin.requestId };
}

/** What a module hands `AuditService.record`. */
export interface SignificantEvent {
  /** Entry type, `^[A-Z][A-Z0-9_]{0,63}$`; see SIGNIFICANT_EVENT_TYPES. */
  type: string;
  /** What the event is about (journal subject); see subjectFor. Null when nothing in particular. */
  subject: string | null;
  /** A principal (`{sub, roles, issuer}`) is taken as a user. */
  actor: Actor | { sub: string; roles: readonly string[]; issuer?: string };
  outcome: Outcome;
  /** The part of the system concerned: 'auth', 'service', 'integrity', 'config', ... */
  component: string;
  /** The client address (`@RequestOrigin()`), or null for the service's own work. */
  source?: string | null;
  /** The request id, when the event comes from a request. */
  requestId?: string | null;
  /** When it happened; defaults to now. */
  at?: Date;
  /** What was done or found: type-specific fields (docs/audit.md). */
  details?: { [field: string]: JsonValue | undefined };
}

/** The payload journaled for a significant event: the same top-level fields for every type. */
export function significantEventPayload(event: SignificantEvent, instance: string): JsonObject {
  return {
    actor: normaliseActor(event.actor) as JsonObject,
    outcome: event.outcome,
    component: event.component,
    source: event.source ?? null,
    requestId: event.requestId ?? null,
    at: (event.at ?? new Date()).toISOString(),
    instance,
    details: withoutUndefined(event.details ?? {}) as JsonObject,
  };
}

/**
 * The journal refuses `undefined` (JSON has no such value); optional fields that are absent are
 * left out rather than refused. Everything else is checked by the journal itself.
 */
export function withoutUndefined<T>(value: T): T {
  if (Array.isArray(value)) return value.map((item: unknown) => withoutUndefined(item)) as T;
  if (value === null || typeof value !== 'object' || value instanceof Date) return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([, item]) => item !== undefined)
      .map(([key, item]) => [key, withoutUndefined(item)]),
  ) as T;
}

export function normaliseActor(actor: SignificantEvent['actor']): Actor {
  // Members in RFC 8785 order, so a payload that carries the actor serialises canonically with
  // JSON.stringify (see canonicalJson) instead of taking the slower reference canonicaliser.
  if ('type' in actor) {
    if (actor.type === 'provider') return { name: actor.name, type: 'provider' };
    if (actor.type !== 'user') return { type: actor.type };
  }
  return {
    ...(actor.issuer !== undefined ? { issuer: actor.issuer } : {}),
    roles: [...actor.roles],
    sub: actor.sub,
    type: 'user',
  };
}

const MAX_SUBJECT = 256;

/**
 * A journal subject `<kind>:<id>`, e.g. `user:alice`, `route:GET /v1/raffles`. An id too long
 * for the 256-character subject is replaced by `sha256:<hex>` of it, so it stays findable.
 */
export function subjectFor(kind: string, id: string): string {
  const subject = `${kind}:${id}`;
  if (subject.length <= MAX_SUBJECT && !hasLoneSurrogate(subject) && !hasControlCharacter(subject))
    return subject;
  return `${kind}:sha256:${createHash('sha256').update(id, 'utf8').digest('hex')}`;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) < 0x20) return true;
  return false;
}
