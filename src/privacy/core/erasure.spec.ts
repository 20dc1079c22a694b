import {
  personalDataErasedDraft,
  readPersonalDataErased,
  reasonHash,
  retentionEnds,
  type PersonalDataErasedPayload,
} from './erasure.js';

const payload: PersonalDataErasedPayload = {
  recordKind: 'claim',
  recordId: 'c1',
  raffleId: 'r1',
  commitment: 'ab'.repeat(32),
  basis: 'LAWFUL_REQUEST',
  reasonSha256: reasonHash('request DSR-2026-0042'),
  erasedAt: '2026-12-06T20:00:00.000Z',
  by: 'alice',
};

describe('erasure of personal data', () => {
  it('journals the erasure in its documented shape only', () => {
    const origin = {
      actor: { type: 'user', sub: 'alice', roles: ['admin'] },
      source: '192.0.2.1',
      requestId: 'r',
    };
    expect(personalDataErasedDraft(payload, origin)).toEqual({
      type: 'PERSONAL_DATA_ERASED',
      subject: 'raffle/r1',
      payload: { ...payload, ...origin },
    });
    expect(() => readPersonalDataErased({ ...payload, reason: 'the words' })).toThrow('unexpected reason');
    expect(() => readPersonalDataErased({ ...payload, recordKind: 'order' })).toThrow('payload.recordKind');
    expect(() => readPersonalDataErased({ ...payload, basis: 'WHIM' })).toThrow('payload.basis');
    expect(() => readPersonalDataErased({ ...payload, erasedAt: '2026-12-06' })).toThrow('payload.erasedAt');
  });

  it('ends retention the given years after the record, or after its quarter end', () => {
    const at = new Date('2026-05-17T10:00:00.000Z');
    expect(retentionEnds(at, { booksYears: 4, fromQuarterEnd: false }).toISOString()).toBe(
      '2030-05-17T10:00:00.000Z',
    );
    // Second quarter ends 30 June: the period runs from 1 July 00:00 UTC.
    expect(retentionEnds(at, { booksYears: 3, fromQuarterEnd: true }).toISOString()).toBe(
      '2029-07-01T00:00:00.000Z',
    );
    expect(
      retentionEnds(new Date('2026-12-31T23:59:59.999Z'), {
        booksYears: 3,
        fromQuarterEnd: true,
      }).toISOString(),
    ).toBe('2030-01-01T00:00:00.000Z');
  });
});
