import { createHash } from 'node:crypto';
import { canonicalJson, type JournalEntry } from '../../ledger/core/index.js';
import { createClaimCheck, type SoldCodes } from './claim-check.js';
import { commitPersonalData, PERSONAL_DATA_COMMITMENT } from './claim-entries.js';

type Item = [string, Record<string, unknown>];

function journal(list: Item[]): JournalEntry[] {
  return list.map(([type, payload], seq) => ({
    seq,
    type,
    subject: 'raffle/r1',
    payload: payload as JournalEntry['payload'],
    time: '2026-12-06T12:00:00.000Z',
    prevHash: '0'.repeat(64),
    hash: '0'.repeat(64),
  }));
}

const sha = (text: string) => createHash('sha256').update(text).digest('hex');
const soldCodes: SoldCodes = (e) =>
  e.type === 'TICKETS_SOLD'
    ? {
        raffleId: e.payload.raffleId as string,
        first: e.payload.first as number,
        last: e.payload.last as number,
        codeHash: e.payload.codeHash as string,
      }
    : undefined;

const sale = (first: number, last: number, code: string): Item => [
  'TICKETS_SOLD',
  { raffleId: 'r1', first, last, codeHash: sha(code) },
];
const result = (drawId: string, tickets: number[], prizeId = 'main'): Item => [
  'DRAW_RESULT',
  { raffleId: 'r1', prizeId, drawId, tickets },
];
const redraw = (drawId: string, tickets: number[], replaces: object): Item => [
  'DRAW_REDRAWN',
  { raffleId: 'r1', prizeId: 'main', drawId, tickets, replaces },
];
const prize = (drawId: string, amountMinor: number | null): Item => ['DRAW_PRIZE', { drawId, amountMinor }];
const commitment = { algorithm: PERSONAL_DATA_COMMITMENT, commitment: 'a'.repeat(64) };
const claim = (extra: Record<string, unknown> = {}): Item => [
  'PRIZE_CLAIMED',
  {
    raffleId: 'r1',
    prizeId: 'main',
    drawId: 'd1',
    ticket: 3,
    claimId: 'c1',
    codeHash: sha('CODE-A'),
    identityDocument: 'PASSPORT',
    paymentMethod: 'CHEQUE',
    amountMinor: 8_000,
    currency: 'CAD',
    claimedAt: '2026-12-07T10:00:00.000Z',
    by: 'oscar',
    personalData: commitment,
    ...extra,
  },
];
const contact = (extra: Record<string, unknown> = {}): Item => [
  'WINNER_CONTACT_ATTEMPTED',
  {
    raffleId: 'r1',
    prizeId: 'main',
    drawId: 'd1',
    ticket: 3,
    attemptId: 'a1',
    channel: 'PHONE',
    outcome: 'NO_ANSWER',
    attemptedAt: '2026-12-06T13:00:00.000Z',
    by: 'oscar',
    personalData: commitment,
    ...extra,
  },
];

function run(list: Item[]) {
  const check = createClaimCheck(soldCodes);
  const problems = journal(list).flatMap((e) => {
    const found = check(e);
    return found ? [`${e.seq}: ${typeof found === 'string' ? found : found.message}`] : [];
  });
  return { problems, summary: check.summary() };
}

const drawn: Item[] = [sale(1, 2, 'CODE-B'), sale(3, 7, 'CODE-A'), result('d1', [3]), prize('d1', 8_000)];

