// The offline check of DRAW_PRIZE entries (docs/draws.md section 5.4): a prize computed as a share of
// sales must be the arithmetic of section 8 over the paid, not voided sales journaled before its seal,
// with the share and seed of the rules journaled when the raffle opened. Fixed amounts must be the
// rules' amounts. An EntryCheck for the ledger's verifyJournal, beside createDrawCheck.

import type { EntryCheck, EntryCheckResult, JournalEntry } from '../../ledger/core/index.js';
import { DRAW_SEALED } from './draw-entries.js';
import { fiftyFiftyPrize } from './fifty-fifty-prize.js';

export const DRAW_PRIZE = 'DRAW_PRIZE';
export const PRIZE_CHECK_KIND = 'prize-recomputation';

/** The money an entry moves for a raffle: + a sale, - a void (the ticket module's mapping provides it). */
export type SalesAmounts = (
  entry: Readonly<JournalEntry>,
) => { raffleId: string; deltaMinor: number } | undefined;

interface RaffleMoney {
  /** Cumulative paid total after each entry that moved money: [seq, total] in seq order. */
  history: Array<[number, number]>;
  rules?: {
    prizeShareBps: number | null;
    seedMinor: number;
    prizes: Array<{ id: string; amountMinor: number | null }>;
  };
}

function totalBefore(money: RaffleMoney, treeSize: number): number {
  let lo = 0;
  let hi = money.history.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (money.history[mid][0] < treeSize) lo = mid + 1;
    else hi = mid;
  }
  return lo === 0 ? 0 : money.history[lo - 1][1];
}

export function createPrizeCheck(amounts: SalesAmounts): EntryCheck {
  const raffles = new Map<string, RaffleMoney>();
  const seals = new Map<string, { raffleId: string; treeSize: number }>();
  const raffle = (id: string) => {
    let money = raffles.get(id);
    if (!money) raffles.set(id, (money = { history: [] }));
    return money;
  };

  return (entry: Readonly<JournalEntry>): EntryCheckResult => {
    const p = entry.payload as Record<string, unknown>;
    try {
      const moved = amounts(entry);
      if (moved) {
        const money = raffle(moved.raffleId);
        const last = money.history.length === 0 ? 0 : money.history[money.history.length - 1][1];
        money.history.push([entry.seq, last + moved.deltaMinor]);
      }
    } catch {
      return undefined; // a malformed sale is the draw recomputation's to report
    }
    if (entry.type === 'RAFFLE_OPENED' && typeof p.raffleId === 'string' && typeof p.rules === 'object') {
      raffle(p.raffleId).rules = p.rules as RaffleMoney['rules'];
    } else if (entry.type === DRAW_SEALED) {
      const ledger = p.ledger as { treeSize?: number } | undefined;
      if (
        typeof p.sealId === 'string' &&
        typeof p.raffleId === 'string' &&
        typeof ledger?.treeSize === 'number'
      )
        seals.set(p.sealId, { raffleId: p.raffleId, treeSize: ledger.treeSize });
    } else if (entry.type === DRAW_PRIZE) {
      const problems: string[] = [];
      const money = raffles.get(String(p.raffleId));
      const seal = seals.get(String(p.sealId));
      const name = `prize ${String(p.prizeId)} of draw ${String(p.drawId)}`;
      if (!money?.rules || !seal || seal.raffleId !== p.raffleId) {
        problems.push(`${name}: its raffle's rules or seal ${String(p.sealId)} are not journaled before it`);
      } else if (p.basis === 'SHARE_OF_SALES') {
        const paid = totalBefore(money, seal.treeSize);
        const share = money.rules.prizeShareBps;
        if (share === null) problems.push(`${name}: a share of sales, but the raffle's rules have no share`);
        else {
          const split = fiftyFiftyPrize({ paidTotalMinor: paid, shareBasisPoints: share });
          const expected = {
            paidTotalMinor: paid,
            shareBasisPoints: share,
            shareMinor: split.prizeMinor,
            seedMinor: money.rules.seedMinor,
            amountMinor: split.prizeMinor + money.rules.seedMinor,
          };
          for (const [key, value] of Object.entries(expected)) {
            if (p[key] !== value)
              problems.push(`${name}: ${key} ${String(p[key])} journaled, ${value} recomputed`);
          }
        }
      } else {
        const base = String(p.prizeId).split('@')[0];
        const rule = money.rules.prizes.find((r) => r.id === base);
        if (!rule) problems.push(`${name}: the rules have no prize ${base}`);
        else if (p.amountMinor !== rule.amountMinor)
          problems.push(
            `${name}: amountMinor ${String(p.amountMinor)} journaled, the rules say ${String(rule.amountMinor)}`,
          );
      }
      if (problems.length > 0) return { kind: PRIZE_CHECK_KIND, message: problems.join('; ') };
    }
    return undefined;
  };
}
