import { randomUUID } from 'node:crypto';
import { Injectable, Logger, type OnModuleInit } from '@nestjs/common';
import { originFields, type Origin } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import { AppConfig } from '../config/environment.js';
import { DatabaseService, sqlState, type Tx } from '../database/database.service.js';
import { SoftwareIntegrityService } from '../integrity/software-integrity.service.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { LedgerService, type QueuedEntry } from '../ledger/ledger.service.js';
import type { RaffleStatus } from '../raffle/raffle-lifecycle.js';
import { winnerExclusionOf } from '../raffle/raffle-rules.js';
import { RaffleService, type FrozenRaffle } from '../raffle/raffle.service.js';
import { type PendingDrawRequest, type RngDrawBinding, RngService } from '../rng/rng.service.js';
import { SALES_ENTRY_TYPES, TICKETS_SOLD, TICKETS_VOIDED } from '../ticket/core/sales-journal.js';
import { TicketService, type WinningTicket } from '../ticket/ticket.service.js';
import {
  currentWinners,
  DRAW_PRIZE,
  DrawPool,
  type DrawRandom,
  drawRedrawnDraft,
  type DrawRedrawnPayload,
  drawResultDraft,
  type DrawResultPayload,
  drawSealedDraft,
  type DrawSealedPayload,
  excludedTickets,
  fiftyFiftyPrize,
  liveDrawPayload,
  normaliseTickets,
  type PriorDraw,
  raffleEntrySubject,
  type RngCallRecord,
  SEAL_ALGORITHM,
  SEAL_ALGORITHM_DEVICE_TIME,
  type SealSizes,
  type SealedSet,
  type SetCommitment,
  type TicketRangeBuffer,
  sealSet,
  winnersFromPositions,
} from './core/index.js';
import { drawFaultPoint } from './draw-fault.js';
import { DrawSets } from './draw-sets.js';
import { DrawRepository, type DrawRow, type SealRow } from './draw.repository.js';
import { type PrizeDraw, prizeDraws, sealKeyOf } from './prize-draws.js';

export const SCHEDULER = 'system:scheduler';

export type RedrawCause = 'INELIGIBLE' | 'UNCLAIMED';

interface TicketTables {
  ranges: TicketRangeBuffer;
  totals: { paidTotalMinor: number };
}

export interface RedrawInput {
  ticket: number;
  cause: RedrawCause;
  reason: string;
}

/**
 * What the prize-claims service checks inside the draw service's transactions, under the raffle's
 * draw lock (registered at start, as the ticket module's void guard is, to keep the dependency one-way).
 */
export interface ClaimGuards {
  /** Refuses a redraw for UNCLAIMED of a winner who claimed. */
  redraw(
    trx: Tx,
    input: { raffleId: string; prizeId: string; ticket: number; cause: RedrawCause },
  ): Promise<void>;
  /** Refuses a settlement while prizes are outstanding; returns what RAFFLE_SETTLED adds about claims. */
  settle(trx: Tx, raffle: FrozenRaffle, draws: DrawRow[], now: Date): Promise<JsonObject>;
}

/** A draw that cannot run yet, and why (the scheduler tries again). */
export class DrawWaiting extends DomainException {
  constructor(message: string) {
    super(409, 'DRAW_WAITING', message);
  }
}

const INTEGRATION_WAIT_MS = 5_000;
const FOLD_FAILURE_LOG_MS = 3_600_000;
const SETTLE_POLL_MS = 50;

/**
 * Draws: seals each prize's set from the journal, draws winners with the RNG, journals everything
 * in the transaction that records the draw, redraws, and serves draws, proofs and results read back
 * from the journal. Exactly once across replicas: per-raffle advisory lock and unique constraints.
 */
