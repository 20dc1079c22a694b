import { fixedPrizeDraft, raffleDraft } from '../../test/support/factories.js';
import { jurisdictionProfile } from '../jurisdiction/jurisdiction-profiles.js';
import {
  checkRaffleRules,
  NEW_RULES_WINNER_EXCLUSION,
  newWinnerExclusionOf,
  normalizeRules,
  type PrizeRule,
  type RaffleRulesInput,
  STORED_RULES_WINNER_EXCLUSION,
  WINNER_EXCLUSIONS,
  winnerExclusionOf,
} from './raffle-rules.js';

function problems(input: RaffleRulesInput, options = {}) {
  const rules = normalizeRules(input);
  return checkRaffleRules(rules, jurisdictionProfile(rules.jurisdiction), options);
}

function fields(input: RaffleRulesInput, options = {}) {
  return problems(input, options).map((p) => p.field);
}

describe('raffle rules', () => {
  it('accepts a complete 50/50 and a fixed-prize raffle with a recurring early bird', () => {
    expect(problems(raffleDraft())).toEqual([]);
    expect(problems(fixedPrizeDraft())).toEqual([]);
  });

  it('normalises optional fields to explicit nulls and times to UTC ISO-8601', () => {
    const rules = normalizeRules(raffleDraft({ salesOpenAt: '2026-12-01T10:00:00-05:00' }));
    expect(rules.salesOpenAt).toBe('2026-12-01T15:00:00.000Z');
    expect(rules.licensee).toBeNull();
    expect(rules.site).toBeNull();
    expect(normalizeRules(raffleDraft({ site: 'Fargo Civic Center' })).site).toBe('Fargo Civic Center');
    expect(rules.packages[0].label).toBe('1 for $10');
    expect(rules.prizes[0]).toMatchObject({ drawCron: null, amountMinor: null, description: null });
  });

  it("stores each prize's winner exclusion explicitly, raffle when left out; stored rules without it read as seal", () => {
    const draft = fixedPrizeDraft();
    const [car, friday] = draft.prizes;
    const rules = normalizeRules({ ...draft, prizes: [{ ...car, winnerExclusion: 'seal' }, friday] });
    // A new or edited prize without a choice: one win per ticket in the raffle, written into the rules.
    expect(rules.prizes.map((prize) => prize.winnerExclusion)).toEqual(['seal', 'raffle']);
    expect(NEW_RULES_WINNER_EXCLUSION).toBe('raffle');
    expect(newWinnerExclusionOf({})).toBe('raffle');
    expect(newWinnerExclusionOf({ winnerExclusion: 'none' })).toBe('none');
    // Rules stored before the field existed have no member; they read as the exclusion draws used then.
    const { winnerExclusion, ...rest } = rules.prizes[1];
    const stored: PrizeRule = rest;
    expect(winnerExclusion).toBe('raffle');
    expect(STORED_RULES_WINNER_EXCLUSION).toBe('seal');
    expect(winnerExclusionOf(stored)).toBe('seal');
    expect(winnerExclusionOf(rules.prizes[0])).toBe('seal');
    expect(winnerExclusionOf(rules.prizes[1])).toBe('raffle');
    for (const choice of WINNER_EXCLUSIONS) {
      const prizes = [car, { ...friday, winnerExclusion: choice }];
      expect(problems({ ...draft, prizes })).toEqual([]);
      expect(normalizeRules({ ...draft, prizes }).prizes[1].winnerExclusion).toBe(choice);
    }
  });

  it('names the field of each cross-field problem', () => {
    const draft = raffleDraft();
    expect(fields({ ...draft, salesCloseAt: draft.salesOpenAt })).toContain('salesCloseAt');
    expect(
      fields({ ...draft, packages: [...draft.packages, { id: 'one', tickets: 2, priceMinor: 1_500 }] }),
    ).toEqual(['packages[3].id']);
    expect(fields({ ...draft, maxTicketsPerOrder: 5 })).toEqual(['packages[2].tickets']);
    expect(fields({ ...draft, maxTicketsPerBuyer: 10 })).toEqual(['maxTicketsPerBuyer']);
    expect(fields({ ...draft, prizeShareBps: null })).toEqual(['prizeShareBps']);
    expect(fields({ ...draft, channels: ['POS', 'POS'] })).toEqual(['channels']);
  });

  it('requires exactly one MAIN prize drawn once, after the sales close', () => {
    const draft = raffleDraft();
    expect(fields({ ...draft, prizes: [] })).toEqual(['prizes']);
    expect(fields({ ...draft, prizes: [{ ...draft.prizes[0], drawAt: draft.salesOpenAt }] })).toEqual([
      'prizes[0].drawAt',
    ]);
    expect(
      fields({ ...draft, prizes: [{ ...draft.prizes[0], drawAt: null, drawCron: '0 20 * * 5' }] }),
    ).toEqual(['prizes[0].drawCron']);
    expect(fields({ ...draft, prizes: [{ ...draft.prizes[0], amountMinor: 100 }] })).toEqual([
      'prizes[0].amountMinor',
    ]);
  });

  it('checks recurring draws against the sales window', () => {
    const draft = fixedPrizeDraft();
    const [main, early] = draft.prizes;
    expect(fields({ ...draft, prizes: [main, { ...early, drawCron: 'not cron' }] })).toEqual([
      'prizes[1].drawCron',
    ]);
    expect(fields({ ...draft, prizes: [main, { ...early, drawCron: '* * * * * *' }] })).toEqual([
      'prizes[1].drawCron',
    ]);
    expect(fields({ ...draft, prizes: [main, { ...early, amountMinor: null }] })).toEqual([
      'prizes[1].amountMinor',
    ]);
  });

  it('applies the jurisdiction profile: share, online RNG draws and receipt fields', () => {
    expect(fields(raffleDraft({ jurisdiction: 'ON-AGCO', prizeShareBps: 4_000 }))).toEqual(['prizeShareBps']);
    expect(problems(raffleDraft({ jurisdiction: 'ON-AGCO' }))).toEqual([]);
    const nd = problems(raffleDraft({ jurisdiction: 'ND-AG' }));
    expect(nd).toEqual([{ field: 'drawMethod', message: expect.stringContaining('DRAW-8') }]);
    expect(problems(raffleDraft({ jurisdiction: 'ND-AG', channels: ['POS'] }))).toEqual([]);
    expect(problems(raffleDraft({ jurisdiction: 'ND-AG', drawMethod: 'PHYSICAL' }))).toEqual([]);
    expect(fields(raffleDraft({ jurisdiction: 'WA-GCC' }))).toEqual([
      'licensee',
      'rulesUrl',
      'claimDeadlineDays',
    ]);
    expect(
      problems(
        raffleDraft({
          jurisdiction: 'WA-GCC',
          licensee: { name: 'Seattle Hospital Foundation', contact: '+1 206 555 0100' },
          rulesUrl: 'https://example.org/raffle/rules',
          claimDeadlineDays: 90,
        }),
      ),
    ).toEqual([]);
  });

  it('refuses to open a raffle whose window or draws have passed', () => {
    const draft = raffleDraft();
    const later = new Date(Date.parse(draft.salesCloseAt) + 1_000);
    expect(fields(draft, { opening: { now: later } })).toEqual(['salesCloseAt']);
    const afterDraw = new Date(Date.parse(draft.prizes[0].drawAt!) + 1);
    expect(fields(draft, { opening: { now: afterDraw } })).toEqual(['salesCloseAt', 'prizes[0].drawAt']);
  });
});
