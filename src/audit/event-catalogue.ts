// How the significant-events report reads a journal entry: its category and the who / outcome /
// source fields, whichever module wrote it. Plain TypeScript, no NestJS (the offline verifier and
// the report share it).

import type { JournalEntry } from '../ledger/core/entry.js';

export const EVENT_CATEGORIES = [
  'security',
  'service',
  'integrity',
  'rng',
  'raffle',
  'sales',
  'voids',
  'draws',
  'complaints',
  'privacy',
  'finance',
  'other',
] as const;
export type EventCategory = (typeof EVENT_CATEGORIES)[number];

/** Everything but individual sales, which have reports of their own and would drown the rest. */
export const DEFAULT_EVENT_CATEGORIES: readonly EventCategory[] = EVENT_CATEGORIES.filter(
  (c) => c !== 'sales',
);

const CATEGORY_OF: Record<string, EventCategory> = {
  SIGNED_IN: 'security',
  ACCESS_DENIED: 'security',
  ACCESS_DENIED_SUPPRESSED: 'security',
  SERVICE_STARTED: 'service',
  SERVICE_STOPPED: 'service',
  CONFIG_CHANGED: 'service',
  SOFTWARE_INTEGRITY_CHECKED: 'integrity',
  SOFTWARE_INTEGRITY_FAILED: 'integrity',
  INTEGRITY_CHECK: 'integrity',
  INTEGRITY_CHECK_FAILED: 'integrity',
  RNG_STARTED: 'rng',
  RNG_SELF_TEST: 'rng',
  RNG_FAULT: 'rng',
  RNG_REQUEST: 'rng',
  RNG_REQUEST_ABANDONED: 'rng',
  RAFFLE_CREATED: 'raffle',
  RAFFLE_UPDATED: 'raffle',
  RAFFLE_OPENED: 'raffle',
  RAFFLE_CLOSED: 'raffle',
  RAFFLE_DRAWN: 'raffle',
  RAFFLE_SETTLED: 'raffle',
  RAFFLE_CANCELLED: 'raffle',
  TICKETS_SOLD: 'sales',
  ORDER_PLACED: 'sales',
  ORDER_CANCELLED: 'sales',
  PAYMENT_STARTED: 'sales',
  PAYMENT_FAILED: 'sales',
  NUMBERS_RESERVED: 'sales',
  NUMBERS_RETURNED: 'sales',
  RECEIPT_REPRINTED: 'sales',
  // A payment that is not the one taken for its order (unknown intent, wrong amount): possible fraud.
  PAYMENT_MISMATCH: 'security',
  // What an operator did about one (src/payment/payment-mismatch.service.ts), and its outcome.
  PAYMENT_MISMATCH_REFUND_REQUESTED: 'security',
  PAYMENT_MISMATCH_REFUNDED: 'security',
  PAYMENT_MISMATCH_REFUND_FAILED: 'security',
  PAYMENT_MISMATCH_REVIEWED: 'security',
  // An order refused for its buyer (underage, no attestation, outside the licensing region): PLY-2.
  SALE_DENIED: 'security',
  TICKETS_VOIDED: 'voids',
  REFUND_REQUESTED: 'voids',
  REFUND_COMPLETED: 'voids',
  REFUND_FAILED: 'voids',
  DRAW_SEALED: 'draws',
  DRAW_RESULT: 'draws',
  DRAW_REDRAWN: 'draws',
  DRAW_PRIZE: 'draws',
  WINNER_CONTACT_ATTEMPTED: 'draws',
  PRIZE_CLAIMED: 'draws',
  COMPLAINT_FILED: 'complaints',
  COMPLAINT_STATUS_CHANGED: 'complaints',
  PERSONAL_DATA_ERASED: 'privacy',
  // The licensee's financial records (RPT-7, src/finance).
  EXPENSE_RECORDED: 'finance',
  PROCEEDS_USE_RECORDED: 'finance',
  DEPOSIT_RECORDED: 'finance',
  CASH_COUNT_RECORDED: 'finance',
  FINANCE_RECORD_REVERSED: 'finance',
};

export function eventCategory(type: string): EventCategory {
  return CATEGORY_OF[type] ?? 'other';
}

/** The entry types of some categories (for a query by type); undefined means "every type". */
export function typesOf(categories: readonly EventCategory[]): string[] | undefined {
  if (categories.includes('other')) return undefined;
  return Object.keys(CATEGORY_OF).filter((type) => categories.includes(CATEGORY_OF[type]));
}

export interface EventRow {
  seq: number;
  time: string;
  type: string;
  category: EventCategory;
  subject: string | null;
  /**
   * `user:<sub>`, `system`, `anonymous`, `provider:<name>`; for a business entry journaled before it
   * carried an `actor`, the acting user it names (`by`, `sellerId`).
   */
  actor: string;
  outcome: string;
  component: string;
  source: string | null;
  /** The type-specific part: `details` of a significant event, the payload of a business entry. */
  details: unknown;
}

type ActorJson = { type?: unknown; sub?: unknown; name?: unknown };

function actorLabel(actor: ActorJson): string {
  if (actor.type === 'user') return `user:${typeof actor.sub === 'string' ? actor.sub : ''}`;
  if (actor.type === 'provider') return `provider:${typeof actor.name === 'string' ? actor.name : ''}`;
  return typeof actor.type === 'string' ? actor.type : 'unknown';
}

/** The actor of a business entry: its `actor` (the schedule's name, `system:...`, kept), else its `by`. */
function businessActor(actor: ActorJson | undefined, by: string | null): string {
  if (actor !== undefined && !(actor.type === 'system' && by?.startsWith('system:')))
    return actorLabel(actor);
  if (by === null) return 'system';
  return by.startsWith('system') ? by : `user:${by}`;
}

/** Reads any journal entry as a significant-event row (docs/audit.md section 1). */
export function eventRow(entry: Readonly<JournalEntry>): EventRow {
  const p = entry.payload as Record<string, unknown>;
  const category = eventCategory(entry.type);
  const actor =
    typeof p.actor === 'object' && p.actor !== null && !Array.isArray(p.actor)
      ? (p.actor as ActorJson)
      : undefined;
  const source = typeof p.source === 'string' ? p.source : null;
  if (actor !== undefined && typeof p.outcome === 'string') {
    return {
      seq: entry.seq,
      time: entry.time,
      type: entry.type,
      category,
      subject: entry.subject,
      actor: actorLabel(actor),
      outcome: p.outcome as string,
      component: typeof p.component === 'string' ? p.component : category,
      source,
      details: p.details ?? null,
    };
  }
  // A business entry: its own payload, with `actor` and `source` since they carry them.
  const by = typeof p.by === 'string' ? p.by : typeof p.sellerId === 'string' ? p.sellerId : null;
  return {
    seq: entry.seq,
    time: entry.time,
    type: entry.type,
    category,
    subject: entry.subject,
    actor: businessActor(actor, by),
    outcome: entry.type.endsWith('_FAILED') || entry.type === 'RNG_FAULT' ? 'failure' : 'success',
    component: category,
    source,
    details: p,
  };
}