@Injectable()
export class DrawService implements OnModuleInit {
  private readonly logger = new Logger('DrawService');
  private claimGuards?: ClaimGuards;
  private readonly foldFailuresLogged = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly repository: DrawRepository,
    private readonly sets: DrawSets,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
    private readonly tickets: TicketService,
    private readonly rng: RngService,
    private readonly integrity: SoftwareIntegrityService,
  ) {}

  registerClaimGuards(guards: ClaimGuards): void {
    this.claimGuards = guards;
  }

  onModuleInit(): void {
    this.tickets.registerWinnerSource((raffleId) => this.winningTickets(raffleId));
    this.tickets.registerVoidGuard((trx, raffleId) => this.voidGuard(trx, raffleId));
  }

  // --- drawing --------------------------------------------------------------------------------

  /**
   * Makes the draw of one prize (or recurring occurrence) once it is due: seals its set if that is
   * not done, then draws. If the draw was made already (here or by another replica), returns it.
   */
  async run(
    raffleId: string,
    prizeId: string,
    by: string,
    origin: Origin,
    now = new Date(),
  ): Promise<DrawRow> {
    const raffle = await this.requireRaffle(raffleId);
    if (raffle.rules.drawMethod !== 'RNG') {
      throw new DomainException(
        409,
        'DRAW_METHOD_PHYSICAL',
        `raffle ${raffleId} is drawn with a physical randomiser (drawMethod ${raffle.rules.drawMethod}), not by the RNG`,
      );
    }
    const planned = prizeDraws(raffle.rules).find((d) => d.prizeId === prizeId);
    if (!planned) {
      throw new DomainException(404, 'PRIZE_NOT_FOUND', `raffle ${raffleId} has no prize draw ${prizeId}`, [
        {
          field: 'prizeId',
          messages: [
            `prizeId must be one of ${prizeDraws(raffle.rules)
              .map((d) => d.prizeId)
              .join(', ')}`,
          ],
        },
      ]);
    }
    const existing = await this.resultOf(raffleId, prizeId);
    if (existing) return existing;
    if (now.getTime() < planned.at.getTime()) {
      throw new DomainException(
        409,
        'DRAW_NOT_DUE',
        `the draw of ${prizeId} is scheduled for ${planned.at.toISOString()} (DRAW-1)`,
      );
    }
    const seal = await this.sealFor(raffle, planned, now);
    return this.draw(raffle, planned, seal, by, origin);
  }

  /**
   * Seals the final set of a raffle whose sales have closed (before its MAIN draw time, if that is
   * later): from then on no ticket can leave the set. Returns undefined when there is nothing to seal.
   */
  async sealFinal(raffleId: string, now = new Date()): Promise<SealRow | undefined> {
    const raffle = await this.requireRaffle(raffleId);
    const main = prizeDraws(raffle.rules).find((d) => d.final);
    if (raffle.rules.drawMethod !== 'RNG' || !main) return undefined;
    return this.sealFor(raffle, main, now);
  }

  /** Raffles whose sales have closed and whose final set is not sealed yet. */
  async finalSealsDue(): Promise<string[]> {
    const due: string[] = [];
    for (let offset = 0; ; offset += 100) {
      const page = await this.raffles.list({ status: 'CLOSED', limit: 100, offset });
      for (const raffle of page) {
        if (raffle.drawMethod === 'RNG' && !(await this.repository.sealByKey(raffle.id, 'final')))
          due.push(raffle.id);
      }
      if (page.length < 100) return due;
    }
  }

  /** The prize draws of open and closed raffles that are due now and not made yet. */
  async due(now = new Date()): Promise<Array<{ raffleId: string; prizeId: string }>> {
    const due: Array<{ raffleId: string; prizeId: string }> = [];
    for (const status of ['OPEN', 'CLOSED'] as const) {
      for (let offset = 0; ; offset += 100) {
        const page = await this.raffles.list({ status, limit: 100, offset });
        for (const raffle of page) {
          if (raffle.drawMethod !== 'RNG') continue;
          const drawn = new Set(
            (await this.repository.draws(raffle.id))
              .filter((d) => d.kind === 'result')
              .map((d) => d.prize_id),
          );
          for (const planned of prizeDraws(raffle)) {
            if (drawn.has(planned.prizeId) || planned.at.getTime() > now.getTime()) continue;
            if (planned.final && status !== 'CLOSED') continue; // sales have not closed yet
            if (!planned.final && planned.at.getTime() + this.config.DRAW_CUTOFF_GRACE_MS > now.getTime())
              continue;
            due.push({ raffleId: raffle.id, prizeId: planned.prizeId });
          }
        }
        if (page.length < 100) break;
      }
    }
    return due;
  }

  /**
   * Reads the journal's new sales and voids of every raffle that will be sealed (OPEN, or CLOSED
   * without its final seal) into its fold, so that the final seal reads only the last entries; drops
   * the folds of the others. Returns the raffles folded.
   */
  async foldSales(): Promise<string[]> {
    const { treeSize } = await this.ledger.head();
    const folded: string[] = [];
    for (const status of ['OPEN', 'CLOSED'] as const) {
      for (let offset = 0; ; offset += 100) {
        const page = await this.raffles.list({ status, limit: 100, offset });
        for (const raffle of page) {
          if (raffle.drawMethod !== 'RNG') continue;
          if (status === 'CLOSED' && (await this.repository.sealByKey(raffle.id, 'final'))) continue;
          folded.push(raffle.id);
        }
        if (page.length < 100) break;
      }
    }
    this.sets.retainFolds(new Set(folded));
    for (const raffleId of folded) {
      try {
        await this.sets.advance(raffleId, treeSize);
      } catch (error) {
        // The seal reads the journal again and reports the entry at fault; here once an hour is enough.
        const last = this.foldFailuresLogged.get(raffleId) ?? 0;
        if (Date.now() - last >= FOLD_FAILURE_LOG_MS) {
          this.foldFailuresLogged.set(raffleId, Date.now());
          this.logger.warn(
            { err: error, event: 'draw_fold_failed', raffleId },
            `the sales of raffle ${raffleId} could not be folded from the journal`,
          );
        }
      }
    }
    return folded;
  }

  private async sealFor(raffle: FrozenRaffle, planned: PrizeDraw, now: Date): Promise<SealRow> {
    const sealKey = sealKeyOf(planned);
    const existing = await this.repository.sealByKey(raffle.id, sealKey);
    if (existing) return existing;
    const status = (await this.raffles.get(raffle.id)).status;
    this.requireDrawable(raffle.id, planned, status);
    if (!planned.final && now.getTime() < planned.at.getTime() + this.config.DRAW_CUTOFF_GRACE_MS) {
      throw new DrawWaiting(
        `the cut-off of ${planned.prizeId} was ${planned.at.toISOString()}: sales in flight then are given ` +
          `${this.config.DRAW_CUTOFF_GRACE_MS} ms to commit before the set is sealed`,
      );
    }
    // SALE-4, DRAW-2: every offline sale is uploaded (or its numbers returned) before the final seal;
    // before a seal during sales, every block reserved before its cut-off (a block reserved later
    // holds no sale recorded before it: an upload refuses a sale before its block was reserved).
    const reservations = await this.tickets.reservations(raffle.id);
    const holding = planned.final
      ? reservations.outstanding
      : reservations.outstanding.filter((b) => b.reservedAt.getTime() < planned.at.getTime());
    if (holding.length > 0) {
      throw new DrawWaiting(
        `${holding.length} block(s) of numbers${planned.final ? '' : ` reserved before the cut-off of ${planned.prizeId}`} ` +
          `are still out on seller devices (${holding.map((b) => `${b.blockId} on ${b.deviceId}`).join(', ')}): ` +
          'upload or return them before the draw (SALE-4)',
      );
    }
    const cutoff = planned.final ? undefined : planned.at;
    // Offline sales recorded before the cut-off, as the ticket tables hold them (every such block is in).
    const deviceSalesBefore = cutoff ? await this.tickets.offlineSalesBefore(raffle.id, cutoff) : 0;
    const subject = raffleEntrySubject(raffle.id);
    for (let attempt = 0; ; attempt++) {
      const treeSize = await this.settledTreeSize(subject, cutoff);
      // The database reads the ticket tables while this process seals from the journal.
      const tables = planned.final ? this.ticketTables(raffle.id) : undefined;
      const journal = await this.sets.journalSales(raffle.id, treeSize, cutoff);
      const sizes: SealSizes = {
        cutoffTreeSize: planned.final ? treeSize : journal.cutoffTreeSize,
        ledgerTreeSize: treeSize,
        ...(cutoff ? { deviceCutoffMs: cutoff.getTime() } : {}),
      };
      if (cutoff && journal.fold.deviceSalesBefore(cutoff.getTime()) < deviceSalesBefore) {
        // An upload of sales made before the cut-off committed, and is not integrated below treeSize yet.
        if (attempt >= 2) {
          throw new DrawWaiting(
            `offline sales of raffle ${raffle.id} recorded before the cut-off of ${planned.prizeId} are not all ` +
              'integrated in the journal yet; the seal is retried later',
          );
        }
        await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
        continue;
      }
      const set = this.sets.seal(journal, sizes);
      if (tables) await this.crossCheck(raffle.id, set, journal.paidTotalMinor, await tables);
      const rootHash = (await this.ledger.rootAt(treeSize)).toString('hex');
      const checkpoint = await this.ledger.checkpointAt(treeSize);
      const payload: DrawSealedPayload = {
        raffleId: raffle.id,
        sealId: randomUUID(),
        prizeIds: [planned.prizeId],
        algorithm: planned.final ? SEAL_ALGORITHM : SEAL_ALGORITHM_DEVICE_TIME,
        cutoff: {
          treeSize: sizes.cutoffTreeSize,
          time: (cutoff ?? new Date(raffle.rules.salesCloseAt)).toISOString(),
        },
        salesClosed: planned.final,
        ledger: { treeSize, rootHash, checkpoint },
        count: set.count,
        rangeCount: set.rangeCount,
        root: set.root,
      };
      const sealed = await this.database.transaction(async (trx) => {
        await this.repository.lockRaffle(trx, raffle.id);
        const other = await this.repository.sealByKey(raffle.id, sealKey, trx);
        if (other) return other;
        this.requireDrawable(raffle.id, planned, await this.raffles.statusInTransaction(trx, raffle.id));
        // A void (any) or a sale before the cut-off committed since the journal was read: read again.
        if ((await this.unsettled(subject, treeSize, cutoff, trx)) > 0) return undefined;
        const [queued] = await this.ledger.append(trx, drawSealedDraft(payload));
        const row = {
          id: payload.sealId,
          raffle_id: raffle.id,
          seal_key: sealKey,
          prize_ids: JSON.stringify(payload.prizeIds),
          sales_closed: payload.salesClosed,
          cutoff_tree_size: sizes.cutoffTreeSize,
          ledger_tree_size: treeSize,
          ticket_count: set.count,
          range_count: set.rangeCount,
          root: set.root,
          paid_total_minor: planned.final ? journal.paidTotalMinor : null,
          queue_id: queued.queueId,
          recorded_at: queued.recordedAt,
          created_at: new Date(),
        };
        await this.repository.insertSeal(trx, row);
        return row;
      });
      if (sealed) {
        if (sealed.id === payload.sealId) {
          this.sets.remember(sealed.id, set);
          this.logger.log(
            { event: 'draw_sealed', raffleId: raffle.id, sealId: sealed.id, count: set.count, treeSize },
            `sealed ${set.count} tickets of raffle ${raffle.id} for ${planned.prizeId} at tree size ${treeSize}`,
          );
        }
        return sealed;
      }
      if (attempt >= 2) {
        throw new DrawWaiting(
          `sales or voids of raffle ${raffle.id} keep arriving; the seal is retried later`,
        );
      }
    }
  }

  /**
   * A tree size below which every sale and void of the raffle (before `cutoff`, if given) is
   * integrated, waiting up to DRAW_SETTLE_WAIT_MS for the sequencer.
   */
  private async settledTreeSize(subject: string, cutoff: Date | undefined): Promise<number> {
    const deadline = Date.now() + this.config.DRAW_SETTLE_WAIT_MS;
    for (;;) {
      const { treeSize } = await this.ledger.head();
      if ((await this.unsettled(subject, treeSize, cutoff)) === 0) {
        return treeSize;
      }
      if (Date.now() >= deadline) {
        throw new DrawWaiting(`sales or voids of ${subject} are not integrated in the journal yet`);
      }
      await new Promise((resolve) => setTimeout(resolve, SETTLE_POLL_MS));
    }
  }

  /**
   * Sale and void entries of the raffle not integrated below `treeSize`: every void (a void after an
   * early-bird cut-off still takes its ticket out of that set), but only the sales journaled before the
   * cut-off (sales after it go on and belong to later draws).
   */
  private async unsettled(
    subject: string,
    treeSize: number,
    cutoff: Date | undefined,
    trx?: Tx,
  ): Promise<number> {
    if (cutoff === undefined) return this.ledger.unsettledAbout(subject, SALES_ENTRY_TYPES, treeSize, trx);
    return (
      (await this.ledger.unsettledAbout(subject, [TICKETS_VOIDED], treeSize, trx)) +
      (await this.ledger.unsettledAbout(subject, [TICKETS_SOLD], treeSize, trx, cutoff))
    );
  }

  /**
   * The final set must equal what the ticket tables hold (sold, not voided), and its paid total the
   * sales counter's: a difference means the tables and the journal disagree, and nothing is drawn.
   */
  private async crossCheck(
    raffleId: string,
    set: SealedSet,
    paidTotalMinor: number,
    { ranges, totals }: TicketTables,
  ): Promise<void> {
    const fromTables = sealSet(normaliseTickets({ sold: ranges }));
    if (fromTables.root !== set.root || totals.paidTotalMinor !== paidTotalMinor) {
      this.logger.error(
        {
          event: 'draw_set_mismatch',
          raffleId,
          journal: { ...set.commitment, paidTotalMinor },
          tables: { ...fromTables.commitment, paidTotalMinor: totals.paidTotalMinor },
        },
        `the journal and the ticket tables of raffle ${raffleId} disagree; the draw is stopped`,
      );
      throw new DomainException(
        500,
        'DRAW_SET_MISMATCH',
        `the journal and the ticket records of raffle ${raffleId} disagree on the tickets sold; the draw is stopped`,
      );
    }
  }

  /** The paid orders' numbers and the sales counter; a failure surfaces where it is awaited. */
  private ticketTables(raffleId: string): Promise<TicketTables> {
    const read = Promise.all([this.tickets.paidTicketRanges(raffleId), this.tickets.salesTotals(raffleId)]);
    const tables = read.then(([ranges, totals]) => ({ ranges, totals }));
    tables.catch(() => undefined); // awaited later, or not at all when the seal fails first
    return tables;
  }

  private requireDrawable(raffleId: string, planned: PrizeDraw, status: RaffleStatus): void {
    const allowed: readonly RaffleStatus[] = planned.final ? ['CLOSED'] : ['OPEN', 'CLOSED'];
    if (!allowed.includes(status)) {
      throw new DomainException(
        409,
        'RAFFLE_NOT_DRAWABLE',
        planned.final && status === 'OPEN'
          ? `raffle ${raffleId} is still OPEN: the ${planned.prizeId} draw waits for sales to close`
          : `raffle ${raffleId} is ${status}: ${planned.prizeId} cannot be drawn`,
      );
    }
  }

  private async draw(
    raffle: FrozenRaffle,
    planned: PrizeDraw,
    seal: SealRow,
    by: string,
    origin: Origin,
  ): Promise<DrawRow> {
    const subject = raffleEntrySubject(raffle.id);
    const set = await this.sets.setOf(seal);
    // DRAW-4: the running code is authenticated right before every draw (journaled by integrity).
    await this.integrity.assertDrawsAllowed({ subject });
    const amount = this.prizeAmount(raffle, planned, seal);
    let made: DrawRow | undefined;
    const row = await this.inDrawTransaction(() =>
      this.drawWithDurableRequest(raffle.id, {
        plan: async (trx) => {
          const other = await this.resultOf(raffle.id, planned.prizeId, trx);
          if (other) return other;
          this.requireDrawable(raffle.id, planned, await this.raffles.statusInTransaction(trx, raffle.id));
          const prior = await this.repository.draws(raffle.id, trx);
          const exclusion = winnerExclusionOf(planned.prize);
          const excluded = excludedTickets({
            exclusion,
            sealId: seal.id,
            priorDraws: prior.map(toPriorDraw),
            ranges: set.ranges,
          });
          const pool = DrawPool.excluding(set.ranges, excluded);
          return {
            subject,
            purpose: 'draw',
            pool,
            k: pool.size > 0 ? 1 : 0,
            binding: { key: `result:${planned.prizeId}`, prizeId: planned.prizeId, replaces: null },
            prior,
            exclusion,
            excluded,
          };
        },
        commit: async (trx, plan, picked) => {
          const drawnAt = new Date();
          const payload = liveDrawPayload({
            raffleId: raffle.id,
            prizeId: planned.prizeId,
            sealId: seal.id,
            sealed: sealCommitmentOf(seal),
            random: picked,
            selection: plan,
            winners: winnersFromPositions(set.ranges, plan.pool, picked.positions),
            drawnAt,
          });
          const [entry, prizeEntry] = await this.ledger.append(
            trx,
            drawResultDraft(payload),
            this.prizeDraft(raffle, planned, payload.drawId, seal, amount, by, origin),
          );
          made = {
            id: payload.drawId,
            raffle_id: raffle.id,
            prize_id: planned.prizeId,
            seal_id: seal.id,
            kind: 'result',
            replaces_draw_id: null,
            replaces_ticket: null,
            repeats: false,
            tickets: JSON.stringify(payload.tickets),
            queue_id: entry.queueId,
            prize_queue_id: prizeEntry.queueId,
            recorded_at: entry.recordedAt,
            drawn_by: by,
            drawn_at: drawnAt,
          };
          await this.repository.insertDraw(trx, made);
          await this.markDrawnIfComplete(trx, raffle, [...plan.prior, made], by, origin);
          return made;
        },
      }),
    );
    if (row === made) {
      drawFaultPoint(this.config, 'kill-after-commit');
      this.logger.log(
        { event: 'draw_made', raffleId: raffle.id, prizeId: planned.prizeId, drawId: row.id, by },
        `drew ${planned.prizeId} of raffle ${raffle.id}: draw ${row.id}`,
      );
    }
    return row;
  }

  /** A second result of a prize loses on the unique index: the draw that committed stands. */
  private async inDrawTransaction(work: () => Promise<DrawRow>): Promise<DrawRow> {
    try {
      return await work();
    } catch (error) {
      if (sqlState(error) === '23505') {
        throw new DomainException(
          409,
          'DRAW_ALREADY_MADE',
          'this prize was drawn meanwhile; a redraw is the only way to change a winner',
        );
      }
      throw error;
    }
  }

  /**
   * A draw or redraw in two transactions, each under the raffle's draw lock (docs/draws.md 11.1):
   * 1. the RNG request commits first (rng_request + RNG_REQUEST naming the draw it is for), unless a
   *    committed request for the same draw key is pending (a draw that crashed after it): then that
   *    one is reused, so a crash cannot re-roll the winner; a pending request whose pool no longer
   *    fits (another draw of the raffle committed in between) is abandoned, journaled;
   * 2. the draw replays the committed bytes, marks the request consumed and journals its result.
   * `plan` re-reads the state in each transaction and returns the draw that exists instead, if any.
   */
  private async drawWithDurableRequest<P extends DrawPlan>(
    raffleId: string,
    steps: {
      plan: (trx: Tx) => Promise<DrawRow | P>;
      commit: (trx: Tx, plan: P, picked: PickedRandom) => Promise<DrawRow>;
    },
  ): Promise<DrawRow> {
    for (let attempt = 1; attempt <= DRAW_REQUEST_ATTEMPTS; attempt++) {
      const reserved = await this.database.transaction(async (trx) => {
        await this.repository.lockRaffle(trx, raffleId);
        const plan = await steps.plan(trx);
        if (isDrawRow(plan) || plan.k === 0) return plan;
        const pending = await this.rng.pendingDrawRequest(trx, plan.subject, plan.binding.key);
        if (pending !== undefined && requestFits(pending, plan)) return plan;
        if (pending !== undefined) {
          await this.rng.abandon(
            trx,
            pending,
            plan.binding,
            `the pool changed before the draw: ${pending.k} of ${pending.n} requested, ${plan.k} of ${plan.pool.size} now`,
          );
        }
        await this.rng.draw(
          { purpose: plan.purpose, subject: plan.subject, k: plan.k, n: plan.pool.size, repeats: false },
          trx,
          { ...plan.binding, drawId: randomUUID() },
        );
        drawFaultPoint(this.config, 'kill-after-rng');
        return plan;
      });
      if (isDrawRow(reserved)) return reserved;
      if (reserved.k > 0) drawFaultPoint(this.config, 'kill-after-rng-request');
      const row = await this.database.transaction(async (trx) => {
        await this.repository.lockRaffle(trx, raffleId);
        const plan = await steps.plan(trx);
        if (isDrawRow(plan)) return plan;
        if (plan.k === 0) return steps.commit(trx, plan, this.noRandom());
        const pending = await this.rng.pendingDrawRequest(trx, plan.subject, plan.binding.key);
        if (pending === undefined || !requestFits(pending, plan)) return undefined; // changed: again
        await this.rng.consume(trx, pending.requestId, pending.drawId);
        return steps.commit(trx, plan, pickedFrom(pending));
      });
      if (row !== undefined) return row;
    }
    throw new DomainException(
      503,
      'DRAW_RETRY_EXHAUSTED',
      `the draws of raffle ${raffleId} kept changing the pool of this draw; it is retried later`,
    );
  }

  /** A draw with no eligible ticket (k = 0) asks the RNG for nothing. */
  private noRandom(): PickedRandom {
    const info = this.rng.info();
    return {
      drawId: randomUUID(),
      requestId: null,
      positions: [],
      calls: [],
      rng: { provider: info.provider, certified: info.certified, identity: info.identity },
    };
  }

  /** CLOSED -> DRAWN once every prize draw of the rules has its result (in the last draw's transaction). */
  private async markDrawnIfComplete(
    trx: Tx,
    raffle: FrozenRaffle,
    draws: DrawRow[],
    by: string,
    origin: Origin,
  ): Promise<void> {
    if ((await this.raffles.statusInTransaction(trx, raffle.id)) !== 'CLOSED') return;
    const results = new Map(draws.filter((d) => d.kind === 'result').map((d) => [d.prize_id, d]));
    const planned = prizeDraws(raffle.rules);
    if (!planned.every((d) => results.has(d.prizeId))) return;
    await this.raffles.markDrawn(trx, raffle.id, by, origin, {
      draws: planned.map((d) => ({ prizeId: d.prizeId, drawId: results.get(d.prizeId)!.id })),
    });
  }

  // --- prizes ---------------------------------------------------------------------------------

  private prizeAmount(raffle: FrozenRaffle, planned: PrizeDraw, seal: SealRow): JsonObject {
    const { rules } = raffle;
    const shared = rules.type === 'FIFTY_FIFTY' || rules.type === 'PROGRESSIVE';
    if (planned.final && shared) {
      if (seal.paid_total_minor === null || rules.prizeShareBps === null) {
        throw new Error(`final seal ${seal.id} of a ${rules.type} raffle has no paid total`);
      }
      const split = fiftyFiftyPrize({
        paidTotalMinor: seal.paid_total_minor,
        shareBasisPoints: rules.prizeShareBps,
      });
      return {
        amountMinor: split.prizeMinor + rules.seedMinor,
        basis: 'SHARE_OF_SALES',
        paidTotalMinor: seal.paid_total_minor,
        shareBasisPoints: rules.prizeShareBps,
        shareMinor: split.prizeMinor,
        seedMinor: rules.seedMinor,
        rounding: 'down',
      };
    }
    return {
      amountMinor: planned.prize.amountMinor,
      basis: planned.prize.amountMinor === null ? 'DESCRIBED' : 'FIXED',
      paidTotalMinor: null,
      shareBasisPoints: null,
      shareMinor: null,
      seedMinor: null,
      rounding: null,
    };
  }

  /**
   * DRAW_PRIZE: what a draw (or redraw) awards, and who ran it from where (LOG-3, LOG-5: the scheduler
   * or a named user). The origin goes here, not in DRAW_RESULT / DRAW_REDRAWN: those are read exactly
   * by the verifier and published whole with every draw proof, and a caller's address is not public.
   */
  private prizeDraft(
    raffle: FrozenRaffle,
    planned: PrizeDraw,
    drawId: string,
    seal: SealRow,
    amount: JsonObject,
    by: string,
    origin: Origin,
  ) {
    return {
      type: DRAW_PRIZE,
      subject: raffleEntrySubject(raffle.id),
      payload: {
        raffleId: raffle.id,
        prizeId: planned.prizeId,
        drawId,
        sealId: seal.id,
        name: planned.prize.name,
        kind: planned.prize.kind,
        description: planned.prize.description,
        currency: raffle.rules.currency,
        ...amount,
        by,
        ...originFields(origin),
      },
    };
  }

  // --- redraws --------------------------------------------------------------------------------

  /**
   * Replaces one winner of a prize (DRAW-6, DRAW-7): admin only, with a cause and a reason, from the
   * same sealed set without the replaced ticket and the prize's other winners; DRAW_REDRAWN journaled.
   */
  async redraw(drawId: string, input: RedrawInput, by: string, origin: Origin): Promise<DrawRow> {
    const replaced = await this.repository.draw(drawId);
    if (!replaced) throw drawNotFound(drawId);
    const resultId = replaced.kind === 'result' ? replaced.id : replaced.replaces_draw_id!;
    const result = (await this.repository.draw(resultId))!;
    const raffle = await this.requireRaffle(result.raffle_id);
    if (input.cause === 'UNCLAIMED') this.checkUnclaimedRedraw(raffle, result);
    const seal = (await this.repository.seal(result.seal_id))!;
    const planned = prizeDraws(raffle.rules).find((d) => d.prizeId === result.prize_id)!;
    const amount = this.prizeAmount(raffle, planned, seal);
    const set = await this.sets.setOf(seal);
    const subject = raffleEntrySubject(raffle.id);
    await this.integrity.assertDrawsAllowed({ subject });
    const reason = `${input.cause === 'UNCLAIMED' ? 'unclaimed' : 'winner ineligible'}: ${input.reason}`;
    let made: DrawRow | undefined;
    const row = await this.drawWithDurableRequest(raffle.id, {
      plan: async (trx) => {
        const status = await this.raffles.statusInTransaction(trx, raffle.id);
        if (status === 'CANCELLED' || status === 'SETTLED') {
          throw new DomainException(
            409,
            'RAFFLE_NOT_DRAWABLE',
            `raffle ${raffle.id} is ${status}: no redraw`,
          );
        }
        const prior = await this.repository.draws(raffle.id, trx);
        const priorDraws = prior.map(toPriorDraw);
        const winners = currentWinners(result.id, priorDraws) ?? [];
        if (!winners.includes(input.ticket)) {
          throw new DomainException(
            409,
            'NOT_A_CURRENT_WINNER',
            `ticket ${input.ticket} is not a current winner of draw ${result.id} (current: ${winners.join(', ') || 'none'})`,
            [
              {
                field: 'ticket',
                messages: [`ticket must be a current winner of the draw: ${winners.join(', ')}`],
              },
            ],
          );
        }
        await this.claimGuards?.redraw(trx, {
          raffleId: raffle.id,
          prizeId: result.prize_id,
          ticket: input.ticket,
          cause: input.cause,
        });
        const replaces = { drawId: result.id, ticket: input.ticket };
        // The prize's own rule, as for its draw: a redraw must not hand it to a ticket the rules keep out.
        const exclusion = winnerExclusionOf(planned.prize);
        const excluded = excludedTickets({
          exclusion,
          sealId: seal.id,
          priorDraws,
          replaces,
          ranges: set.ranges,
        });
        const pool = DrawPool.excluding(set.ranges, excluded);
        if (pool.size === 0) {
          throw new DomainException(
            409,
            'NO_ELIGIBLE_TICKETS',
            `no ticket of seal ${seal.id} is left to redraw ${result.prize_id} from`,
          );
        }
        return {
          subject,
          purpose: 'redraw' as const,
          pool,
          k: 1,
          binding: { key: `redraw:${result.id}:${input.ticket}`, prizeId: result.prize_id, replaces },
          exclusion,
          excluded,
          replaces,
        };
      },
      commit: async (trx, plan, picked) => {
        const drawnAt = new Date();
        const payload: DrawRedrawnPayload = {
          ...liveDrawPayload({
            raffleId: raffle.id,
            prizeId: result.prize_id,
            sealId: seal.id,
            sealed: sealCommitmentOf(seal),
            random: picked,
            selection: plan,
            winners: winnersFromPositions(set.ranges, plan.pool, picked.positions),
            drawnAt,
          }),
          replaces: { ...plan.replaces, reason },
        };
        const [entry, prizeEntry] = await this.ledger.append(
          trx,
          drawRedrawnDraft(payload),
          this.prizeDraft(raffle, planned, payload.drawId, seal, amount, by, origin),
        );
        made = {
          id: payload.drawId,
          raffle_id: raffle.id,
          prize_id: result.prize_id,
          seal_id: seal.id,
          kind: 'redraw',
          replaces_draw_id: result.id,
          replaces_ticket: input.ticket,
          repeats: false,
          tickets: JSON.stringify(payload.tickets),
          queue_id: entry.queueId,
          prize_queue_id: prizeEntry.queueId,
          recorded_at: entry.recordedAt,
          drawn_by: by,
          drawn_at: drawnAt,
        };
        await this.repository.insertDraw(trx, made);
        return made;
      },
    }).catch((error: unknown) => {
      if (sqlState(error) === '23505') {
        throw new DomainException(
          409,
          'ALREADY_REDRAWN',
          `ticket ${input.ticket} of draw ${result.id} was replaced already`,
        );
      }
      throw error;
    });
    this.logger.log(
      {
        event: 'draw_redrawn',
        raffleId: raffle.id,
        drawId: row.id,
        replaces: result.id,
        ticket: input.ticket,
        by,
      },
      `redrew ${result.prize_id} of raffle ${raffle.id}: ticket ${input.ticket} replaced (${reason})`,
    );
    return row;
  }

  /** DRAW-7: an unclaimed prize is redrawn only where the profile allows it, after the claim period. */
  private checkUnclaimedRedraw(raffle: FrozenRaffle, result: DrawRow): void {
    const { handling, minimumHoldDays } = raffle.profile.unclaimedPrize.value;
    if (handling === 'HOLD_IN_TRUST') {
      throw new DomainException(
        409,
        'UNCLAIMED_PRIZE_HELD',
        `${raffle.profile.name} holds unclaimed prizes in trust for at least ${minimumHoldDays} days (${raffle.profile.unclaimedPrize.trace.join(', ')}): no redraw for an unclaimed prize`,
        [{ field: 'cause', messages: ['UNCLAIMED is not a redraw cause under this jurisdiction'] }],
      );
    }
    const days = Math.max(raffle.rules.claimDeadlineDays ?? 0, minimumHoldDays);
    const claimEnds = result.drawn_at.getTime() + days * 86_400_000;
    if (Date.now() < claimEnds) {
      throw new DomainException(
        409,
        'CLAIM_PERIOD_OPEN',
        `the claim period of draw ${result.id} ends ${new Date(claimEnds).toISOString()}; an unclaimed prize is redrawn only after it`,
        [{ field: 'cause', messages: ['the claim period has not ended'] }],
      );
    }
  }

  // --- settlement -----------------------------------------------------------------------------

  /**
   * DRAWN -> SETTLED once every standing winner has claimed or passed the claim period (then held in
   * trust or handled as the profile requires; docs/draws.md section 13.4): an admin's statement,
   * journaled with the raffle's draws, claims and unclaimed prizes as RAFFLE_SETTLED.
   */
  async settle(raffleId: string, note: string, by: string, origin: Origin, now = new Date()): Promise<void> {
    const raffle = await this.requireRaffle(raffleId);
    await this.database.transaction(async (trx) => {
      await this.repository.lockRaffle(trx, raffle.id);
      const draws = await this.repository.draws(raffle.id, trx);
      const claims = (await this.claimGuards?.settle(trx, raffle, draws, now)) ?? {};
      await this.raffles.markSettled(trx, raffle.id, by, origin, {
        note,
        draws: draws.map((d) => ({ drawId: d.id, prizeId: d.prize_id, kind: d.kind })),
        ...claims,
      });
    });
  }

  // --- voids during a seal --------------------------------------------------------------------

  /**
   * Called by the ticket module inside a void's transaction: no ticket may leave a sealed set. A void
   * waits while a seal or draw of the raffle is being committed, and is refused once the final set is
   * sealed, or while a set sealed during sales awaits its draw.
   */
  private async voidGuard(trx: Tx, raffleId: string): Promise<string | undefined> {
    await this.repository.lockRaffleShared(trx, raffleId);
    const state = await this.repository.sealState(trx, raffleId);
    if (state.finalSealed)
      return 'the tickets of this raffle are sealed for the draw: no ticket can leave the sealed set';
    if (state.undrawnSeals > 0)
      return 'a set of this raffle is sealed and awaits its draw: try again once it is drawn';
    return undefined;
  }

  // --- reading --------------------------------------------------------------------------------

  private resultOf(raffleId: string, prizeId: string, trx?: Tx): Promise<DrawRow | undefined> {
    return this.repository
      .draws(raffleId, trx)
      .then((draws) => draws.find((d) => d.kind === 'result' && d.prize_id === prizeId));
  }

  /** The journal entry of a queued draw or seal, once integrated. */
  async journaled(queue: { queue_id: number; recorded_at: Date }, timeoutMs = INTEGRATION_WAIT_MS) {
    const entry: QueuedEntry = { queueId: queue.queue_id, recordedAt: queue.recorded_at };
    let seq: number;
    try {
      [{ seq }] = await this.ledger.integrated([entry], timeoutMs);
    } catch (error) {
      this.logger.warn(
        { err: error, queueId: queue.queue_id },
        'a draw entry awaits integration in the journal',
      );
      throw new DomainException(
        503,
        'NOT_YET_JOURNALED',
        'this draw is recorded and awaits its place in the journal; nothing is shown before it is journaled: retry shortly',
      );
    }
    return this.ledger.entry(seq);
  }

  requireDraw(drawId: string): Promise<DrawRow> {
    return this.repository.draw(drawId).then((row) => {
      if (!row) throw drawNotFound(drawId);
      return row;
    });
  }

  requireSeal(sealId: string): Promise<SealRow> {
    return this.repository.seal(sealId).then((row) => row!);
  }

  drawsOf(raffleId: string): Promise<DrawRow[]> {
    return this.repository.draws(raffleId);
  }

  sealsOf(raffleId: string): Promise<SealRow[]> {
    return this.repository.seals(raffleId);
  }

  setOf(seal: SealRow): Promise<SealedSet> {
    return this.sets.setOf(seal);
  }

  async requireRaffle(raffleId: string): Promise<FrozenRaffle> {
    const raffle = await this.raffles.frozen(raffleId);
    if (!raffle) throw new DomainException(404, 'RAFFLE_NOT_FOUND', `raffle ${raffleId} does not exist`);
    return raffle;
  }

  /** The current winners of a raffle, read from the journaled draws (for ticket verification). */
  async winningTickets(raffleId: string): Promise<WinningTicket[]> {
    const raffle = await this.raffles.frozen(raffleId);
    if (!raffle) return [];
    const draws = await this.repository.draws(raffleId);
    const journaled: PriorDraw[] = [];
    for (const row of draws) {
      const entry = await this.journaled(row);
      const payload = entry.payload as unknown as DrawResultPayload | DrawRedrawnPayload;
      journaled.push({
        drawId: payload.drawId,
        sealId: payload.sealId,
        repeats: payload.repeats,
        tickets: payload.tickets,
        ...('replaces' in payload
          ? { replaces: { drawId: payload.replaces.drawId, ticket: payload.replaces.ticket } }
          : {}),
      });
    }
    const planned = prizeDraws(raffle.rules);
    return draws
      .filter((row) => row.kind === 'result')
      .flatMap((row) => {
        const prize = planned.find((d) => d.prizeId === row.prize_id)?.prize;
        return (currentWinners(row.id, journaled) ?? []).map((number) => ({
          number,
          prizeId: row.prize_id,
          prizeName: prize?.name ?? row.prize_id,
        }));
      });
  }
}

