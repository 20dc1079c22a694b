import { Injectable } from '@nestjs/common';
import type { Origin } from '../audit/significant-event.js';
import type { Principal } from '../auth/roles.js';
import { DomainException } from '../common/domain.exception.js';
import { AppConfig } from '../config/environment.js';
import { EligibilityService } from '../eligibility/eligibility.service.js';
import type { Tx } from '../database/database.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import type { PaymentProvider } from '../payment/payment-provider.js';
import { PaymentService } from '../payment/payment.service.js';
import { estimatePrize, type PrizeEstimate } from '../raffle/prize-estimate.js';
import {
  findPackage,
  type PrizeRule,
  type RaffleRules,
  type WinnerExclusion,
  winnerExclusionOf,
} from '../raffle/raffle-rules.js';
import { RaffleService, type FrozenRaffle } from '../raffle/raffle.service.js';
import type { Refusal } from './number-allocation.js';
import { uuidv7 } from './order-id.js';
import { checkOrderRequest, type OrderRequest } from './order-request.js';
import { toOrderView, type OrderView } from './order-view.js';
import type { JournalReference } from './receipt.js';
import { markReplayed } from './replay-marker.js';
import { ReprintRepository } from './reprint.repository.js';
import { buyerKey, IDEMPOTENCY_KEY, orderFingerprint } from './request-fingerprint.js';
import type { NewOrderItem } from './sales-batch.js';
import { SalesBatcher, type IntegratedEntry } from './sales-batcher.js';
import { BlockRepository } from './block.repository.js';
import { SalesRepository, type OrderRow } from './sales.repository.js';
import { rangesFromArrayTexts } from './int8-array-text.js';
import type { TicketRangeBuffer } from '../draw/core/ticket-range-buffer.js';
import { normalizeVerificationCode } from './verification-code.js';
import { registerRanges, type RegisterOrder, type RegisterRange } from './ticket-register.js';

export interface WinningTicket {
  number: number;
  prizeId: string;
  prizeName: string;
}

/** Registered by the draw module: the winning numbers drawn so far in a raffle. */
export type WinnerSource = (raffleId: string) => Promise<WinningTicket[]>;

/**
 * Registered by the draw module, run first inside a void's transaction: why no ticket of the raffle
 * may be voided now (its tickets are sealed for a draw), or undefined.
 */
export type VoidGuard = (trx: Tx, raffleId: string) => Promise<string | undefined>;

export interface SoldRange {
  orderId: string;
  first: number;
  last: number;
  soldAt: string;
}

export interface Reservations {
  /** Every reserved block is uploaded in full or returned: the draw may go ahead (SALE-4). */
  reconciled: boolean;
  outstanding: Array<{ blockId: string; deviceId: string; first: number; last: number; reservedAt: Date }>;
}

export interface SalesTotals {
  paidTotalMinor: number;
  soldTickets: number;
  soldOrders: number;
  voidedTickets: number;
  prizeEstimate: PrizeEstimate | null;
}

const ESTIMATE_BASIS = 'floor(paid, not voided sales × share / 10000) + seed; rounded down to the minor unit';
const JOURNAL_LOOKUP_MS = 2_000;
const REGISTER_PAGE = 2_000;

/**
 * Ticket sales: orders through the per-raffle batcher, receipts, public verification and the
 * public raffle view; and what the draw module reads (sold ranges, paid total).
 */
@Injectable()
export class TicketService {
  /** Requests in flight per (raffle, Idempotency-Key): a concurrent retry waits for the first. */
  private readonly inFlight = new Map<string, { hash: string; result: Promise<OrderView> }>();
  private readonly publicCache = new Map<string, { at: number; view: Promise<PublicRaffleView> }>();
  private winners?: WinnerSource;
  private voidGuard?: VoidGuard;

  constructor(
    private readonly config: AppConfig,
    private readonly raffles: RaffleService,
    private readonly payments: PaymentService,
    private readonly batcher: SalesBatcher,
    private readonly repository: SalesRepository,
    private readonly blocks: BlockRepository,
    private readonly ledger: LedgerService,
    private readonly reprints: ReprintRepository,
    private readonly eligibility: EligibilityService,
  ) {}

