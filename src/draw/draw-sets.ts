import { Injectable, Logger } from '@nestjs/common';
import {
  RaffleSales,
  RaffleSalesError,
  raffleEntrySubject,
  type SealedSet,
  sealSet,
  type SealSizes,
} from './core/index.js';
import { DomainException } from '../common/domain.exception.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { SALES_ENTRY_TYPES, TICKETS_SOLD, ticketSalesMapping } from '../ticket/core/sales-journal.js';
import type { SealRow } from './draw.repository.js';

/** A raffle's sales and voids as its journal records them up to a tree size. */
export interface JournalSales {
  sales: RaffleSales;
  /** Paid, not voided sales (minor units) over every entry read. */
  paidTotalMinor: number;
  /** 1 + the seq of the last sale journaled before `cutoff` (0 if none): an early-bird cut-off size. */
  cutoffTreeSize: number;
}

const SET_CACHE_SIZE = 8;

/**
 * Draw sets from the journal: the raffle's TICKETS_SOLD and TICKETS_VOIDED entries, read through
 * the ticket module's pure mapping and sealed by the draw core, exactly as the offline verifier
 * recomputes them. Sets of recent seals are kept in memory for proofs.
 */
@Injectable()
export class DrawSets {
  private readonly logger = new Logger('DrawSets');
  private readonly cache = new Map<string, SealedSet>();

  constructor(private readonly ledger: LedgerService) {}

  /** Reads the raffle's sale and void entries with seq < `before`. Throws a 409 naming a bad entry. */
  async journalSales(raffleId: string, before: number, cutoff?: Date): Promise<JournalSales> {
    const mapping = ticketSalesMapping();
    const sales = new RaffleSales(raffleId, mapping);
    const cutoffMs = cutoff?.getTime();
    let paidTotalMinor = 0;
    let cutoffTreeSize = 0;
    try {
      for await (const page of this.ledger.entriesAbout(
        raffleEntrySubject(raffleId),
        SALES_ENTRY_TYPES,
        before,
      )) {
        for (const entry of page) {
          sales.add(entry);
          const amount = mapping.amount(entry);
          if (amount?.raffleId === raffleId) paidTotalMinor += amount.deltaMinor;
          if (cutoffMs !== undefined && entry.type === TICKETS_SOLD && Date.parse(entry.time) < cutoffMs) {
            cutoffTreeSize = entry.seq + 1;
          }
        }
      }
    } catch (error) {
      if (error instanceof RaffleSalesError) throw unsealable(raffleId, error.message);
      throw error;
    }
    return { sales, paidTotalMinor, cutoffTreeSize };
  }

  /** Seals the set at these sizes. Throws a 409 when the journal's sales and voids do not form a set. */
  seal(journal: JournalSales, sizes: SealSizes): SealedSet {
    try {
      return sealSet(journal.sales.sealedRanges(sizes));
    } catch (error) {
      if (error instanceof RaffleSalesError) throw unsealable(journal.sales.raffleId, error.message);
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
    const journal = await this.journalSales(seal.raffle_id, seal.ledger_tree_size);
    const set = this.seal(journal, {
      cutoffTreeSize: seal.cutoff_tree_size,
      ledgerTreeSize: seal.ledger_tree_size,
    });
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
