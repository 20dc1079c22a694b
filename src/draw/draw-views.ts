import { Injectable } from '@nestjs/common';
import type { Origin } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import type { JournalEntry } from '../ledger/core/entry.js';
import type { InclusionProofJson } from '../ledger/core/proof-json.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { RaffleService } from '../raffle/raffle.service.js';
import {
  buildDrawProof,
  currentWinners,
  type DrawProof,
  type DrawRecord,
  readDrawRedrawn,
  readDrawResult,
  readDrawSealed,
  type DrawSealedPayload,
  RNG_REQUEST,
} from './core/index.js';
import { DrawService, type RedrawInput } from './draw.service.js';
import type { DrawRow, SealRow } from './draw.repository.js';
import { prizeDraws } from './prize-draws.js';

export interface JournalReferenceView {
  seq: number;
  leafHash: string;
}

export interface PrizeAmountView {
  by: string;
  name: string;
  kind: string;
  description: string | null;
  currency: string;
  amountMinor: number | null;
  basis: string;
  paidTotalMinor: number | null;
  shareBasisPoints: number | null;
  shareMinor: number | null;
  seedMinor: number | null;
  rounding: string | null;
}

export interface DrawView {
  drawId: string;
  kind: 'result' | 'redraw';
  raffleId: string;
  prizeId: string;
  sealId: string;
  drawnAt: string;
  winningTickets: number[];
  positions: number[];
  k: number;
  repeats: boolean;
  exclusion: string;
  excluded: number[];
  sealed: { count: number; rangeCount: number; root: string };
  rng: { provider: string; certified: boolean; identity: string };
  rngRequestId: string | null;
  rngCalls: Array<{ byteCount: number; bytes: string }>;
  replaces: { drawId: string; ticket: number; reason: string } | null;
  prize: PrizeAmountView | null;
  journal: JournalReferenceView;
  proofUrl: string;
}

export interface JournalProofView {
  entry: JournalEntry;
  inclusion: InclusionProofJson;
}

export interface DrawProofView {
  drawProof: DrawProof;
  journal: {
    treeSize: number;
    rootHash: string;
    checkpoint: string;
    verifierKey: string;
    seal: JournalProofView;
    draw: JournalProofView;
    /**
     * The RNG_REQUEST entry the draw's `rngRequestId` names (its bytes, counts and provider), proven in
     * the same tree; null when the draw asked the RNG for nothing (k = 0).
     */
    rngRequest: JournalProofView | null;
  };
}

export interface SealView {
  sealId: string;
  salesClosed: boolean;
  count: number;
  rangeCount: number;
  root: string;
  cutoff: { treeSize: number; time: string };
  ledgerTreeSize: number;
  journal: JournalReferenceView;
}

export interface RedrawView {
  drawId: string;
  replacedTicket: number;
  winningTicket: number;
  reason: string;
  drawnAt: string;
  journal: JournalReferenceView;
  proofUrl: string;
}

export interface PrizeResultView {
  prizeId: string;
  name: string;
  kind: string;
  scheduledAt: string;
  status: 'SCHEDULED' | 'DRAWN';
  draw: {
    drawId: string;
    drawnAt: string;
    /** The winners as they stand after any redraws, in prize order. */
    winningTickets: number[];
    /** Drawn from an empty pool: nobody to win (no eligible ticket). */
    noEligibleTickets: boolean;
    prize: PrizeAmountView | null;
    seal: SealView;
    rng: { provider: string; certified: boolean };
    journal: JournalReferenceView;
    proofUrl: string;
    redraws: RedrawView[];
  } | null;
}

export interface RaffleResultsView {
  raffleId: string;
  name: string;
  licenseNumber: string;
  type: string;
  currency: string;
  status: string;
  prizes: PrizeResultView[];
  asOf: string;
}

function reference(entry: JournalEntry): JournalReferenceView {
  return { seq: entry.seq, leafHash: entry.hash };
}

function recordOf(entry: JournalEntry): DrawRecord {
  return entry.type === 'DRAW_REDRAWN'
    ? { kind: 'redraw', payload: readDrawRedrawn(entry.payload) }
    : { kind: 'result', payload: readDrawResult(entry.payload) };
}

/**
 * What the draw module shows: every number read back from the journaled entries (DRAW_SEALED,
 * DRAW_RESULT, DRAW_REDRAWN, DRAW_PRIZE), never from an editable field.
 */
@Injectable()
export class DrawViews {
  constructor(
    private readonly draws: DrawService,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
  ) {}

