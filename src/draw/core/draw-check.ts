// The offline verifier's recomputation of every seal and draw in a journal, as an EntryCheck of the
// ledger core's JournalVerifier (called in seq order for every well-formed entry):
//
//   const check = createDrawCheck(drawJournalAdapter(salesMapping));
//   const result = await verifyJournal(lines, { entryChecks: [check] });
//   check.summary();  // seals and draws recomputed, and what could not be checked
//
// It rebuilds each raffle's sold and voided ranges from the sale and void entries, recomputes each
// DRAW_SEALED (count, range count, root, journal root) and replays each DRAW_RESULT / DRAW_REDRAWN
// from its journaled RNG calls. Every mismatch is reported at the entry that journals it.

import type { EntryCheck, EntryCheckResult, JournalEntry, NoteVerifier } from '../../ledger/core/index.js';
import { SEAL_ALGORITHMS } from './draw-algorithm.js';
import { type DrawCheckSummary, newSummary, RaffleState, type SealStatus } from './draw-check-state.js';
import type { DrawSealedPayload } from './draw-entries.js';
import type { DrawJournalAdapter, RaffleRanges } from './draw-journal-adapter.js';
import { checkDraw, type DrawJournalState } from './draw-recomputation.js';
import { JournalRootHistory } from './journal-root-history.js';
import { checkSealLedger } from './seal-ledger-check.js';
import { type JournaledRngRequest, rngBindingProblems } from './rng-request.js';
import { recomputeSeal } from './seal-recomputation.js';
import type { SealedRanges } from './sealed-ranges.js';
import { describeRange, isTicketRange } from './ticket-range.js';

export interface DrawCheckOptions {
  /**
   * Keys whose signature a seal's journaled checkpoint must carry. Without them the checkpoint's
   * size and root are still compared, and the unchecked signature is listed in summary().notChecked.
   */
  checkpointVerifiers?: readonly NoteVerifier[];
}

export type DrawCheck = EntryCheck & {
  /** What was recomputed so far, and what could not be checked. */
  summary(): DrawCheckSummary;
};

/** Problem kind reported to the JournalVerifier. */
export const DRAW_CHECK_KIND = 'draw-recomputation';

