import { exportLine, type JournalEntry, verifyJournal } from '../../ledger/core/index.js';
import { frontierOf } from '../../ledger/core/testing/journal-fixtures.js';
import { createDrawCheck } from './draw-check.js';
import type { Exclusion } from './draw-entries.js';
import { drawJournalAdapter } from './draw-journal-adapter.js';
import {
  createExclusionRuleCheck,
  EXCLUSION_RULE_CHECK_KIND,
  RAFFLE_OPENED,
} from './exclusion-rule-check.js';
import { DrawJournalBuilder } from './testing/draw-journal-builder.js';
import { sampleSalesMapping } from './testing/sample-sales-mapping.js';

type Prizes = Array<Record<string, unknown>>;

/**
 * A raffle whose rules say the early bird may go to anyone and the main prize to a ticket that has
 * not won yet; the main draw journals `mainExclusion` with the excluded tickets that rule gives, so
 * the journal is coherent for the draw recomputation whatever it names.
 */
async function journal(
  prizes: Prizes,
  mainExclusion: Exclusion,
  options: { mainPrizeId?: string } = {},
): Promise<{ entries: JournalEntry[]; seqs: Record<string, number>; earlyWinner: number }> {
  const b = new DrawJournalBuilder();
  const seqs: Record<string, number> = {};
  seqs.opened = b.size;
  b.drafts.push({
    type: RAFFLE_OPENED,
    subject: 'raffle/r1',
    payload: { raffleId: 'r1', rules: { prizes } } as never,
    time: '2026-11-23T07:00:00.000Z',
  });
  b.sell('r1', 1, 5);
  b.sell('r1', 6, 6);
  const cutoff = b.size;
  b.seal({ raffleId: 'r1', sealId: 'seal-eb', prizeIds: ['early'], cutoff });
  const early = await b.draw({ sealId: 'seal-eb', prizeId: 'early', drawId: 'draw-eb', exclusion: 'none' });
  seqs.early = b.size - 1;
  b.sell('r1', 7, 9);
  const mainPrizeId = options.mainPrizeId ?? 'main';
  b.seal({ raffleId: 'r1', sealId: 'seal-main', prizeIds: [mainPrizeId] });
  const main = await b.draw({
    sealId: 'seal-main',
    prizeId: mainPrizeId,
    drawId: 'draw-main',
    exclusion: mainExclusion,
    excluded: mainExclusion === 'raffle' ? early.tickets : [],
  });
  seqs.main = b.size - 1;
  await b.redraw({
    sealId: 'seal-main',
    prizeId: mainPrizeId,
    drawId: 'draw-main-2',
    replaces: { drawId: 'draw-main', ticket: main.tickets[0], reason: 'winner ineligible: employee' },
    exclusion: mainExclusion,
    excluded: [...new Set([...(mainExclusion === 'raffle' ? early.tickets : []), main.tickets[0]])],
  });
  seqs.redraw = b.size - 1;
  return { entries: b.entries(), seqs, earlyWinner: early.tickets[0] };
}

/** The journal verified with the draw recomputation and the exclusion check, from `start`. */
async function verified(entries: JournalEntry[], start = 0) {
  const draws = createDrawCheck(drawJournalAdapter(sampleSalesMapping({ skipUnknownOrders: start > 0 })));
  const exclusions = createExclusionRuleCheck();
  const startOption =
    start === 0
      ? {}
      : { start: { frontier: frontierOf(entries.slice(0, start)), prevHash: entries[start - 1].hash } };
  const result = await verifyJournal(entries.slice(start).map(exportLine), {
    entryChecks: [draws, exclusions],
    ...startOption,
  });
  // The verifier prefixes each message with its entry, kept here as `seq`.
  const problems = result.problems.map((p) => ({
    seq: p.seq,
    kind: p.kind,
    message: p.message.replace(`entry ${p.seq}: `, ''),
  }));
  return { result, problems, draws: draws.summary(), exclusions: exclusions.summary() };
}

const RULES: Prizes = [
  { id: 'main', winnerExclusion: 'raffle' },
  { id: 'early', winnerExclusion: 'none' },
];

