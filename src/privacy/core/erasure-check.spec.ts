import type { JournalEntry } from '../../ledger/core/index.js';
import { PERSONAL_DATA_COMMITMENT } from '../../draw/core/claim-entries.js';
import { createErasureCheck, declaredRetention } from './erasure-check.js';
import { reasonHash } from './erasure.js';

type Item = [string, Record<string, unknown>];

function journal(list: Item[], startSeq = 0): JournalEntry[] {
  return list.map(([type, payload], i) => ({
    seq: startSeq + i,
    type,
    subject: 'raffle/r1',
    payload: payload as JournalEntry['payload'],
    time: '2026-12-06T12:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  }));
}

const CLAIM_COMMITMENT = 'a'.repeat(64);
const ATTEMPT_COMMITMENT = 'b'.repeat(64);
const COMPLAINT_COMMITMENT = 'c'.repeat(64);
const committed = (commitment: string) => ({ algorithm: PERSONAL_DATA_COMMITMENT, commitment });

const opened = (jurisdiction = 'ON-AGCO'): Item => [
  'RAFFLE_OPENED',
  { raffleId: 'r1', from: 'DRAFT', to: 'OPEN', rules: { jurisdiction, name: 'Spring draw' } },
];
const claim = (extra: Record<string, unknown> = {}): Item => [
  'PRIZE_CLAIMED',
  {
    raffleId: 'r1',
    prizeId: 'main',
    drawId: 'd1',
    ticket: 3,
    claimId: 'c1',
    codeHash: 'd'.repeat(64),
    identityDocument: 'PASSPORT',
    paymentMethod: 'CHEQUE',
    amountMinor: 8_000,
    currency: 'CAD',
    claimedAt: '2026-05-17T10:00:00.000Z',
    by: 'oscar',
    personalData: committed(CLAIM_COMMITMENT),
    ...extra,
  },
];
const attempt = (extra: Record<string, unknown> = {}): Item => [
  'WINNER_CONTACT_ATTEMPTED',
  {
    raffleId: 'r1',
    prizeId: 'main',
    drawId: 'd1',
    ticket: 3,
    attemptId: 'a1',
    channel: 'PHONE',
    outcome: 'NO_ANSWER',
    attemptedAt: '2026-05-16T13:00:00.000Z',
    by: 'oscar',
    personalData: committed(ATTEMPT_COMMITMENT),
    ...extra,
  },
];
const complaint = (extra: Record<string, unknown> = {}): Item => [
  'COMPLAINT_FILED',
  {
    complaintId: 'k1',
    reference: 'CMP-7K2Q-9XHD-4T0B',
    raffleId: 'r1',
    category: 'PRIZE',
    textSha256: 'e'.repeat(64),
    codeHash: null,
    filedAt: '2026-05-10T09:00:00.000Z',
    personalData: committed(COMPLAINT_COMMITMENT),
    ...extra,
  },
];
const erasure = (extra: Record<string, unknown> = {}): Item => [
  'PERSONAL_DATA_ERASED',
  {
    recordKind: 'claim',
    recordId: 'c1',
    raffleId: 'r1',
    commitment: CLAIM_COMMITMENT,
    basis: 'LAWFUL_REQUEST',
    reasonSha256: reasonHash('request DSR-2026-0042'),
    erasedAt: '2026-12-06T20:00:00.000Z',
    by: 'alice',
    actor: { type: 'user', sub: 'alice', roles: ['admin'] },
    source: '192.0.2.1',
    requestId: 'req-1',
    ...extra,
  },
];

function run(list: Item[], startSeq = 0) {
  const check = createErasureCheck();
  const problems = journal(list, startSeq).flatMap((e) => {
    const found = check(e);
    if (found === undefined) return [];
    if (typeof found === 'string' || found.kind !== 'erasure-check') throw new Error('untagged problem');
    return [`${e.seq}: ${found.message}`];
  });
  return { problems, summary: check.summary() };
}

const recorded: Item[] = [opened(), complaint(), attempt(), claim()];

describe('createErasureCheck', () => {
  it('accepts erasures of a claim, a contact attempt and a complaint journaled before them, each once', () => {
    const { problems, summary } = run([
      ...recorded,
      erasure(),
      erasure({ recordKind: 'contact-attempt', recordId: 'a1', commitment: ATTEMPT_COMMITMENT }),
      // Ontario keeps books 4 years from the filing: 2030-05-10T09:00:00.000Z.
      erasure({
        recordKind: 'complaint',
        recordId: 'k1',
        commitment: COMPLAINT_COMMITMENT,
        basis: 'RETENTION_ENDED',
        erasedAt: '2030-05-10T09:00:00.000Z',
      }),
    ]);
    expect(problems).toEqual([]);
    expect(summary).toEqual({ erasures: 3, matched: 3, retentionChecked: 1, notChecked: [] });
  });

  it('reports the erasure of a record never journaled', () => {
    expect(run([...recorded, erasure({ recordId: 'c9' })]).problems).toEqual([
      '4: erasure of claim c9: no claim c9 is journaled before it',
    ]);
  });

  it('reports an erasure journaled before the record it names', () => {
    const { problems, summary } = run([opened(), erasure(), claim()]);
    expect(problems).toEqual(['1: erasure of claim c1: no claim c1 is journaled before it']);
    expect(summary.matched).toBe(0);
  });

  it('reports a second erasure of one record, naming the first', () => {
    expect(
      run([
        ...recorded,
        erasure(),
        erasure({ basis: 'RETENTION_ENDED', erasedAt: '2031-01-01T00:00:00.000Z' }),
      ]).problems,
    ).toEqual(['5: erasure of claim c1: the claim was erased already at entry 4']);
  });

  it('reports an erasure that names the wrong kind of record', () => {
    expect(
      run([...recorded, erasure({ recordKind: 'complaint', recordId: 'a1', commitment: ATTEMPT_COMMITMENT })])
        .problems,
    ).toEqual([
      '4: erasure of complaint a1: a1 is journaled as a contact-attempt (entry 2), not as a complaint',
    ]);
    // Erasing the attempt under its own kind afterwards is still its first erasure.
    expect(
      run([
        ...recorded,
        erasure({ recordKind: 'claim', recordId: 'a1', commitment: ATTEMPT_COMMITMENT }),
        erasure({ recordKind: 'contact-attempt', recordId: 'a1', commitment: ATTEMPT_COMMITMENT }),
      ]).problems,
    ).toEqual(['4: erasure of claim a1: a1 is journaled as a contact-attempt (entry 2), not as a claim']);
  });

  it("reports an erasure whose commitment or raffle is not the record's, or of a complaint without contact details", () => {
    expect(run([...recorded, erasure({ commitment: ATTEMPT_COMMITMENT })]).problems).toEqual([
      `4: erasure of claim c1: commitment ${ATTEMPT_COMMITMENT} is not the one of the claim journaled at entry 3 (${CLAIM_COMMITMENT})`,
    ]);
    expect(run([...recorded, erasure({ raffleId: 'r2' })]).problems).toEqual([
      '4: erasure of claim c1: the claim journaled at entry 3 is of raffle r1, not r2',
    ]);
    expect(
      run([
        opened(),
        complaint({ personalData: null }),
        erasure({ recordKind: 'complaint', recordId: 'k1', commitment: COMPLAINT_COMMITMENT }),
      ]).problems,
    ).toEqual([
      '2: erasure of complaint k1: the complaint journaled at entry 1 holds no personal data (filed without contact details): there was nothing to erase',
    ]);
  });

  it('reports an erasure dated before its record was made', () => {
    expect(run([...recorded, erasure({ erasedAt: '2026-05-17T09:59:59.999Z' })]).problems).toEqual([
      '4: erasure of claim c1: erased at 2026-05-17T09:59:59.999Z, before the claim journaled at entry 3 was made (2026-05-17T10:00:00.000Z)',
    ]);
  });

  it("reports a RETENTION_ENDED erasure before the end of the journaled jurisdiction's retention period", () => {
    // Ontario: 4 years from the claim, to the millisecond.
    const early = erasure({ basis: 'RETENTION_ENDED', erasedAt: '2030-05-17T09:59:59.999Z' });
    const { problems, summary } = run([...recorded, early]);
    expect(problems).toEqual([
      '4: erasure of claim c1: basis RETENTION_ENDED at 2030-05-17T09:59:59.999Z, but ON-AGCO keeps the claim journaled at entry 3 4 years, until 2030-05-17T10:00:00.000Z',
    ]);
    expect(summary).toMatchObject({ matched: 1, retentionChecked: 1 });
    expect(
      run([...recorded, erasure({ basis: 'RETENTION_ENDED', erasedAt: '2030-05-17T10:00:00.000Z' })])
        .problems,
    ).toEqual([]);
    // A lawful request may erase at any time after the record.
    expect(run([...recorded, erasure({ erasedAt: '2026-05-17T10:00:00.000Z' })]).problems).toEqual([]);
    // North Dakota: 3 years from the end of the claim's quarter (30 June 2026), so 1 July 2029.
    const nd = [opened('ND-AG'), ...recorded.slice(1)];
    expect(
      run([...nd, erasure({ basis: 'RETENTION_ENDED', erasedAt: '2029-06-30T23:59:59.999Z' })]).problems,
    ).toEqual([
      '4: erasure of claim c1: basis RETENTION_ENDED at 2029-06-30T23:59:59.999Z, but ND-AG keeps the claim journaled at entry 3 3 years from the end of the quarter, until 2029-07-01T00:00:00.000Z',
    ]);
    expect(
      run([...nd, erasure({ basis: 'RETENTION_ENDED', erasedAt: '2029-07-01T00:00:00.000Z' })]).problems,
    ).toEqual([]);
  });

  it('lists what it cannot check: the retention of an unknown jurisdiction or of rules before the read, records before the read', () => {
    const retention = erasure({ basis: 'RETENTION_ENDED', erasedAt: '2026-12-06T20:00:00.000Z' });
    const unknown = run([opened('XX-NONE'), ...recorded.slice(1), retention]);
    expect(unknown.problems).toEqual([]);
    expect(unknown.summary).toMatchObject({
      retentionChecked: 0,
      notChecked: [
        'erasure of claim c1 (entry 4): basis RETENTION_ENDED, but jurisdiction XX-NONE is not one this verifier declares',
      ],
    });
    const noRules = run([...recorded.slice(1), retention]);
    expect(noRules.problems).toEqual([]);
    expect(noRules.summary.notChecked).toEqual([
      'erasure of claim c1 (entry 3): basis RETENTION_ENDED, but no rules of raffle r1 are journaled before it in the read',
    ]);
    // A read that starts later may not hold the record: not a problem, but not checked either.
    const partial = run([erasure({ recordId: 'c0' }), erasure({ recordId: 'c0' })], 500);
    expect(partial.problems).toEqual(['501: erasure of claim c0: the claim was erased already at entry 500']);
    expect(partial.summary.notChecked).toEqual([
      'erasure of claim c0 (entry 500): the journal read starts at entry 500, so its record may be before it',
      'erasure of claim c0 (entry 501): the journal read starts at entry 500, so its record may be before it',
    ]);
  });

  it('reports an erasure entry not in the documented format', () => {
    expect(run([...recorded, erasure({ reason: 'the words' })]).problems).toEqual([
      '4: PERSONAL_DATA_ERASED is not in the documented format: payload: wrong members (unexpected reason)',
    ]);
  });

  it('knows the retention periods the service enforces', () => {
    expect(declaredRetention('ON-AGCO')).toEqual({ booksYears: 4, stubsYears: 1, fromQuarterEnd: false });
    expect(declaredRetention('ND-AG')).toEqual({ booksYears: 3, stubsYears: 3, fromQuarterEnd: true });
    expect(declaredRetention('XX-NONE')).toBeUndefined();
  });
});