  registerWinnerSource(source: WinnerSource): void {
    this.winners = source;
  }

  registerVoidGuard(guard: VoidGuard): void {
    this.voidGuard = guard;
  }

  /** Refuses (409 TICKETS_SEALED) a void while the raffle's tickets are sealed for a draw. */
  async checkVoidAllowed(trx: Tx, raffleId: string): Promise<void> {
    const refusal = await this.voidGuard?.(trx, raffleId);
    if (refusal !== undefined) throw new DomainException(409, 'TICKETS_SEALED', refusal);
  }

  /**
   * Places an order of one package. The same Idempotency-Key with the same request returns the same
   * order (never a second sale), also while the first is still running; with another request, 409.
   */
  async placeOrder(
    raffleId: string,
    request: OrderRequest,
    idempotencyKey: string | undefined,
    who: Principal,
    origin: Origin,
  ): Promise<OrderView> {
    const key = parseIdempotencyKey(idempotencyKey);
    const raffle = await this.requireRaffle(raffleId);
    // PLY-2: refuses an ineligible buyer; the attestations leave the request (not fingerprinted, not stored).
    request = await this.eligibility.admit(raffle, request, key, origin);
    const hash = orderFingerprint(raffleId, who.sub, request);
    // A retry of an accepted order gets its order even after sales stopped; anything else is refused.
    if (raffle.status !== 'OPEN') return this.replayOrRefuse(raffle, key, hash, origin);
    const problems = checkOrderRequest(raffle.rules, request);
    if (problems.length > 0) {
      throw new DomainException(
        400,
        'VALIDATION_FAILED',
        `Request validation failed: ${problems.map((p) => p.message).join('; ')}`,
        problems.map((p) => ({ field: p.field, messages: [p.message] })),
      );
    }
    const provider = this.payments.providerForSale(request.paymentMethod, request.channel);
    const slot = `${raffleId}\n${key}`;
    const running = this.inFlight.get(slot);
    if (running) {
      if (running.hash !== hash) throw keyReused(key);
      return markReplayed(await running.result);
    }
    const result = this.submit(raffle, request, key, hash, provider, who, origin);
    this.inFlight.set(slot, { hash, result });
    try {
      return await result;
    } finally {
      this.inFlight.delete(slot);
    }
  }

  private async submit(
    raffle: FrozenRaffle,
    request: OrderRequest,
    key: string,
    hash: string,
    provider: PaymentProvider,
    who: Principal,
    origin: Origin,
  ): Promise<OrderView> {
    const pkg = findPackage(raffle.rules, request.packageId)!;
    const item: NewOrderItem = {
      kind: provider.settlesAtSale ? 'sale' : 'hold',
      orderId: uuidv7(),
      idempotencyKey: key,
      requestHash: hash,
      packageId: pkg.id,
      tickets: pkg.tickets,
      priceMinor: pkg.priceMinor,
      currency: raffle.rules.currency,
      channel: request.channel as NewOrderItem['channel'],
      sellerId: who.sub,
      deviceId: request.deviceId ?? null,
      buyerKey: request.buyerReference ? buyerKey(raffle.id, request.buyerReference) : null,
      provider: provider.name,
      origin,
    };
    const { outcome, journal } = await this.batcher.submit(
      { raffleId: raffle.id, maxTicketsPerBuyer: raffle.rules.maxTicketsPerBuyer },
      item,
    );
    switch (outcome.kind) {
      case 'created':
        return outcome.order.status === 'PAID'
          ? toOrderView(outcome.order, raffle, journalReference(journal))
          : this.withPayment(raffle, outcome.order, origin);
      case 'replay':
        return markReplayed(await this.replay(raffle, outcome.orderId, origin));
      case 'key-conflict':
        throw keyReused(key);
      case 'refused':
        throw refusalError(outcome.refusal, raffle.rules);
      default:
        throw new Error(`unexpected sales outcome ${outcome.kind}`);
    }
  }

