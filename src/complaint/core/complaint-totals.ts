// The figures of the complaints report (docs/complaints.md section 5), folded from the journal's
// COMPLAINT_FILED and COMPLAINT_STATUS_CHANGED entries by the same code in the service and in the
// offline verifier. Plain TypeScript, no NestJS.

import type { JournalEntry } from '../../ledger/core/entry.js';
import {
  COMPLAINT_CATEGORIES,
  COMPLAINT_FILED,
  COMPLAINT_STATUS_CHANGED,
  COMPLAINT_STATUSES,
  type ComplaintStatus,
} from './complaint-entries.js';

export const COMPLAINT_ENTRY_TYPES: readonly string[] = [COMPLAINT_FILED, COMPLAINT_STATUS_CHANGED];

export interface ComplaintScope {
  raffleId: string | null;
  /** Filed at or after (UTC ISO-8601), or null. */
  from: string | null;
  /** Filed before, or null. */
  to: string | null;
}

export interface ComplaintTotals {
  journalEntries: number;
  filed: number;
  withContactDetails: number;
  byCategory: Record<string, number>;
  byStatus: Record<ComplaintStatus, number>;
  /** Status changes of complaints in scope whose filing the fold did not see (an export that starts late). */
  unmatchedChanges: number;
}

/** Counts by status, every status present (zeros included), in the documented order. */
export function emptyByStatus(): Record<ComplaintStatus, number> {
  return Object.fromEntries(COMPLAINT_STATUSES.map((s) => [s, 0])) as Record<ComplaintStatus, number>;
}

function inScope(scope: ComplaintScope, raffleId: unknown, filedAt: unknown): boolean {
  if (scope.raffleId !== null && raffleId !== scope.raffleId) return false;
  if (typeof filedAt !== 'string') return false;
  const at = Date.parse(filedAt);
  if (scope.from !== null && at < Date.parse(scope.from)) return false;
  if (scope.to !== null && at >= Date.parse(scope.to)) return false;
  return true;
}

/** Feeds journal entries in seq order; the result counts the complaints filed in scope by their status now. */
export function complaintTotalsCollector(scope: ComplaintScope) {
  const status = new Map<string, ComplaintStatus>();
  const byCategory: Record<string, number> = Object.fromEntries(COMPLAINT_CATEGORIES.map((c) => [c, 0]));
  let journalEntries = 0;
  let withContactDetails = 0;
  let unmatchedChanges = 0;
  return {
    add(entry: Readonly<JournalEntry>): void {
      const p = entry.payload as Record<string, unknown>;
      if (entry.type === COMPLAINT_FILED) {
        if (!inScope(scope, p.raffleId, p.filedAt)) return;
        journalEntries++;
        status.set(String(p.complaintId), 'OPEN');
        byCategory[String(p.category)] = (byCategory[String(p.category)] ?? 0) + 1;
        if (p.personalData !== null) withContactDetails++;
      } else if (entry.type === COMPLAINT_STATUS_CHANGED) {
        if (scope.raffleId !== null && p.raffleId !== scope.raffleId) return;
        const id = String(p.complaintId);
        if (!status.has(id)) {
          // Filed outside the period, or before the entries read: not this report's.
          if (scope.from === null && scope.to === null) unmatchedChanges++;
          return;
        }
        journalEntries++;
        status.set(id, p.to as ComplaintStatus);
      }
    },
    result(): ComplaintTotals {
      const byStatus = emptyByStatus();
      for (const s of status.values()) byStatus[s]++;
      return {
        journalEntries,
        filed: status.size,
        withContactDetails,
        byCategory,
        byStatus,
        unmatchedChanges,
      };
    },
  };
}
