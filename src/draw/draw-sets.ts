import { Injectable, Logger } from '@nestjs/common';
import {
  RaffleSalesError,
  raffleEntrySubject,
  type SealedSet,
  sealSet,
  readDrawSealed,
  type SealSizes,
  sealSizesOf,
} from './core/index.js';
import { DomainException } from '../common/domain.exception.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { SALES_ENTRY_TYPES } from '../ticket/core/sales-journal.js';
import type { SealRow } from './draw.repository.js';
import { SalesFold } from './sales-fold.js';

/** A raffle's sales and voids as its journal records them up to a tree size. */
export interface JournalSales {
  fold: SalesFold;
  /** Paid, not voided sales (minor units) over every entry with seq < the size read to. */
  paidTotalMinor: number;
  /** 1 + the seq of the last sale journaled before `cutoff` (0 if none): an early-bird cut-off size. */
  cutoffTreeSize: number;
}

const SET_CACHE_SIZE = 8;

/**
 * Draw sets from the journal: the raffle's TICKETS_SOLD and TICKETS_VOIDED entries, read through
 * the ticket module's pure mapping and sealed by the draw core, exactly as the offline verifier
 * recomputes them. Each raffle's entries are folded as they are journaled (the scheduler keeps the
 * folds of selling raffles up to date), so the final seal reads only the last entries; sets of
 * recent seals are kept in memory for proofs.
 */
@Injectable()
export class DrawSets {
  private readonly logger = new Logger('DrawSets');
  private readonly cache = new Map<string, SealedSet>();
  /** Per raffle, the fold of its journal read so far. */
  private readonly folds = new Map<string, SalesFold>();
  /** Per raffle, the read in progress: reads of one raffle's fold run one after another. */
  private readonly reading = new Map<string, Promise<SalesFold>>();

  constructor(private readonly ledger: LedgerService) {}

  /**
   * The raffle's sale and void entries with seq < `before` (and, with `cutoff`, the early-bird cut-off
   * size). Throws a 409 naming a bad entry.
   */
  async journalSales(raffleId: string, before: number, cutoff?: Date): Promise<JournalSales> {
    let fold: SalesFold;
    if (cutoff === undefined) {
      fold = await this.advance(raffleId, before);
      // Read past `before` by a later read: its paid total is not the one at `before`.
      if (fold.through !== before) fold = await this.read(new SalesFold(raffleId), before);
    } else {
      // The cut-off size depends on the entries' times: a fold of its own, read from the start.
      fold = await this.read(new SalesFold(raffleId, cutoff.getTime()), before);
    }
    return { fold, paidTotalMinor: fold.paidTotalMinor, cutoffTreeSize: fold.cutoffTreeSize };
  }

  /**
   * Reads the raffle's entries journaled since its fold was last read, up to `before` (the tree size
   * below which every entry is integrated). Reads of one raffle are serialised; a fold that met an
   * entry it cannot read is dropped (the next read starts again and reports it again).
   */
  advance(raffleId: string, before: number): Promise<SalesFold> {
    const previous = this.reading.get(raffleId);
    const next = (previous ?? Promise.resolve(undefined))
      .catch(() => undefined)
      .then(async () => {
        let fold = this.folds.get(raffleId);
        if (fold === undefined) {
          fold = new SalesFold(raffleId);
          this.folds.set(raffleId, fold);
        }
        if (fold.through >= before) return fold;
        try {
          return await this.read(fold, before);
        } catch (error) {
          this.folds.delete(raffleId);
          throw error;
        }
      });
    this.reading.set(raffleId, next);
    const settled = () => {
      if (this.reading.get(raffleId) === next) this.reading.delete(raffleId);
    };
    next.then(settled, settled);
    return next;
  }

  /** Keeps the folds of these raffles only (the others are sealed, drawn or gone). */
  retainFolds(raffleIds: ReadonlySet<string>): void {
    for (const raffleId of this.folds.keys()) {
      if (!raffleIds.has(raffleId) && !this.reading.has(raffleId)) this.folds.delete(raffleId);
    }
  }

  private async read(fold: SalesFold, before: number): Promise<SalesFold> {
    try {
      for await (const page of this.ledger.entriesAbout(
        raffleEntrySubject(fold.raffleId),
        SALES_ENTRY_TYPES,
        before,
        undefined,
        fold.through,
      )) {
        fold.add(page, before);
      }
      fold.readUpTo(before);
    } catch (error) {
      if (error instanceof RaffleSalesError) throw unsealable(fold.raffleId, error.message);
      throw error;
    }
    return fold;
  }

  /** Seals the set at these sizes. Throws a 409 when the journal's sales and voids do not form a set. */
  seal(journal: JournalSales, sizes: SealSizes): SealedSet {
    return this.sealFold(journal.fold, sizes);
  }

  private sealFold(fold: SalesFold, sizes: SealSizes): SealedSet {
    try {
      return sealSet(fold.sealedRanges(sizes));
    } catch (error) {
      if (error instanceof RaffleSalesError) throw unsealable(fold.raffleId, error.message);
      throw error;
    }
  }

  /** The set of a seal, recomputed from the journal and checked against its commitment. */
  async setOf(seal: SealRow): Promise<SealedSet> {
    const cached = this.cache.get(seal.id);
    if (cached) {
      this.cache.delete(seal.id);
      this.cache.set(seal.id, cached); // most recently used last
      return cached;
    }
    // The raffle's fold, if read to the seal's size or beyond: ranges are kept by seq, so entries
    // read after the seal are not in its set.
    const sizes = await this.sizesOf(seal);
    const fold = await this.advance(seal.raffle_id, seal.ledger_tree_size);
    const set = this.sealFold(fold, sizes);
    if (set.count !== seal.ticket_count || set.rangeCount !== seal.range_count || set.root !== seal.root) {
      this.logger.error(
        { event: 'draw_set_mismatch', sealId: seal.id, raffleId: seal.raffle_id },
        `the journal no longer gives seal ${seal.id}: recomputed ${set.count}/${set.rangeCount}/${set.root}, sealed ${seal.ticket_count}/${seal.range_count}/${seal.root}`,
      );
      throw new DomainException(
        500,
        'DRAW_SET_MISMATCH',
        `seal ${seal.id} does not recompute from the journal; run the journal verification`,
      );
    }
    this.remember(seal.id, set);
    return set;
  }

  /**
   * The sizes a seal was taken at. A seal made during sales may count offline sales by the time the
   * device recorded them (fairdraw-seal-v2): its cut-off instant is read from its journal entry.
   */
  private async sizesOf(seal: SealRow): Promise<SealSizes> {
    const sizes = { cutoffTreeSize: seal.cutoff_tree_size, ledgerTreeSize: seal.ledger_tree_size };
    if (seal.sales_closed) return sizes;
    const [{ seq }] = await this.ledger.integrated([
      { queueId: seal.queue_id, recordedAt: seal.recorded_at },
    ]);
    return sealSizesOf(readDrawSealed((await this.ledger.entry(seq)).payload));
  }

  remember(sealId: string, set: SealedSet): void {
    this.cache.set(sealId, set);
    while (this.cache.size > SET_CACHE_SIZE) this.cache.delete(this.cache.keys().next().value!);
  }
}

function unsealable(raffleId: string, detail: string): DomainException {
  return new DomainException(
    409,
    'DRAW_SET_INCONSISTENT',
    `the journal's sales and voids of raffle ${raffleId} do not form a draw set: ${detail}`,
  );
}
