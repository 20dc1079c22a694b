import type { JournalEntry } from '../ledger/core/entry.js';
import { eventRow } from './event-catalogue.js';

function entry(type: string, payload: Record<string, unknown>): JournalEntry {
  return {
    seq: 7,
    type,
    subject: 'raffle/r1',
    payload: payload as JournalEntry['payload'],
    time: '2026-11-23T08:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: '1'.repeat(64),
  };
}

describe('significant-event rows of business entries', () => {
  it('take the actor and source address a business entry carries', () => {
    const row = eventRow(
      entry('TICKETS_VOIDED', {
        orderId: 'o1',
        raffleId: 'r1',
        by: 'oscar',
        actor: { type: 'user', sub: 'oscar', roles: ['operator'] },
        source: '198.51.100.7',
        requestId: 'req-1',
      }),
    );
    expect(row).toMatchObject({
      category: 'voids',
      actor: 'user:oscar',
      outcome: 'success',
      source: '198.51.100.7',
    });
  });

  it('name a payment provider, and keep the name of a schedule', () => {
    const webhook = eventRow(
      entry('PAYMENT_FAILED', { actor: { type: 'provider', name: 'stripe' }, source: '192.0.2.9' }),
    );
    expect(webhook).toMatchObject({ actor: 'provider:stripe', outcome: 'failure', source: '192.0.2.9' });
    const scheduled = eventRow(
      entry('RAFFLE_CLOSED', {
        by: 'system:scheduler',
        actor: { type: 'system' },
        source: null,
        requestId: null,
      }),
    );
    expect(scheduled).toMatchObject({ actor: 'system:scheduler', source: null });
  });

  it('still read entries journaled before business entries carried an origin', () => {
    expect(eventRow(entry('TICKETS_SOLD', { sellerId: 'sam' }))).toMatchObject({
      actor: 'user:sam',
      source: null,
    });
    expect(eventRow(entry('ORDER_CANCELLED', { by: 'system:payments' })).actor).toBe('system:payments');
    expect(eventRow(entry('AUDIT_EVENT', { actor: 'operator' })).actor).toBe('system');
  });
});
