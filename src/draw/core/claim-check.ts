// The offline check of prize claims and winner contact attempts (docs/draws.md section 13.5), an
// EntryCheck for the ledger's verifyJournal beside createDrawCheck and createPrizeCheck. In seq order
// it keeps each prize's current winners (DRAW_RESULT, less the tickets a DRAW_REDRAWN replaced, plus the
// redraw's), the amount each draw awarded (DRAW_PRIZE), the claims so far and, through the ticket
// module's mapping, each sale's range and validation-number hash. It reports, at the entry:
//   - a claim or contact attempt of a draw not journaled before it, of another raffle or prize, or of a
//     ticket that is not (or no longer) a current winner of that draw: a claim on a redrawn draw;
//   - a second claim of one winner, or a claim id used twice;
//   - a claim whose validation-number hash is not the one journaled with the sale of the ticket;
//   - a claim whose amount is not the draw's DRAW_PRIZE amount;
//   - a DRAW_REDRAWN for an unclaimed prize (reason "unclaimed: ...") replacing a claimed winner.

import type { EntryCheck, EntryCheckResult, JournalEntry } from '../../ledger/core/index.js';
import {
  PRIZE_CLAIMED,
  readPrizeClaimed,
  readWinnerContactAttempted,
  WINNER_CONTACT_ATTEMPTED,
} from './claim-entries.js';
import { DRAW_REDRAWN, DRAW_RESULT } from './draw-entries.js';
import { DrawFormatError } from './draw-format-error.js';
import { DRAW_PRIZE } from './prize-check.js';

export const CLAIM_CHECK_KIND = 'claim-check';

/** A sale and the hash of its validation number, as the ticket module journals it (TICKETS_SOLD). */
export type SoldCodes = (
  entry: Readonly<JournalEntry>,
) => { raffleId: string; first: number; last: number; codeHash: string } | undefined;

export interface ClaimCheckSummary {
  claims: number;
  contactAttempts: number;
  /** Claims whose validation number was matched with the winning sale. */
  codesMatched: number;
  notChecked: string[];
}

export type ClaimCheck = EntryCheck & { summary(): ClaimCheckSummary };

interface DrawSeen {
  raffleId: string;
  prizeId: string;
  /** The prize's DRAW_RESULT (the draw itself for a result). */
  resultId: string;
  tickets: number[];
}

interface Sales {
  firsts: number[];
  lasts: number[];
  hashes: string[];
}