  /** The stored result of an accepted request, as it stands now. */
  private async replay(raffle: FrozenRaffle, orderId: string, origin: Origin): Promise<OrderView> {
    const order = await this.repository.findOrder(orderId);
    if (!order) throw new Error(`idempotency record points at a missing order ${orderId}`);
    if (order.status === 'PENDING_PAYMENT') return this.withPayment(raffle, order, origin);
    return this.view(raffle, order);
  }

  /** An order awaiting an online payment, with the payment started at the provider (once). */
  private async withPayment(raffle: FrozenRaffle, order: OrderRow, origin: Origin): Promise<OrderView> {
    const started = await this.payments.start(
      order.payment_provider,
      {
        orderId: order.id,
        raffleId: order.raffle_id,
        amountMinor: order.price_minor,
        currency: order.currency,
        description: `${raffle.rules.name}: ${order.ticket_count} ticket(s)`,
      },
      origin,
    );
    return toOrderView(order, raffle, null, {
      provider: order.payment_provider,
      intentId: started.intentId,
      clientSecret: started.clientSecret,
      status: 'REQUIRES_PAYMENT',
    });
  }

  async getOrder(orderId: string, who: Principal): Promise<OrderView> {
    const order = await this.repository.findOrder(orderId);
    const ownOnly = who.roles.every((role) => role === 'seller');
    if (!order || (ownOnly && order.seller_id !== who.sub)) {
      throw new DomainException(404, 'ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    }
    const raffle = await this.requireRaffle(order.raffle_id);
    return this.view(raffle, order);
  }

  private async view(raffle: FrozenRaffle, order: OrderRow): Promise<OrderView> {
    const [journal, payment, refunds, reprints] = await Promise.all([
      this.journalOf(order),
      order.payment_provider === 'stripe' ? this.payments.paymentOf(order.id) : undefined,
      order.status === 'VOIDED' || order.status === 'CANCELLED' ? this.payments.refundsOf([order.id]) : [],
      // Only an order that has tickets has a receipt to reprint.
      order.first_number === null ? undefined : this.reprints.summary(order.id),
    ]);
    return toOrderView(order, raffle, journal, payment, refunds[0], reprints);
  }

  /** Public check of a validation number: valid, voided or a winner, and nothing about the buyer. */
  async verify(input: string): Promise<VerificationView> {
    const code = normalizeVerificationCode(input);
    if (!code) {
      throw new DomainException(400, 'VALIDATION_FAILED', 'code is not a well-formed validation number', [
        {
          field: 'code',
          messages: ['code must be 16 characters such as K7QM-2XPA-9RTB-44HC; check each character'],
        },
      ]);
    }
    const order = await this.repository.findOrderByCode(code);
    if (!order || order.first_number === null || order.last_number === null || !order.sold_at) {
      throw new DomainException(404, 'TICKET_NOT_FOUND', 'no ticket has this validation number');
    }
    const [raffle, current] = await Promise.all([
      this.requireRaffle(order.raffle_id),
      this.raffles.get(order.raffle_id),
    ]);
    const first = order.first_number;
    const last = order.last_number;
    const winning =
      order.status === 'PAID' && this.winners
        ? (await this.winners(order.raffle_id)).filter((w) => w.number >= first && w.number <= last)
        : [];
    return {
      verificationCode: code,
      status: order.status === 'VOIDED' ? 'VOIDED' : winning.length > 0 ? 'WINNER' : 'VALID',
      raffle: {
        id: raffle.id,
        name: raffle.rules.name,
        licenseNumber: raffle.rules.licenseNumber,
        drawId: raffle.id,
      },
      raffleStatus: current.status,
      tickets: { first, last, count: order.ticket_count },
      issuedAt: order.sold_at.toISOString(),
      draws: raffle.calendar.applicable(order.sold_at),
      winningNumbers: winning,
      voidedAt: order.status === 'VOIDED' ? (order.closed_at?.toISOString() ?? null) : null,
    };
  }

  /** The public view of a raffle that has opened: live ticket counter and 50/50 estimate (SALE-3, PRIZE-3). */
  publicView(raffleId: string): Promise<PublicRaffleView> {
    const cached = this.publicCache.get(raffleId);
    if (cached && Date.now() - cached.at < this.config.PUBLIC_STATS_CACHE_MS) return cached.view;
    const view = this.computePublicView(raffleId);
    this.publicCache.set(raffleId, { at: Date.now(), view });
    view.catch(() => this.publicCache.delete(raffleId));
    return view;
  }

  private async computePublicView(raffleId: string): Promise<PublicRaffleView> {
    const raffle = await this.raffles.frozen(raffleId);
    if (!raffle || raffle.status === 'DRAFT') {
      throw new DomainException(404, 'RAFFLE_NOT_FOUND', `raffle ${raffleId} is not public`);
    }
    const [current, counter] = await Promise.all([
      this.raffles.get(raffleId),
      this.repository.counter(raffleId),
    ]);
    const { rules } = raffle;
    const now = new Date();
    const paid = counter?.paidTotalMinor ?? 0;
    return {
      id: raffle.id,
      name: rules.name,
      licenseNumber: rules.licenseNumber,
      jurisdiction: rules.jurisdiction,
      type: rules.type,
      status: current.status,
      salesOpen:
        current.status === 'OPEN' &&
        counter?.salesOpen === true &&
        now >= counter.salesOpenAt &&
        now < counter.salesCloseAt,
      salesOpenAt: rules.salesOpenAt,
      salesCloseAt: rules.salesCloseAt,
      currency: rules.currency,
      packages: rules.packages,
      // Buyers see whether a ticket that won may win again; rules stored before the choice read as seal.
      prizes: rules.prizes.map((prize) => ({ ...prize, winnerExclusion: winnerExclusionOf(prize) })),
      ticketsSold: counter?.sold ?? 0,
      prizeEstimate: this.estimate(rules, paid),
      asOf: now.toISOString(),
    };
  }

  private estimate(rules: RaffleRules, paidMinor: number): PublicRaffleView['prizeEstimate'] {
    if (rules.prizeShareBps === null) return null;
    const estimate = estimatePrize(paidMinor, rules.prizeShareBps, rules.seedMinor);
    return {
      amountMinor: estimate.amountMinor,
      isEstimate: true,
      shareBps: estimate.shareBps,
      seedMinor: estimate.seedMinor,
      basis: ESTIMATE_BASIS,
    };
  }

  /** Every number accounted for (TKT-1, RPT-3), the money, and the refunds. */
  async salesSummary(raffleId: string) {
    const raffle = await this.requireRaffle(raffleId);
    const [{ counter, coverage }, refunds] = await Promise.all([
      this.repository.numbersSnapshot(raffleId),
      this.payments.refundTotals(raffleId),
    ]);
    const issued = counter ? counter.nextNumber - 1 : 0;
    const sold = counter?.sold ?? 0;
    const voided = counter?.voided ?? 0;
    const reserved = counter?.reserved ?? 0;
    const returned = counter?.returned ?? 0;
    const tiled =
      coverage.breaks === 0 &&
      coverage.numbers === issued &&
      (issued === 0 || (coverage.lowest === 1 && coverage.highest === issued));
    return {
      raffleId,
      salesOpen: counter?.salesOpen ?? false,
      numbers: {
        issued,
        sold,
        voided,
        reserved,
        returned,
        consistent: tiled && sold + voided + reserved + returned === issued,
        breaks: coverage.breaks,
      },
      heldTickets: counter?.held ?? 0,
      paidTotalMinor: counter?.paidTotalMinor ?? 0,
      soldOrders: counter?.soldOrders ?? 0,
      maxTickets: counter?.maxTickets ?? raffle.rules.maxTickets,
      prizeEstimate: this.estimate(raffle.rules, counter?.paidTotalMinor ?? 0),
      refunds,
    };
  }

  // --- for the draw module -------------------------------------------------------------------

  /** The sold, not voided ticket ranges paid at or before `cutoff`, in number order. */
  async soldRanges(raffleId: string, cutoff = new Date()): Promise<SoldRange[]> {
    const rows = await this.repository.soldRanges(raffleId, cutoff);
    return rows.map((row) => ({
      orderId: row.id,
      first: row.first_number!,
      last: row.last_number!,
      soldAt: row.sold_at!.toISOString(),
    }));
  }

  /**
   * The sold, not voided ticket ranges of a raffle (every paid order), in no particular order: the
   * seal sorts them (a radix sort of 2*10^6 starts costs less than PostgreSQL's ordered scan of them).
   */
  async paidTicketRanges(raffleId: string): Promise<TicketRangeBuffer> {
    const { firsts, lasts } = await this.repository.paidNumberArrays(raffleId);
    return rangesFromArrayTexts(firsts, lasts);
  }

  /** Paid, not voided sales and the prize they make (for a 50/50 or progressive raffle). */
  async salesTotals(raffleId: string): Promise<SalesTotals> {
    const raffle = await this.requireRaffle(raffleId);
    const counter = await this.repository.counter(raffleId);
    const paid = counter?.paidTotalMinor ?? 0;
    return {
      paidTotalMinor: paid,
      soldTickets: counter?.sold ?? 0,
      soldOrders: counter?.soldOrders ?? 0,
      voidedTickets: counter?.voided ?? 0,
      prizeEstimate:
        raffle.rules.prizeShareBps === null
          ? null
          : estimatePrize(paid, raffle.rules.prizeShareBps, raffle.rules.seedMinor),
    };
  }

  /** Blocks of numbers still out on seller devices (neither uploaded in full nor returned). */
  async reservations(raffleId: string): Promise<Reservations> {
    const outstanding = await this.blocks.outstanding(raffleId);
    return {
      reconciled: outstanding.length === 0,
      outstanding: outstanding.map((b) => ({
        blockId: b.id,
        deviceId: b.device_id,
        first: b.first_number,
        last: b.last_number,
        reservedAt: b.reserved_at,
      })),
    };
  }

  /**
   * How many offline sales of the raffle were recorded at a device before `cutoff` (an early-bird
   * cut-off): the draw compares it with the sales of that kind its journal read holds (SALE-4).
   */
  offlineSalesBefore(raffleId: string, cutoff: Date): Promise<number> {
    return this.repository.offlineSalesBefore(raffleId, cutoff);
  }

  // --- for the report module ----------------------------------------------------------------

  /**
   * The ticket register: every number from 1 to the maximum in ranges of one status (sold, voided,
   * reserved to a device, returned, not issued), in number order, streamed page by page.
   */
  async *register(raffleId: string): AsyncGenerator<RegisterRange> {
    const raffle = await this.requireRaffle(raffleId);
    const [counter, blocks] = await Promise.all([
      this.repository.counter(raffleId),
      this.blocks.ofRaffle(raffleId),
    ]);
    const issued = counter ? counter.nextNumber - 1 : 0;
    const maxTickets = counter?.maxTickets ?? raffle.rules.maxTickets;
    yield* registerRanges(
      this.numberedOrders(raffleId),
      blocks.map((b) => ({
        id: b.id,
        status: b.status,
        first: b.first_number,
        last: b.last_number,
        deviceId: b.device_id,
        sellerId: b.seller_id,
      })),
      issued,
      maxTickets,
    );
  }

  private async *numberedOrders(raffleId: string): AsyncGenerator<RegisterOrder> {
    for (let after = 0; ;) {
      const page = await this.repository.numberedOrdersPage(raffleId, after, REGISTER_PAGE);
      for (const row of page) {
        yield {
          id: row.id,
          status: row.status,
          first: row.first_number!,
          last: row.last_number!,
          blockId: row.block_id,
          channel: row.channel,
          packageId: row.package_id,
          priceMinor: row.price_minor,
          sellerId: row.seller_id,
          deviceId: row.device_id,
          soldAt: row.sold_at?.toISOString() ?? null,
          closedAt: row.closed_at?.toISOString() ?? null,
          closeReason: row.close_reason,
        };
      }
      if (page.length < REGISTER_PAGE) return;
      after = page[page.length - 1].first_number!;
    }
  }

  private async journalOf(order: OrderRow): Promise<JournalReference | null> {
    if (order.journal_queue_id === null) return null;
    try {
      const [entry] = await this.ledger.integrated(
        [{ queueId: order.journal_queue_id, recordedAt: order.sold_at ?? order.created_at }],
        JOURNAL_LOOKUP_MS,
      );
      return { seq: entry.seq, leafHash: entry.hash };
    } catch {
      return null;
    }
  }

  /** A request at a raffle that no longer sells: the stored order if it repeats an accepted one. */
  private async replayOrRefuse(
    raffle: FrozenRaffle,
    key: string,
    hash: string,
    origin: Origin,
  ): Promise<OrderView> {
    const record = (await this.repository.keyRecords(raffle.id, [key])).get(key);
    if (record && record.requestHash !== hash) throw keyReused(key);
    if (record) return markReplayed(await this.replay(raffle, record.orderId, origin));
    throw notSelling(raffle);
  }

  private async requireRaffle(raffleId: string): Promise<FrozenRaffle> {
    const raffle = await this.raffles.frozen(raffleId);
    if (!raffle) throw new DomainException(404, 'RAFFLE_NOT_FOUND', `raffle ${raffleId} does not exist`);
    return raffle;
  }
}

export interface VerificationView {
  verificationCode: string;
  status: 'VALID' | 'VOIDED' | 'WINNER';
  raffle: { id: string; name: string; licenseNumber: string; drawId: string };
  raffleStatus: string;
  tickets: { first: number; last: number; count: number };
  issuedAt: string;
  draws: ReturnType<FrozenRaffle['calendar']['applicable']>;
  winningNumbers: WinningTicket[];
  voidedAt: string | null;
}

export interface PublicRaffleView {
  id: string;
  name: string;
  licenseNumber: string;
  jurisdiction: string;
  type: string;
  status: string;
  salesOpen: boolean;
  salesOpenAt: string;
  salesCloseAt: string;
  currency: string;
  packages: RaffleRules['packages'];
  prizes: Array<PrizeRule & { winnerExclusion: WinnerExclusion }>;
  ticketsSold: number;
  prizeEstimate: {
    amountMinor: number;
    isEstimate: boolean;
    shareBps: number;
    seedMinor: number;
    basis: string;
  } | null;
  asOf: string;
}

export function journalReference(entry: IntegratedEntry | null): JournalReference | null {
  return entry ? { seq: entry.seq, leafHash: entry.hash } : null;
}

export function parseIdempotencyKey(header: string | undefined): string {
  if (header === undefined || !IDEMPOTENCY_KEY.test(header)) {
    const message =
      header === undefined
        ? 'the Idempotency-Key header is required (a fresh UUID per order; reuse it only to retry)'
        : 'Idempotency-Key must be 1-255 visible ASCII characters';
    throw new DomainException(400, 'VALIDATION_FAILED', message, [
      { field: 'Idempotency-Key', messages: [message] },
    ]);
  }
  return header;
}

function notSelling(raffle: FrozenRaffle): DomainException {
  if (raffle.status === 'DRAFT') {
    return new DomainException(
      409,
      'RAFFLE_NOT_OPEN',
      `raffle ${raffle.id} is a DRAFT: sales have not opened`,
    );
  }
  return refusalError('SALES_CLOSED', raffle.rules);
}

function keyReused(key: string): DomainException {
  return new DomainException(
    409,
    'IDEMPOTENCY_KEY_REUSED',
    `Idempotency-Key ${key} was used for a different request; use a new key for a new order`,
  );
}

export function refusalError(refusal: Refusal, rules: RaffleRules): DomainException {
  switch (refusal) {
    case 'SALES_CLOSED':
      return new DomainException(
        409,
        'SALES_CLOSED',
        `sales for ${rules.name} are closed (closing time ${rules.salesCloseAt})`,
      );
    case 'SALES_NOT_STARTED':
      return new DomainException(
        409,
        'SALES_NOT_STARTED',
        `sales for ${rules.name} open at ${rules.salesOpenAt}`,
      );
    case 'SOLD_OUT':
      return new DomainException(
        409,
        'SOLD_OUT',
        `not enough tickets are left in ${rules.name} for this package`,
      );
    case 'BUYER_LIMIT':
      return new DomainException(
        409,
        'BUYER_LIMIT_REACHED',
        `a buyer may hold at most ${rules.maxTicketsPerBuyer} tickets in ${rules.name}`,
        [{ field: 'buyerReference', messages: ['this buyer has reached the per-buyer limit'] }],
      );
  }
}
