// The offline check that every draw used the exclusion its prize's rules chose (docs/draws.md 4.3, 7).
// The draw recomputation checks a draw's excluded tickets against the rule the draw itself names; on
// its own that would let an operator name another rule than the licensed one (give a main prize whose
// rules say "one win per ticket" to the early-bird winner by journaling `seal`). The rules compared
// with are the ones frozen and journaled when sales opened (RAFFLE_OPENED). An EntryCheck for the
// ledger's verifyJournal, beside createDrawCheck and createPrizeCheck.

import type { EntryCheck, EntryCheckResult, JournalEntry } from '../../ledger/core/index.js';
import { DRAW_REDRAWN, DRAW_RESULT, EXCLUSIONS, type Exclusion } from './draw-entries.js';

export const EXCLUSION_RULE_CHECK_KIND = 'exclusion-rule';
export const RAFFLE_OPENED = 'RAFFLE_OPENED';
/**
 * Every draw used `seal` before prizes could choose: rules journaled then have no `winnerExclusion`.
 * (New rules store the member, `raffle` when the operator left it out, so this reads old rules only.)
 */
export const RULES_DEFAULT_EXCLUSION: Exclusion = 'seal';

export interface ExclusionRuleSummary {
  /** Draws and redraws read. */
  draws: number;
  /** Of those, the ones compared with their prize's journaled rule. */
  checked: number;
  notChecked: string[];
}

export type ExclusionRuleCheck = EntryCheck & { summary(): ExclusionRuleSummary };

interface OpenedRules {
  seq: number;
  /** Prize id -> its winnerExclusion as journaled (the default for rules without one). */
  prizes: Map<string, unknown>;
}

export function createExclusionRuleCheck(): ExclusionRuleCheck {
  const raffles = new Map<string, OpenedRules>();
  const summary: ExclusionRuleSummary = { draws: 0, checked: 0, notChecked: [] };
  let firstSeq: number | undefined;
  const problem = (message: string) => ({ kind: EXCLUSION_RULE_CHECK_KIND, message });

  function opened(entry: Readonly<JournalEntry>, p: Record<string, unknown>): EntryCheckResult {
    if (typeof p.raffleId !== 'string') return undefined;
    const prizes = (p.rules as { prizes?: unknown } | null | undefined)?.prizes;
    if (!Array.isArray(prizes)) {
      return problem(`raffle ${p.raffleId}: the rules journaled when sales opened have no prizes`);
    }
    const rules: OpenedRules = { seq: entry.seq, prizes: new Map() };
    const wrong: string[] = [];
    for (const prize of prizes as Array<Record<string, unknown> | null>) {
      if (typeof prize?.id !== 'string') continue;
      const chosen = prize.winnerExclusion === undefined ? RULES_DEFAULT_EXCLUSION : prize.winnerExclusion;
      if (typeof chosen !== 'string' || !EXCLUSIONS.includes(chosen as Exclusion))
        wrong.push(
          `prize ${prize.id}: winnerExclusion ${JSON.stringify(chosen)} is not one of ${EXCLUSIONS.join(', ')}`,
        );
      rules.prizes.set(prize.id, chosen);
    }
    raffles.set(p.raffleId, rules);
    return wrong.length > 0 ? problem(`raffle ${p.raffleId}: ${wrong.join('; ')}`) : undefined;
  }

  function drawn(entry: Readonly<JournalEntry>, p: Record<string, unknown>): EntryCheckResult {
    // A malformed draw entry is the draw recomputation's to report.
    if (typeof p.raffleId !== 'string' || typeof p.prizeId !== 'string' || typeof p.exclusion !== 'string')
      return undefined;
    summary.draws++;
    const name = `draw ${String(p.drawId)} of prize ${p.prizeId}`;
    const rules = raffles.get(p.raffleId);
    if (rules === undefined) {
      if (firstSeq === 0)
        return problem(`${name}: raffle ${p.raffleId} has no rules journaled (RAFFLE_OPENED) before it`);
      summary.notChecked.push(
        `${name} (entry ${entry.seq}): the journal read starts at entry ${firstSeq}, after its raffle's rules`,
      );
      return undefined;
    }
    // A recurring prize's draws are journaled as `<prize id>@<time>`; prize ids have no `@`.
    const prizeId = p.prizeId.split('@')[0];
    if (!rules.prizes.has(prizeId))
      return problem(`${name}: the raffle's rules (entry ${rules.seq}) have no prize ${prizeId}`);
    summary.checked++;
    const expected = rules.prizes.get(prizeId);
    if (p.exclusion !== expected) {
      return problem(
        `${name}: exclusion ${JSON.stringify(p.exclusion)} journaled, but the raffle's rules (entry ${rules.seq}) ` +
          `set winnerExclusion ${JSON.stringify(expected)} for prize ${prizeId}`,
      );
    }
    return undefined;
  }

  const check = (entry: Readonly<JournalEntry>): EntryCheckResult => {
    firstSeq ??= entry.seq;
    const p = entry.payload as Record<string, unknown>;
    if (entry.type === RAFFLE_OPENED) return opened(entry, p);
    if (entry.type === DRAW_RESULT || entry.type === DRAW_REDRAWN) return drawn(entry, p);
    return undefined;
  };
  return Object.assign(check, {
    summary: () => ({ ...summary, notChecked: [...summary.notChecked] }),
  });
}