export function createClaimCheck(soldCodes: SoldCodes): ClaimCheck {
  const draws = new Map<string, DrawSeen>();
  /** Current winners per DRAW_RESULT id. */
  const winners = new Map<string, number[]>();
  const prizeAmounts = new Map<string, number | null>();
  const claimed = new Map<string, number>();
  const claimIds = new Set<string>();
  const sales = new Map<string, Sales>();
  const summary: ClaimCheckSummary = { claims: 0, contactAttempts: 0, codesMatched: 0, notChecked: [] };
  let firstSeq: number | undefined;
  const winnerKey = (raffleId: string, prizeId: string, ticket: number) =>
    `${raffleId}\n${prizeId}\n${ticket}`;

  function record(entry: Readonly<JournalEntry>): void {
    let sale;
    try {
      sale = soldCodes(entry);
    } catch {
      return; // a malformed sale is the draw recomputation's to report
    }
    if (sale) {
      let s = sales.get(sale.raffleId);
      if (!s) sales.set(sale.raffleId, (s = { firsts: [], lasts: [], hashes: [] }));
      s.firsts.push(sale.first);
      s.lasts.push(sale.last);
      s.hashes.push(sale.codeHash);
      return;
    }
    const p = entry.payload as Record<string, unknown>;
    if (entry.type === DRAW_RESULT && typeof p.drawId === 'string' && Array.isArray(p.tickets)) {
      const tickets = p.tickets as number[];
      draws.set(p.drawId, {
        raffleId: String(p.raffleId),
        prizeId: String(p.prizeId),
        resultId: p.drawId,
        tickets,
      });
      winners.set(p.drawId, [...tickets]);
    } else if (entry.type === DRAW_PRIZE && typeof p.drawId === 'string') {
      prizeAmounts.set(p.drawId, typeof p.amountMinor === 'number' ? p.amountMinor : null);
    }
  }

  /** A redraw replaces one winner; one for an unclaimed prize must not replace a claimed winner. */
  function redrawn(entry: Readonly<JournalEntry>): string | undefined {
    const p = entry.payload as Record<string, unknown>;
    const replaces = p.replaces as { drawId?: unknown; ticket?: unknown; reason?: unknown } | undefined;
    if (typeof p.drawId !== 'string' || !Array.isArray(p.tickets) || typeof replaces?.drawId !== 'string') {
      return undefined; // malformed: the draw recomputation reports it
    }
    const tickets = p.tickets as number[];
    draws.set(p.drawId, {
      raffleId: String(p.raffleId),
      prizeId: String(p.prizeId),
      resultId: replaces.drawId,
      tickets,
    });
    const current = winners.get(replaces.drawId);
    const at = current?.indexOf(replaces.ticket as number) ?? -1;
    if (current && at >= 0 && tickets.length === 1) current[at] = tickets[0];
    const claim = claimed.get(winnerKey(String(p.raffleId), String(p.prizeId), replaces.ticket as number));
    if (
      claim !== undefined &&
      typeof replaces.reason === 'string' &&
      replaces.reason.startsWith('unclaimed')
    ) {
      return `redraw ${p.drawId} replaces ticket ${String(replaces.ticket)} as unclaimed, but its prize was claimed at entry ${claim}`;
    }
    return undefined;
  }

  /** Problems with the draw and ticket a claim or contact attempt names: it must be a standing winner. */
  function standing(raffleId: string, prizeId: string, drawId: string, ticket: number): string[] {
    const draw = draws.get(drawId);
    if (!draw) return [`draw ${drawId} is not journaled before it`];
    if (draw.raffleId !== raffleId || draw.prizeId !== prizeId) {
      return [
        `draw ${drawId} is of raffle ${draw.raffleId} prize ${draw.prizeId}, not ${raffleId} ${prizeId}`,
      ];
    }
    if (!draw.tickets.includes(ticket)) return [`ticket ${ticket} is not a winner of draw ${drawId}`];
    if (!(winners.get(draw.resultId) ?? []).includes(ticket)) {
      return [`ticket ${ticket} of draw ${drawId} was replaced by a redraw: the draw no longer stands`];
    }
    return [];
  }

  function claim(entry: Readonly<JournalEntry>): string[] {
    const c = readPrizeClaimed(entry.payload);
    summary.claims++;
    const problems = standing(c.raffleId, c.prizeId, c.drawId, c.ticket);
    if (claimIds.has(c.claimId)) problems.push(`claim id ${c.claimId} is used twice`);
    claimIds.add(c.claimId);
    const key = winnerKey(c.raffleId, c.prizeId, c.ticket);
    const earlier = claimed.get(key);
    if (earlier !== undefined)
      problems.push(`ticket ${c.ticket} of prize ${c.prizeId} was claimed already at entry ${earlier}`);
    else claimed.set(key, entry.seq);
    if (firstSeq !== 0) {
      summary.notChecked.push(
        `claim ${c.claimId} (entry ${entry.seq}): the journal read starts at entry ${firstSeq}, so the winning sale may be missing`,
      );
    } else {
      const s = sales.get(c.raffleId);
      let found: string | undefined;
      if (s) {
        for (let i = s.firsts.length - 1; i >= 0; i--) {
          if (s.firsts[i] <= c.ticket && c.ticket <= s.lasts[i]) {
            found = s.hashes[i];
            break;
          }
        }
      }
      if (found === undefined) problems.push(`no sale of ticket ${c.ticket} is journaled before it`);
      else if (found !== c.codeHash) {
        problems.push(
          `the validation number presented (hash ${c.codeHash}) is not the one sold with ticket ${c.ticket}`,
        );
      } else summary.codesMatched++;
    }
    if (!prizeAmounts.has(c.drawId)) problems.push(`draw ${c.drawId} has no DRAW_PRIZE before it`);
    else if (prizeAmounts.get(c.drawId) !== c.amountMinor) {
      problems.push(
        `amountMinor ${String(c.amountMinor)} paid, the draw awarded ${String(prizeAmounts.get(c.drawId))}`,
      );
    }
    return problems.map((p) => `claim ${c.claimId} of ${c.prizeId}: ${p}`);
  }

  function contact(entry: Readonly<JournalEntry>): string[] {
    const a = readWinnerContactAttempted(entry.payload);
    summary.contactAttempts++;
    return standing(a.raffleId, a.prizeId, a.drawId, a.ticket).map(
      (p) => `contact attempt ${a.attemptId} of ${a.prizeId}: ${p}`,
    );
  }

  const check = (entry: Readonly<JournalEntry>): EntryCheckResult => {
    firstSeq ??= entry.seq;
    let problems: string[] = [];
    try {
      if (entry.type === PRIZE_CLAIMED) problems = claim(entry);
      else if (entry.type === WINNER_CONTACT_ATTEMPTED) problems = contact(entry);
      else if (entry.type === DRAW_REDRAWN) {
        const problem = redrawn(entry);
        if (problem) problems = [problem];
      } else record(entry);
    } catch (error) {
      if (!(error instanceof DrawFormatError)) throw error;
      problems = [`${entry.type} is not in the documented format: ${error.message}`];
    }
    return problems.length > 0 ? { kind: CLAIM_CHECK_KIND, message: problems.join('; ') } : undefined;
  };
  return Object.assign(check, {
    summary: () => ({ ...summary, notChecked: [...summary.notChecked] }),
  });
}