  /** Runs a due draw by hand (or returns the one made already) and shows it as journaled. */
  async run(raffleId: string, prizeId: string, by: string, origin: Origin): Promise<DrawView> {
    const row = await this.draws.run(raffleId, prizeId, by, origin);
    return this.draw(row.id);
  }

  async redraw(drawId: string, input: RedrawInput, by: string, origin: Origin): Promise<DrawView> {
    const row = await this.draws.redraw(drawId, input, by, origin);
    return this.draw(row.id);
  }

  /** Settles a drawn raffle and shows its results. */
  async settle(raffleId: string, note: string, by: string, origin: Origin): Promise<RaffleResultsView> {
    await this.draws.settle(raffleId, note, by, origin);
    return this.results(raffleId);
  }

  async draw(drawId: string): Promise<DrawView> {
    const row = await this.draws.requireDraw(drawId);
    const entry = await this.draws.journaled(row);
    const prize = row.prize_queue_id === null ? null : await this.prizeOf(row);
    return this.view(entry, prize);
  }

  private view(entry: JournalEntry, prize: PrizeAmountView | null): DrawView {
    const record = recordOf(entry);
    const p = record.payload;
    return {
      drawId: p.drawId,
      kind: record.kind,
      raffleId: p.raffleId,
      prizeId: p.prizeId,
      sealId: p.sealId,
      drawnAt: p.drawnAt,
      winningTickets: p.tickets,
      positions: p.positions,
      k: p.k,
      repeats: p.repeats,
      exclusion: p.exclusion,
      excluded: p.excluded,
      sealed: p.sealed,
      rng: p.rng,
      rngRequestId: p.rngRequestId,
      rngCalls: p.rngCalls,
      replaces: record.kind === 'redraw' ? record.payload.replaces : null,
      prize,
      journal: reference(entry),
      proofUrl: `/v1/draws/${p.drawId}/proof`,
    };
  }

  private async prizeOf(row: DrawRow): Promise<PrizeAmountView> {
    const entry = await this.draws.journaled({ queue_id: row.prize_queue_id!, recorded_at: row.recorded_at });
    const p = entry.payload as unknown as PrizeAmountView & { drawId: string };
    if (p.drawId !== row.id) throw new Error(`DRAW_PRIZE entry ${entry.seq} is not of draw ${row.id}`);
    return {
      name: p.name,
      kind: p.kind,
      description: p.description,
      currency: p.currency,
      amountMinor: p.amountMinor,
      basis: p.basis,
      paidTotalMinor: p.paidTotalMinor,
      shareBasisPoints: p.shareBasisPoints,
      shareMinor: p.shareMinor,
      seedMinor: p.seedMinor,
      rounding: p.rounding,
      by: p.by,
    };
  }

  /** docs/draws.md section 6, with the ledger inclusion proofs of both entries against one signed checkpoint. */
  async proof(drawId: string): Promise<DrawProofView> {
    const row = await this.draws.requireDraw(drawId);
    const seal = await this.draws.requireSeal(row.seal_id);
    const [drawEntry, sealEntry] = [await this.draws.journaled(row), await this.draws.journaled(seal)];
    const sealPayload = readDrawSealed(sealEntry.payload);
    const set = await this.draws.setOf(seal);
    const drawProof = buildDrawProof(set, sealPayload, recordOf(drawEntry));
    const rngRequest = await this.rngRequestOf(drawEntry, drawProof.draw.rngRequestId);
    const digest = await this.ledger.digest();
    return {
      drawProof,
      journal: {
        treeSize: digest.treeSize,
        rootHash: digest.rootHash,
        checkpoint: digest.checkpoint,
        verifierKey: this.ledger.publicKey().verifierKey,
        seal: {
          entry: sealEntry,
          inclusion: await this.ledger.inclusionProof(sealEntry.seq, digest.treeSize),
        },
        draw: {
          entry: drawEntry,
          inclusion: await this.ledger.inclusionProof(drawEntry.seq, digest.treeSize),
        },
        rngRequest:
          rngRequest === null
            ? null
            : {
                entry: rngRequest,
                inclusion: await this.ledger.inclusionProof(rngRequest.seq, digest.treeSize),
              },
      },
    };
  }

  /**
   * The RNG_REQUEST entry a draw names, journaled before it about the raffle (the RNG module records it
   * in the draw's transaction). A draw naming a request the journal lacks is a fault, not a proof.
   */
  private async rngRequestOf(
    drawEntry: JournalEntry,
    requestId: string | null,
  ): Promise<JournalEntry | null> {
    if (requestId === null) return null;
    const subject = drawEntry.subject ?? '';
    for await (const page of this.ledger.entriesAbout(subject, [RNG_REQUEST], drawEntry.seq)) {
      const found = page.find((entry) => entry.payload.requestId === requestId);
      if (found) return found;
    }
    throw new Error(
      `draw entry ${drawEntry.seq} names RNG request ${requestId}, which is not journaled before it`,
    );
  }