export function toPriorDraw(row: DrawRow): PriorDraw {
  return {
    drawId: row.id,
    sealId: row.seal_id,
    repeats: row.repeats,
    tickets: JSON.parse(row.tickets) as number[],
    ...(row.kind === 'redraw'
      ? { replaces: { drawId: row.replaces_draw_id!, ticket: row.replaces_ticket! } }
      : {}),
  };
}

export function drawNotFound(drawId: string): DomainException {
  return new DomainException(404, 'DRAW_NOT_FOUND', `draw ${drawId} does not exist`);
}

/** Pairs of transactions a draw tries before giving up for this tick (the pool changed each time). */
const DRAW_REQUEST_ATTEMPTS = 3;

/** What a draw needs from its first transaction to ask the RNG, and again in its second to draw. */
interface DrawPlan {
  subject: string;
  purpose: 'draw' | 'redraw';
  pool: DrawPool;
  k: number;
  binding: Omit<RngDrawBinding, 'drawId'>;
}

/** The random positions a draw uses, read back from its committed RNG request. */
interface PickedRandom extends DrawRandom {
  positions: number[];
}

/** The commitment a seal row stores, as draws journal it again (`sealed`) to stand on their own. */
function sealCommitmentOf(seal: SealRow): SetCommitment {
  return { count: seal.ticket_count, rangeCount: seal.range_count, root: seal.root };
}

function isDrawRow(value: object): value is DrawRow {
  return 'raffle_id' in value;
}

/** A pending request serves a draw only for exactly that draw's question (k of the same pool size). */
function requestFits(pending: PendingDrawRequest, plan: DrawPlan): boolean {
  return pending.k === plan.k && pending.n === plan.pool.size && !pending.repeats;
}

/** The draw's view of a committed request: its positions (replayed from its bytes) and its calls. */
function pickedFrom(request: PendingDrawRequest): PickedRandom {
  const bytes = Buffer.from(request.bytes, 'hex');
  const calls: RngCallRecord[] = [];
  let offset = 0;
  for (const call of request.calls) {
    calls.push({ byteCount: call.bytes, bytes: bytes.subarray(offset, offset + call.bytes).toString('hex') });
    offset += call.bytes;
  }
  return {
    drawId: request.drawId,
    requestId: request.requestId,
    positions: request.values,
    calls,
    rng: { provider: request.provider, certified: request.certified, identity: request.identity },
  };
}
