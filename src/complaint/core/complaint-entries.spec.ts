import { PERSONAL_DATA_COMMITMENT, readPrizeClaimed } from '../../draw/core/claim-entries.js';
import {
  allowedTransitions,
  canTransition,
  COMPLAINT_STATUSES,
  complaintFiledDraft,
  complaintReference,
  complaintStatusChangedDraft,
  readComplaintFiled,
  readComplaintStatusChanged,
  REFERENCE_PATTERN,
  textHash,
  type ComplaintStatusChangedPayload,
} from './complaint-entries.js';

const change: ComplaintStatusChangedPayload = {
  complaintId: 'c1',
  reference: 'CMP-7K2Q-9XHD-4T0B',
  raffleId: 'r1',
  from: 'IN_REVIEW',
  to: 'RESOLVED',
  resolutionSha256: textHash('refunded'),
  changedAt: '2026-12-06T20:00:00.000Z',
  by: 'oscar',
};

describe('complaint states and entries', () => {
  it('allows exactly OPEN → IN_REVIEW → RESOLVED | REJECTED', () => {
    const allowed = COMPLAINT_STATUSES.flatMap((from) =>
      COMPLAINT_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}→${to}`),
    );
    expect(allowed).toEqual(['OPEN→IN_REVIEW', 'IN_REVIEW→RESOLVED', 'IN_REVIEW→REJECTED']);
    expect(allowedTransitions('RESOLVED')).toEqual([]);
  });

  it('makes references of the documented shape from 12 random bytes', () => {
    const reference = complaintReference(Uint8Array.from({ length: 12 }, (_, i) => i * 37));
    expect(reference).toMatch(REFERENCE_PATTERN);
    expect(reference).toBe('CMP-05AF-MSY3-8DJQ');
    expect(() => complaintReference(new Uint8Array(11))).toThrow('12 random bytes');
  });

  it('journals a transition only in its documented shape', () => {
    const origin = {
      actor: { type: 'user', sub: 'oscar', roles: ['operator'] },
      source: null,
      requestId: 'r',
    };
    expect(complaintStatusChangedDraft(change, origin)).toMatchObject({
      type: 'COMPLAINT_STATUS_CHANGED',
      subject: 'raffle/r1',
      payload: { ...change, requestId: 'r' },
    });
    expect(() => readComplaintStatusChanged({ ...change, from: 'OPEN' })).toThrow('payload.to');
    expect(() => readComplaintStatusChanged({ ...change, resolutionSha256: null })).toThrow(
      'payload.resolutionSha256',
    );
    expect(() => readComplaintStatusChanged({ ...change, text: 'extra' })).toThrow('unexpected text');
  });

  it('journals a filing with hashes and an optional commitment, never the words', () => {
    const filed = {
      complaintId: 'c1',
      reference: 'CMP-7K2Q-9XHD-4T0B',
      raffleId: 'r1',
      category: 'PAYMENT' as const,
      textSha256: textHash('charged twice'),
      codeHash: null,
      filedAt: '2026-12-06T20:00:00.000Z',
      personalData: null,
    };
    expect(complaintFiledDraft(filed).payload).toEqual(filed);
    expect(() => complaintFiledDraft({ ...filed, reference: 'CMP-1' })).toThrow('payload.reference');
    expect(() =>
      complaintFiledDraft({ ...filed, personalData: { algorithm: 'md5', commitment: 'ab'.repeat(32) } }),
    ).toThrow('payload.personalData.algorithm');
  });

  it("reads a filing's contact commitment as a prize claim's: the same checks, the same messages", () => {
    const filed = {
      complaintId: 'c1',
      reference: 'CMP-7K2Q-9XHD-4T0B',
      raffleId: 'r1',
      category: 'PRIZE',
      textSha256: textHash('not paid'),
      codeHash: null,
      filedAt: '2026-12-06T20:00:00.000Z',
    };
    const claimed = {
      raffleId: 'r1',
      prizeId: 'main',
      drawId: 'd1',
      ticket: 7,
      claimId: 'k1',
      codeHash: 'cd'.repeat(32),
      identityDocument: 'PASSPORT',
      paymentMethod: 'CHEQUE',
      amountMinor: 5000,
      currency: 'CAD',
      claimedAt: '2026-12-06T20:00:00.000Z',
      by: 'oscar',
    };
    const committed = { algorithm: PERSONAL_DATA_COMMITMENT, commitment: 'ab'.repeat(32) };
    expect(readComplaintFiled({ ...filed, personalData: committed }).personalData).toEqual(committed);
    expect(readPrizeClaimed({ ...claimed, personalData: committed }).personalData).toEqual(committed);
    const refusal = (read: () => unknown) => {
      try {
        read();
      } catch (error) {
        return (error as Error).message;
      }
      return 'read';
    };
    const wrong: [unknown, string][] = [
      [
        { ...committed, algorithm: 'md5' },
        'payload.personalData.algorithm: is not a known commitment algorithm',
      ],
      [
        { ...committed, commitment: 'AB'.repeat(32) },
        'payload.personalData.commitment: must be 64 lowercase hex digits',
      ],
      [{ ...committed, salt: 'x' }, 'payload.personalData: wrong members (unexpected salt)'],
      [{ algorithm: PERSONAL_DATA_COMMITMENT }, 'payload.personalData: wrong members (missing commitment)'],
      ['ab'.repeat(32), 'payload.personalData: must be a JSON object'],
    ];
    // The commitment is read before the filing's other members, so it is the fault named of several.
    expect(
      refusal(() => readComplaintFiled({ ...filed, reference: 'CMP-1', personalData: wrong[0][0] })),
    ).toBe(wrong[0][1]);
    for (const [personalData, message] of wrong) {
      expect(refusal(() => readComplaintFiled({ ...filed, personalData }))).toBe(message);
      expect(refusal(() => readPrizeClaimed({ ...claimed, personalData }))).toBe(message);
    }
  });
});
