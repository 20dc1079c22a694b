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
import { drawBindingKey, type JournaledRngRequest, rngBindingProblems } from './rng-request.js';
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
  /** By draw key (drawBindingKey): the request journaled for that draw and not used or abandoned yet. */
  const pendingByKey = new Map<string, JournaledRngRequest>();
  /** By draw key: the requests abandoned for that draw (checked against the draw finally made). */
  const abandonedByKey = new Map<string, JournaledRngRequest[]>();

  function bindingKey(request: JournaledRngRequest): string | undefined {
    return request.record.draw === undefined
      ? undefined
      : drawBindingKey(request.record.subject, request.record.draw);
  }

  /** An RNG_REQUEST: unique id; for a draw, no other request of that draw may be pending (a re-roll). */
  function handleRngRequest(
    entry: Readonly<JournalEntry>,
    request: JournaledRngRequest,
    problems: string[],
  ): void {
    const { requestId } = request.record;
    const earlier = rngRequests.get(requestId);
    if (earlier !== undefined) {
      problems.push(`RNG request id ${requestId} already used at entry ${earlier.seq}`);
      return;
    }
    rngRequests.set(requestId, request);
    const key = bindingKey(request);
    if (key === undefined) return;
    const pending = pendingByKey.get(key);
    if (pending !== undefined) {
      problems.push(
        `RNG request ${requestId} draws fresh bytes for ${key} while request ${pending.record.requestId} ` +
          `(entry ${pending.seq}) for the same draw was neither used nor abandoned: a re-roll`,
      );
    }
    pendingByKey.set(key, request);
  }

  /** An RNG_REQUEST_ABANDONED: of a journaled draw request, unused, abandoned once; listed as a warning. */
  function handleAbandoned(
    entry: Readonly<JournalEntry>,
    abandonment: { requestId: string; prizeId: string; drawId: string; reason: string },
    problems: string[],
  ): void {
    const request = rngRequests.get(abandonment.requestId);
    const name = `RNG request ${abandonment.requestId}`;
    if (request === undefined) {
      if (firstSeq === 0) problems.push(`abandons ${name}, which is not journaled before it`);
      else
        state.summary.notChecked.push(
          `abandonment of ${name} (entry ${entry.seq}): the journal read starts at entry ${firstSeq}, so the request may be before it`,
        );
      return;
    }
    const binding = request.record.draw;
    if (
      binding === undefined ||
      binding.prizeId !== abandonment.prizeId ||
      binding.drawId !== abandonment.drawId
    ) {
      problems.push(
        `abandons ${name} (entry ${request.seq}) as for prize ${abandonment.prizeId}, draw ${abandonment.drawId}, ` +
          `but it was journaled for ${binding === undefined ? 'no draw' : `prize ${binding.prizeId}, draw ${binding.drawId}`}`,
      );
      return;
    }
    if (request.usedBy !== undefined || request.abandoned !== undefined) {
      problems.push(
        `abandons ${name} (entry ${request.seq}), which was ${request.usedBy !== undefined ? `used by draw ${request.usedBy}` : `abandoned at entry ${request.abandoned!.seq}`}`,
      );
      return;
    }
    request.abandoned = { seq: entry.seq, reason: abandonment.reason };
    const key = bindingKey(request)!;
    if (pendingByKey.get(key) === request) pendingByKey.delete(key);
    abandonedByKey.set(key, [...(abandonedByKey.get(key) ?? []), request]);
    state.summary.rngRequestsAbandoned.push(
      `${name} (entry ${request.seq}) for ${key}, ${request.record.k} of ${request.record.n}: abandoned at entry ${entry.seq} (${abandonment.reason})`,
    );
  }

  /**
   * A draw used its bound request: that draw has no pending request any more. A request abandoned for
   * the same draw must have been asked about another pool (the pool only shrinks): one abandoned with
   * the draw's own k and pool size was given up for nothing, and its bytes re-rolled.
   */
  function handleUsedRequest(request: JournaledRngRequest, problems: string[]): void {
    const key = bindingKey(request);
    if (key === undefined) return;
    if (pendingByKey.get(key) === request) pendingByKey.delete(key);
    for (const abandoned of abandonedByKey.get(key) ?? []) {
      if (abandoned.record.k === request.record.k && abandoned.record.n === request.record.n) {
        problems.push(
          `RNG request ${abandoned.record.requestId} (entry ${abandoned.seq}) for ${key} was abandoned at entry ` +
            `${abandoned.abandoned!.seq}, yet the draw made with request ${request.record.requestId} asks the same ` +
            `question (${request.record.k} of ${request.record.n}): the abandoned bytes were re-rolled`,
        );
      }
    }
  }
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
    if (rngRequest) handleRngRequest(entry, { record: rngRequest, seq: entry.seq }, problems);
    const abandoned = mapped(`${entry.type} entry`, () => adapter.rngRequestAbandoned?.(entry), problems);
    if (abandoned) handleAbandoned(entry, abandoned, problems);
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
        const binding = rngBindingProblems(draw.payload, request);
        problems.push(...binding);
        if (request !== undefined && request.usedBy === undefined) {
          request.usedBy = drawId;
          if (binding.length === 0) handleUsedRequest(request, problems);
        }
      }
    }
    if (problems.length === 0) return undefined;
    return { kind: DRAW_CHECK_KIND, message: problems.join('; ') };
  };
  return Object.assign(check, {
    summary: () => ({
      ...state.summary,
      notChecked: [...state.summary.notChecked],
      rngRequestsPending: [...pendingByKey.entries()].map(
        ([key, request]) =>
          `RNG request ${request.record.requestId} (entry ${request.seq}) for ${key}, draw ${request.record.draw!.drawId}: no draw used it yet`,
      ),
      rngRequestsAbandoned: [...state.summary.rngRequestsAbandoned],
    }),
  });
}