describe('createExclusionRuleCheck: each draw uses the exclusion its prize journaled in the rules', () => {
  it('accepts draws and redraws that follow the rules, and the main draw leaves the early-bird winner out', async () => {
    const built = await journal(RULES, 'raffle');
    const { result, problems, draws, exclusions } = await verified(built.entries);
    expect(problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(draws).toMatchObject({ draws: 3, drawsReplayed: 3 });
    expect(exclusions).toEqual({ draws: 3, checked: 3, notChecked: [] });
    const main = built.entries[built.seqs.main].payload as { excluded: number[]; tickets: number[] };
    expect(main.excluded).toEqual([built.earlyWinner]);
    expect(main.tickets).not.toContain(built.earlyWinner);
  });

  it('fails a coherent draw that names another exclusion than its rules (the recomputation alone accepts it)', async () => {
    const built = await journal(RULES, 'seal');
    const { problems } = await verified(built.entries);
    expect(problems).toEqual([
      {
        seq: built.seqs.main,
        kind: EXCLUSION_RULE_CHECK_KIND,
        message: `draw draw-main of prize main: exclusion "seal" journaled, but the raffle's rules (entry ${built.seqs.opened}) set winnerExclusion "raffle" for prize main`,
      },
      {
        seq: built.seqs.redraw,
        kind: EXCLUSION_RULE_CHECK_KIND,
        message: expect.stringContaining('draw draw-main-2 of prize main: exclusion "seal" journaled'),
      },
    ]);
  });

  it('reads rules journaled without winnerExclusion as seal, the only exclusion draws used then', async () => {
    const old = await journal([{ id: 'main' }, { id: 'early' }], 'seal');
    // The early bird journaled `none`, which its (old) rules do not say; the main draw's `seal` they do.
    expect((await verified(old.entries)).problems).toEqual([
      {
        seq: old.seqs.early,
        kind: EXCLUSION_RULE_CHECK_KIND,
        message: `draw draw-eb of prize early: exclusion "none" journaled, but the raffle's rules (entry 0) set winnerExclusion "seal" for prize early`,
      },
    ]);
    const built = await journal([{ id: 'main' }, { id: 'early', winnerExclusion: 'none' }], 'seal');
    expect((await verified(built.entries)).problems).toEqual([]);
    const forced = await journal([{ id: 'main' }, { id: 'early', winnerExclusion: 'none' }], 'raffle');
    expect((await verified(forced.entries)).problems.map((p) => p.message)).toEqual([
      expect.stringContaining('exclusion "raffle" journaled, but the raffle\'s rules'),
      expect.stringContaining('exclusion "raffle" journaled, but the raffle\'s rules'),
    ]);
  });

  it('checks an occurrence of a recurring prize against the prize it belongs to', async () => {
    const occurrence = 'main@2026-12-04T20:00:00.000Z';
    const good = await journal(RULES, 'raffle', { mainPrizeId: occurrence });
    expect((await verified(good.entries)).problems).toEqual([]);
    const bad = await journal(RULES, 'none', { mainPrizeId: occurrence });
    expect((await verified(bad.entries)).problems[0].message).toBe(
      `draw draw-main of prize ${occurrence}: exclusion "none" journaled, but the raffle's rules (entry 0) set winnerExclusion "raffle" for prize main`,
    );
  });

  it('reports a prize the rules do not have, and a winnerExclusion that is not a rule', async () => {
    const missing = await journal([{ id: 'early', winnerExclusion: 'none' }], 'seal');
    expect((await verified(missing.entries)).problems.map((p) => p.message)).toEqual([
      "draw draw-main of prize main: the raffle's rules (entry 0) have no prize main",
      "draw draw-main-2 of prize main: the raffle's rules (entry 0) have no prize main",
    ]);
    const invalid = await journal(
      [...RULES.slice(0, 1), { id: 'early', winnerExclusion: 'twice' }],
      'raffle',
    );
    const { problems } = await verified(invalid.entries);
    expect(problems[0]).toEqual({
      seq: 0,
      kind: EXCLUSION_RULE_CHECK_KIND,
      message: 'raffle r1: prize early: winnerExclusion "twice" is not one of none, seal, raffle',
    });
    expect(problems[1].message).toContain('exclusion "none" journaled');
  });

  it('lists draws as not checked in an export that starts after the rules, and fails them in a whole one', async () => {
    const built = await journal(RULES, 'seal');
    const partial = await verified(built.entries, 1);
    expect(partial.problems.filter((p) => p.kind === EXCLUSION_RULE_CHECK_KIND)).toEqual([]);
    expect(partial.exclusions).toMatchObject({ draws: 3, checked: 0 });
    expect(partial.exclusions.notChecked[0]).toMatch(
      /^draw draw-eb of prize early \(entry \d+\): the journal read starts at entry 1, after its raffle's rules$/,
    );

    const check = createExclusionRuleCheck();
    const withoutRules = built.entries.filter((e) => e.type !== RAFFLE_OPENED);
    const found = withoutRules.map((e, seq) => check({ ...e, seq })).filter((p) => p !== undefined);
    expect(found).toHaveLength(3);
    expect(found[0]).toEqual({
      kind: EXCLUSION_RULE_CHECK_KIND,
      message: 'draw draw-eb of prize early: raffle r1 has no rules journaled (RAFFLE_OPENED) before it',
    });
  });
});