export function createDrawCheck(adapter: DrawJournalAdapter, options: DrawCheckOptions = {}): DrawCheck {
  const raffles = new Map<string, RaffleState>();
  const state: DrawJournalState = {
    raffle: (raffleId) => {
      let raffle = raffles.get(raffleId);
      if (raffle === undefined) raffles.set(raffleId, (raffle = new RaffleState()));
      return raffle;
    },
    seals: new Map(),
    draws: new Map(),
    drawIds: new Map(),
    summary: newSummary(),
  };
  /** RNG_REQUEST entries read so far, by request id. */
  const rngRequests = new Map<string, JournaledRngRequest>();
  let firstSeq: number | undefined;
  let history: JournalRootHistory | undefined;

  function addRanges(
    entry: Readonly<JournalEntry>,
    what: 'sold' | 'voided',
    named: readonly RaffleRanges[],
    problems: string[],
  ): void {
    for (const { raffleId, ranges, deviceSaleTime } of named) {
      const raffle = state.raffle(raffleId);
      const closed = raffle.closedBy;
      if (what === 'sold' && closed !== undefined && ranges.length > 0) {
        problems.push(
          `sells ${ranges.map((r) => describeRange(r.first, r.last)).join(', ')} of raffle ${raffleId} after seal ${closed.sealId} ` +
            `(entry ${closed.seq}) closed its sales: these numbers are in no draw set (DRAW-2)`,
        );
      }
      for (const { first, last } of ranges) {
        if (!isTicketRange(first, last)) {
          problems.push(
            `${what} range {first: ${String(first)}, last: ${String(last)}} of raffle ${raffleId} is not a range of ticket numbers`,
          );
          continue;
        }
        if (what === 'sold') raffle.addSold(first, last, entry.seq, deviceSaleTime);
        else raffle.voided.add(first, last, entry.seq);
      }
    }
  }

  function mapped<T>(what: string, read: () => T, problems: string[]): T | undefined {
    try {
      return read();
    } catch (error) {
      problems.push(`${what}: ${(error as Error).message}`);
      return undefined;
    }
  }

  function handleSeal(entry: Readonly<JournalEntry>, seal: DrawSealedPayload, problems: string[]): void {
    state.summary.seals++;
    if (state.seals.has(seal.sealId)) {
      problems.push(`seal id ${seal.sealId} already used at entry ${state.seals.get(seal.sealId)!.seq}`);
      return;
    }
    const ledger = checkSealLedger(seal, entry.seq, history, options.checkpointVerifiers);
    problems.push(...ledger.problems);
    state.summary.notChecked.push(...ledger.notChecked);

    let status: SealStatus;
    let ranges: SealedRanges | undefined;
    if (!SEAL_ALGORITHMS.includes(seal.algorithm)) {
      problems.push(`seal ${seal.sealId}: unknown algorithm ${JSON.stringify(seal.algorithm)}`);
      status = 'unverifiable';
    } else if (firstSeq !== 0) {
      state.summary.notChecked.push(
        `seal ${seal.sealId} (entry ${entry.seq}): the journal read starts at entry ${firstSeq}, so its sales are incomplete`,
      );
      status = 'unverifiable';
    } else if (seal.ledger.treeSize > entry.seq) {
      status = 'inconsistent'; // reported by checkSealLedger
    } else {
      const recomputed = recomputeSeal(state.raffle(seal.raffleId), seal);
      problems.push(...recomputed.problems);
      ranges = recomputed.ranges;
      status = ranges === undefined ? 'inconsistent' : recomputed.matches ? 'recomputed' : 'mismatch';
      if (status === 'recomputed') state.summary.sealsRecomputed++;
    }
    if (seal.salesClosed) closeSales(entry, seal, problems);
    state.seals.set(seal.sealId, {
      raffleId: seal.raffleId,
      prizeIds: new Set(seal.prizeIds),
      seq: entry.seq,
      commitment: { count: seal.count, rangeCount: seal.rangeCount, root: seal.root },
      ranges,
      status,
    });
  }

  /** A final seal: sales journaled after its cut-off (and before it) missed the draw set. */
  function closeSales(entry: Readonly<JournalEntry>, seal: DrawSealedPayload, problems: string[]): void {
    const raffle = state.raffle(seal.raffleId);
    const cutoff = seal.cutoff.treeSize;
    const late: string[] = [];
    for (let i = 0; i < raffle.sold.length; i++) {
      if (raffle.sold.tag(i)! >= cutoff)
        late.push(
          `${describeRange(raffle.sold.first(i), raffle.sold.last(i))} (entry ${raffle.sold.tag(i)})`,
        );
    }
    if (late.length > 0) {
      problems.push(
        `seal ${seal.sealId} closes the sales of raffle ${seal.raffleId} at tree size ${cutoff}, but ${late.length} sale(s) ` +
          `were journaled after that and before the seal, and are in no draw set (DRAW-2): ${late.slice(0, 5).join(', ')}${late.length > 5 ? ', ...' : ''}`,
      );
    }
    raffle.closedBy ??= { sealId: seal.sealId, seq: entry.seq, cutoff };
  }

  const check = (entry: Readonly<JournalEntry>): EntryCheckResult => {
    if (firstSeq === undefined) {
      firstSeq = entry.seq;
      if (firstSeq === 0) history = new JournalRootHistory();
    }
    // A journal with a gap cannot give roots any more; the verifier reports the gap itself.
    if (history !== undefined && history.size === entry.seq) history.push(Buffer.from(entry.hash, 'hex'));
    else history = undefined;

    const problems: string[] = [];
    const sold = mapped('sale mapping', () => adapter.soldRanges(entry), problems);
    if (sold) addRanges(entry, 'sold', sold, problems);
    const voided = mapped('void mapping', () => adapter.voidedRanges(entry), problems);
    if (voided) addRanges(entry, 'voided', voided, problems);
    const seal = mapped(`${entry.type} entry`, () => adapter.sealed(entry), problems);
    if (seal) handleSeal(entry, seal, problems);
    const rngRequest = mapped(`${entry.type} entry`, () => adapter.rngRequest(entry), problems);
    if (rngRequest) {
      const earlier = rngRequests.get(rngRequest.requestId);
      if (earlier !== undefined) {
        problems.push(`RNG request id ${rngRequest.requestId} already used at entry ${earlier.seq}`);
      } else {
        rngRequests.set(rngRequest.requestId, { record: rngRequest, seq: entry.seq });
      }
    }
    const draw = mapped(`${entry.type} entry`, () => adapter.drawn(entry), problems);
    if (draw) {
      problems.push(...checkDraw(state, entry.seq, draw));
      // The bytes replayed must be the ones the RNG journaled before the draw, for this draw only.
      const { rngRequestId, drawId } = draw.payload;
      const request = rngRequestId === null ? undefined : rngRequests.get(rngRequestId);
      if (request === undefined && rngRequestId !== null && firstSeq !== 0) {
        state.summary.notChecked.push(
          `draw ${drawId} (entry ${entry.seq}): the journal read starts at entry ${firstSeq}, so its RNG request may be before it`,
        );
      } else {
        problems.push(...rngBindingProblems(draw.payload, request));
        if (request !== undefined) request.usedBy ??= drawId;
      }
    }
    if (problems.length === 0) return undefined;
    return { kind: DRAW_CHECK_KIND, message: problems.join('; ') };
  };
  return Object.assign(check, {
    summary: () => ({ ...state.summary, notChecked: [...state.summary.notChecked] }),
  });
}