describe('createClaimCheck', () => {
  it('accepts a contact attempt and a claim of the standing winner with the code sold with the ticket', () => {
    const { problems, summary } = run([...drawn, contact(), claim()]);
    expect(problems).toEqual([]);
    expect(summary).toEqual({ claims: 1, contactAttempts: 1, codesMatched: 1, notChecked: [] });
  });

  it('reports a claim of a draw whose winner a redraw replaced, and accepts the redraw winner claiming', () => {
    const replaced = [
      ...drawn,
      redraw('d2', [1], { drawId: 'd1', ticket: 3, reason: 'winner ineligible: x' }),
      prize('d2', 8_000),
    ];
    expect(run([...replaced, claim()]).problems).toEqual([
      '6: claim c1 of main: ticket 3 of draw d1 was replaced by a redraw: the draw no longer stands',
    ]);
    expect(run([...replaced, contact()]).problems).toEqual([
      '6: contact attempt a1 of main: ticket 3 of draw d1 was replaced by a redraw: the draw no longer stands',
    ]);
    expect(run([...replaced, claim({ drawId: 'd2', ticket: 1, codeHash: sha('CODE-B') })]).problems).toEqual(
      [],
    );
  });

  it('reports a second claim of one winner, and a claim id used twice', () => {
    expect(run([...drawn, claim(), claim({ claimId: 'c2' })]).problems).toEqual([
      '5: claim c2 of main: ticket 3 of prize main was claimed already at entry 4',
    ]);
    expect(run([...drawn, claim(), claim()]).problems[0]).toMatch(/claim id c1 is used twice/);
  });

  it('reports a validation number that is not the one sold with the winning ticket', () => {
    expect(run([...drawn, claim({ codeHash: sha('CODE-B') })]).problems).toEqual([
      `4: claim c1 of main: the validation number presented (hash ${sha('CODE-B')}) is not the one sold with ticket 3`,
    ]);
  });

  it('reports an amount other than the prize the draw awarded', () => {
    expect(run([...drawn, claim({ amountMinor: 9_000 })]).problems).toEqual([
      '4: claim c1 of main: amountMinor 9000 paid, the draw awarded 8000',
    ]);
  });

  it('reports a claim of a draw not journaled, of another prize, or of a ticket that did not win', () => {
    expect(run([...drawn, claim({ drawId: 'dx' })]).problems[0]).toMatch(
      /draw dx is not journaled before it/,
    );
    expect(run([...drawn, claim({ prizeId: 'early' })]).problems[0]).toMatch(
      /draw d1 is of raffle r1 prize main/,
    );
    expect(run([...drawn, claim({ ticket: 4 })]).problems[0]).toMatch(/ticket 4 is not a winner of draw d1/);
  });

  it('reports a redraw for an unclaimed prize that replaces a claimed winner', () => {
    const problems = run([
      ...drawn,
      claim(),
      redraw('d2', [1], { drawId: 'd1', ticket: 3, reason: 'unclaimed: not claimed in 90 days' }),
    ]).problems;
    expect(problems).toEqual([
      '5: redraw d2 replaces ticket 3 as unclaimed, but its prize was claimed at entry 4',
    ]);
  });

  it('reports a payload not in the documented format, naming the field', () => {
    expect(run([...drawn, claim({ identityDocument: 'LIBRARY_CARD' })]).problems[0]).toMatch(
      /PRIZE_CLAIMED is not in the documented format: payload.identityDocument: must be one of/,
    );
    expect(run([...drawn, contact({ contact: '+1 555 0100' })]).problems[0]).toMatch(
      /wrong members \(unexpected contact\)/,
    );
  });

  it('lists the code match as not checked when the export does not start at entry 0', () => {
    const entries = journal([...drawn, claim()]).slice(1);
    const check = createClaimCheck(soldCodes);
    for (const e of entries) expect(check(e)).toBeUndefined();
    expect(check.summary().notChecked).toEqual([
      'claim c1 (entry 4): the journal read starts at entry 1, so the winning sale may be missing',
    ]);
  });
});

describe('commitPersonalData', () => {
  it('is SHA-256 of the canonical JSON of the record and its salt (docs/draws.md 13.3)', () => {
    const data = { contact: 'jane@example.org', note: null };
    const salt = '00'.repeat(32);
    expect(canonicalJson({ data, salt })).toBe(
      `{"data":{"contact":"jane@example.org","note":null},"salt":"${salt}"}`,
    );
    expect(commitPersonalData(data, salt)).toBe(sha(canonicalJson({ data, salt })));
    expect(commitPersonalData(data, salt)).toBe(
      '534bd298cf90d1a5c601a5278d8806e2410b287d2f45ad1693102d898647530f',
    );
    expect(commitPersonalData(data, '01'.repeat(32))).not.toBe(commitPersonalData(data, salt));
  });
});