  /** The results of a raffle that has opened: each prize draw, its winners after redraws, its amount. */
  async results(raffleId: string): Promise<RaffleResultsView> {
    const raffle = await this.raffles.frozen(raffleId);
    if (!raffle || raffle.status === 'DRAFT') {
      throw new DomainException(404, 'RAFFLE_NOT_FOUND', `raffle ${raffleId} is not public`);
    }
    // The raffle and its draws are two reads: a draw that commits between them (and with it,
    // perhaps, the raffle's DRAWN) would show a drawn prize of a raffle still CLOSED. The status
    // read again after the draws tells: unchanged, the draws read agree with it.
    let current = await this.raffles.get(raffleId);
    let rows = await this.draws.drawsOf(raffleId);
    for (let reread = await this.raffles.get(raffleId); reread.status !== current.status;) {
      current = reread;
      rows = await this.draws.drawsOf(raffleId);
      reread = await this.raffles.get(raffleId);
    }
    const seals = new Map((await this.draws.sealsOf(raffleId)).map((s) => [s.id, s]));
    const entries = new Map<string, JournalEntry>();
    for (const row of rows) entries.set(row.id, await this.draws.journaled(row));
    const priorDraws = rows.map((row) => {
      const record = recordOf(entries.get(row.id)!);
      return {
        drawId: record.payload.drawId,
        sealId: record.payload.sealId,
        repeats: record.payload.repeats,
        tickets: record.payload.tickets,
        ...(record.kind === 'redraw'
          ? { replaces: { drawId: record.payload.replaces.drawId, ticket: record.payload.replaces.ticket } }
          : {}),
      };
    });
    const sealViews = new Map<string, SealView>();
    const sealView = async (seal: SealRow): Promise<SealView> => {
      const cached = sealViews.get(seal.id);
      if (cached) return cached;
      const entry = await this.draws.journaled(seal);
      const payload: DrawSealedPayload = readDrawSealed(entry.payload);
      const view: SealView = {
        sealId: payload.sealId,
        salesClosed: payload.salesClosed,
        count: payload.count,
        rangeCount: payload.rangeCount,
        root: payload.root,
        cutoff: payload.cutoff,
        ledgerTreeSize: payload.ledger.treeSize,
        journal: reference(entry),
      };
      sealViews.set(seal.id, view);
      return view;
    };

    const prizes: PrizeResultView[] = [];
    for (const planned of prizeDraws(raffle.rules)) {
      const result = rows.find((r) => r.kind === 'result' && r.prize_id === planned.prizeId);
      const base = {
        prizeId: planned.prizeId,
        name: planned.prize.name,
        kind: planned.prize.kind,
        scheduledAt: planned.at.toISOString(),
      };
      if (!result) {
        prizes.push({ ...base, status: 'SCHEDULED', draw: null });
        continue;
      }
      const entry = entries.get(result.id)!;
      const payload = readDrawResult(entry.payload);
      const redraws = rows
        .filter((r) => r.kind === 'redraw' && r.replaces_draw_id === result.id)
        .map((r) => {
          const redraw = readDrawRedrawn(entries.get(r.id)!.payload);
          return {
            drawId: redraw.drawId,
            replacedTicket: redraw.replaces.ticket,
            winningTicket: redraw.tickets[0],
            reason: redraw.replaces.reason,
            drawnAt: redraw.drawnAt,
            journal: reference(entries.get(r.id)!),
            proofUrl: `/v1/draws/${redraw.drawId}/proof`,
          };
        });
      prizes.push({
        ...base,
        status: 'DRAWN',
        draw: {
          drawId: payload.drawId,
          drawnAt: payload.drawnAt,
          winningTickets: currentWinners(payload.drawId, priorDraws) ?? [],
          noEligibleTickets: payload.k === 0,
          prize: result.prize_queue_id === null ? null : await this.prizeOf(result),
          seal: await sealView(seals.get(payload.sealId)!),
          rng: { provider: payload.rng.provider, certified: payload.rng.certified },
          journal: reference(entry),
          proofUrl: `/v1/draws/${payload.drawId}/proof`,
          redraws,
        },
      });
    }
    return {
      raffleId,
      name: raffle.rules.name,
      licenseNumber: raffle.rules.licenseNumber,
      type: raffle.rules.type,
      currency: raffle.rules.currency,
      status: current.status,
      prizes,
      asOf: new Date().toISOString(),
    };
  }
}
