import type { JournalEntry } from '../../ledger/core/entry.js';
import { complaintTotalsCollector } from './complaint-totals.js';

let seq = 0;
function entry(type: string, payload: Record<string, unknown>): JournalEntry {
  return {
    seq: seq++,
    type,
    subject: `raffle/${String(payload.raffleId)}`,
    payload: payload as JournalEntry['payload'],
    time: '2026-12-06T20:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  };
}
const filed = (id: string, raffleId: string, filedAt: string, category = 'PAYMENT', contact = false) =>
  entry('COMPLAINT_FILED', {
    complaintId: id,
    raffleId,
    category,
    filedAt,
    personalData: contact ? { algorithm: 'x', commitment: 'ab'.repeat(32) } : null,
  });
const moved = (id: string, raffleId: string, to: string) =>
  entry('COMPLAINT_STATUS_CHANGED', { complaintId: id, raffleId, to });

describe('complaint totals from the journal', () => {
  const journal = [
    filed('a', 'r1', '2026-11-30T10:00:00.000Z', 'PAYMENT', true),
    filed('b', 'r1', '2026-12-02T10:00:00.000Z', 'DRAW'),
    filed('c', 'r2', '2026-12-02T11:00:00.000Z'),
    entry('TICKETS_SOLD', { raffleId: 'r1' }),
    moved('a', 'r1', 'IN_REVIEW'),
    moved('a', 'r1', 'RESOLVED'),
    moved('b', 'r1', 'IN_REVIEW'),
  ];
  const totals = (scope: Parameters<typeof complaintTotalsCollector>[0]) => {
    const c = complaintTotalsCollector(scope);
    for (const e of journal) c.add(e);
    return c.result();
  };

  it('counts the complaints of a raffle by their status now, category and contact details', () => {
    expect(totals({ raffleId: 'r1', from: null, to: null })).toEqual({
      journalEntries: 5,
      filed: 2,
      withContactDetails: 1,
      byCategory: { TICKET_PURCHASE: 0, PAYMENT: 1, DRAW: 1, PRIZE: 0, RULES: 0, CONDUCT: 0, OTHER: 0 },
      byStatus: { OPEN: 0, IN_REVIEW: 1, RESOLVED: 1, REJECTED: 0 },
      unmatchedChanges: 0,
    });
  });

  it('takes the complaints filed in the period, every raffle when none is named', () => {
    const december = totals({
      raffleId: null,
      from: '2026-12-01T00:00:00.000Z',
      to: '2027-01-01T00:00:00.000Z',
    });
    expect(december).toMatchObject({ filed: 2, journalEntries: 3, byStatus: { OPEN: 1, IN_REVIEW: 1 } });
  });

  it('notes status changes whose filing it did not see', () => {
    const c = complaintTotalsCollector({ raffleId: null, from: null, to: null });
    c.add(moved('z', 'r1', 'IN_REVIEW'));
    expect(c.result()).toMatchObject({ filed: 0, unmatchedChanges: 1 });
  });
});
