import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type OnModuleInit,
} from '@nestjs/common';
import { originFields, SYSTEM_ORIGIN, type Origin } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import { AppConfig } from '../config/environment.js';
import { DatabaseService, type Tx } from '../database/database.service.js';
import { LedgerService, type LedgerDraft } from '../ledger/ledger.service.js';
import type {
  PaymentSettlement,
  PaymentSettlementHandler,
  SettlementRecorder,
  SettlementResult,
} from '../payment/payment-settlement.js';
import { PaymentService } from '../payment/payment.service.js';
import { raffleSubject } from '../raffle/raffle-lifecycle.js';
import type { RaffleTransition } from '../raffle/raffle-transition-hook.js';
import { RaffleService } from '../raffle/raffle.service.js';
import { BlockRepository } from './block.repository.js';
import type { CounterState } from './number-allocation.js';
import type { IssueOutcome } from './sales-batch.js';
import { SalesBatcher } from './sales-batcher.js';
import { SalesRepository } from './sales.repository.js';

const PAGE = 5_000;
const LEDGER_CHUNK = 1_000;
const EXPIRY_BATCH = 500;

/**
 * How sales follow the raffle's lifecycle and its payments: the counter row opens with the raffle
 * and closes with it; a cancellation voids every sale and requests its refund; the draw waits for
 * every reserved block; a confirmed online payment issues the order's tickets (through the sales
 * batch, like any sale); an abandoned one releases its hold. Lock order everywhere:
 * raffle row, then counter row, then order rows.
 */
@Injectable()
export class SalesLifecycle
  implements OnModuleInit, OnApplicationBootstrap, OnApplicationShutdown, PaymentSettlementHandler
{
  private readonly logger = new Logger('SalesLifecycle');
  private timer?: NodeJS.Timeout;
  private sweeping?: Promise<void>;
  /** Orders whose provider payment should be cancelled once the transition commits. */
  private readonly abandoned = new Map<string, string[]>();

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly repository: SalesRepository,
    private readonly blocks: BlockRepository,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
    private readonly payments: PaymentService,
    private readonly batcher: SalesBatcher,
  ) {}

  onModuleInit(): void {
    this.raffles.registerTransitionHook({
      beforeCommit: (trx, transition) => this.beforeTransition(trx, transition),
      afterCommit: (transition) => this.afterTransition(transition),
    });
    this.payments.registerSettlementHandler(this);
  }

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.sweep(), this.config.SALES_SCHEDULER_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.sweeping;
  }

  // --- the raffle's lifecycle ----------------------------------------------------------------

  private async beforeTransition(trx: Tx, transition: RaffleTransition): Promise<void> {
    const { raffleId, rules, at } = transition;
    switch (transition.to) {
      case 'OPEN':
        await this.repository.createCounter(
          trx,
          raffleId,
          {
            maxTickets: rules.maxTickets,
            salesOpenAt: new Date(rules.salesOpenAt),
            salesCloseAt: new Date(rules.salesCloseAt),
          },
          at,
        );
        return;
      case 'CLOSED': {
        const counter = await this.repository.lockCounter(trx, raffleId);
        if (!counter) return;
        counter.salesOpen = false;
        await this.cancelPending(
          trx,
          raffleId,
          counter,
          'SALES_CLOSED',
          transition.by,
          transition.origin,
          at,
        );
        await this.repository.saveCounter(trx, raffleId, counter, at);
        return;
      }
      case 'CANCELLED':
        await this.cancelSales(trx, transition);
        return;
      case 'DRAWN': {
        const outstanding = await this.blocks.outstanding(raffleId, trx);
        if (outstanding.length > 0) {
          throw new DomainException(
            409,
            'RESERVATIONS_OUTSTANDING',
            `the draw waits until every reserved block is uploaded or returned (SALE-4): ${outstanding
              .map((b) => `${b.id} on ${b.device_id} (${b.first_number}-${b.last_number})`)
              .join(', ')}`,
          );
        }
        return;
      }
      default:
        return;
    }
  }

  private afterTransition(transition: RaffleTransition): void {
    const abandoned = this.abandoned.get(transition.raffleId);
    this.abandoned.delete(transition.raffleId);
    if (transition.to === 'CANCELLED') this.payments.kickRefunds();
    for (const orderId of abandoned ?? []) void this.payments.cancelAtProvider(orderId);
  }

  /**
   * A cancelled raffle (CXL-3): every paid order voided with a refund requested (journaled, one
   * REFUND_REQUESTED per order), every unpaid order cancelled, every reserved block returned.
   */
  private async cancelSales(trx: Tx, transition: RaffleTransition): Promise<void> {
    const { raffleId, at, by, origin } = transition;
    const counter = await this.repository.lockCounter(trx, raffleId);
    if (!counter) return;
    const reason = 'RAFFLE_CANCELLED';
    let orders = 0;
    let tickets = 0;
    let amount = 0;
    for (let after: string | null = null; ;) {
      const page = await this.repository.ordersPage(trx, raffleId, 'PAID', after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      orders += page.length;
      for (const order of page) {
        tickets += order.ticket_count;
        amount += order.price_minor;
      }
      await this.payments.requestRefunds(
        trx,
        page.map((order) => ({
          orderId: order.id,
          raffleId,
          provider: order.payment_provider,
          paymentRef: order.payment_ref,
          amountMinor: order.price_minor,
          currency: order.currency,
          reason,
        })),
        origin,
        at,
      );
    }
    await this.repository.closeAllOrders(trx, raffleId, 'PAID', 'VOIDED', { at, reason, by });
    const returned = await this.blocks.returnAll(trx, raffleId, { at, reason, by });
    await this.cancelPending(trx, raffleId, counter, reason, by, origin, at);
    counter.salesOpen = false;
    counter.voided += counter.sold;
    counter.sold = 0;
    counter.paidTotalMinor = 0;
    counter.returned += counter.reserved;
    counter.reserved = 0;
    await this.repository.saveCounter(trx, raffleId, counter, at);
    await this.ledger.append(trx, {
      type: 'TICKETS_VOIDED',
      subject: raffleSubject(raffleId),
      payload: {
        raffleId,
        reason,
        by,
        ...originFields(origin),
        orders,
        tickets,
        amountMinor: amount,
        blocksReturned: returned,
      },
    });
  }

  /** Cancels every order still waiting for its payment; its hold is released and journaled. */
  private async cancelPending(
    trx: Tx,
    raffleId: string,
    counter: CounterState,
    reason: string,
    by: string,
    origin: Origin,
    at: Date,
  ): Promise<void> {
    const cancelled: string[] = [];
    const tallies = new Map<string, number>();
    for (let after: string | null = null; ;) {
      const page = await this.repository.ordersPage(trx, raffleId, 'PENDING_PAYMENT', after, PAGE);
      if (page.length === 0) break;
      after = page[page.length - 1].id;
      for (const order of page) {
        cancelled.push(order.id);
        counter.held -= order.ticket_count;
        if (order.buyer_key)
          tallies.set(order.buyer_key, (tallies.get(order.buyer_key) ?? 0) - order.ticket_count);
      }
    }
    if (cancelled.length === 0) return;
    await this.repository.closeAllOrders(trx, raffleId, 'PENDING_PAYMENT', 'CANCELLED', { at, reason, by });
    await this.repository.addBuyerTallies(trx, raffleId, tallies);
    await this.appendChunked(
      trx,
      cancelled.map((orderId) => ({
        type: 'ORDER_CANCELLED',
        subject: raffleSubject(raffleId),
        payload: { orderId, raffleId, reason, by, ...originFields(origin) },
      })),
    );
    this.abandoned.set(raffleId, [...(this.abandoned.get(raffleId) ?? []), ...cancelled]);
  }

  // --- payments ------------------------------------------------------------------------------

  /** A confirmed online payment issues the order's numbers through the raffle's sales batch. */
  async paymentSucceeded(
    settlement: PaymentSettlement,
    record: SettlementRecorder,
  ): Promise<SettlementResult> {
    const order = await this.repository.findOrder(settlement.orderId);
    const raffle = order ? await this.raffles.frozen(order.raffle_id) : undefined;
    if (!order || !raffle) {
      await this.database.transaction((trx) => record(trx, 'UNKNOWN_ORDER', null, null));
      return 'UNKNOWN_ORDER';
    }
    const { outcome } = await this.batcher.submit(
      { raffleId: raffle.id, maxTicketsPerBuyer: raffle.rules.maxTicketsPerBuyer },
      {
        kind: 'issue',
        orderId: order.id,
        paymentRef: settlement.paymentRef,
        amountMinor: settlement.amountMinor,
        currency: settlement.currency,
        origin: settlement.origin,
        inTransaction: (trx, issued) =>
          record(
            trx,
            settlementResult(issued),
            order.raffle_id,
            issued.kind === 'late' ? issued.reason : null,
          ),
      },
    );
    return settlementResult(outcome as IssueOutcome);
  }

  /** The provider will never take the payment: the order's hold is released now. */
  async paymentCanceled(
    orderId: string,
    reason: string,
    origin: Origin,
    record: (trx: Tx) => Promise<void>,
  ): Promise<void> {
    const order = await this.repository.findOrder(orderId);
    await this.database.transaction(async (trx) => {
      if (order?.status === 'PENDING_PAYMENT') {
        await this.release(trx, order.raffle_id, [orderId], reason, new Date(), origin);
      }
      await record(trx);
    });
  }

  // --- holds that ran out --------------------------------------------------------------------

  /** Releases holds past their time; each replica may run it, the counter lock makes each release once. */
  async expireHolds(now = new Date()): Promise<number> {
    const due = await this.repository.expiredHoldIds(now, EXPIRY_BATCH);
    const byRaffle = new Map<string, string[]>();
    for (const { id, raffle_id } of due) byRaffle.set(raffle_id, [...(byRaffle.get(raffle_id) ?? []), id]);
    let released = 0;
    for (const [raffleId, ids] of byRaffle) {
      const done = await this.database.transaction((trx) =>
        this.release(trx, raffleId, ids, 'PAYMENT_NOT_RECEIVED', now, SYSTEM_ORIGIN),
      );
      released += done.length;
      for (const orderId of done) void this.payments.cancelAtProvider(orderId);
    }
    return released;
  }

  private async release(
    trx: Tx,
    raffleId: string,
    ids: string[],
    reason: string,
    now: Date,
    origin: Origin,
  ): Promise<string[]> {
    const counter = await this.repository.lockCounter(trx, raffleId);
    if (!counter) return [];
    const orders = (await this.repository.lockOrders(trx, ids)).filter(
      (order) =>
        order.status === 'PENDING_PAYMENT' && (reason !== 'PAYMENT_NOT_RECEIVED' || order.expires_at! <= now),
    );
    if (orders.length === 0) return [];
    const by = 'system:payments';
    await this.repository.closeOrders(
      trx,
      orders.map((o) => o.id),
      'PENDING_PAYMENT',
      'CANCELLED',
      { at: now, reason, by },
    );
    const tallies = new Map<string, number>();
    for (const order of orders) {
      counter.held -= order.ticket_count;
      if (order.buyer_key)
        tallies.set(order.buyer_key, (tallies.get(order.buyer_key) ?? 0) - order.ticket_count);
    }
    await this.repository.addBuyerTallies(trx, raffleId, tallies);
    await this.repository.saveCounter(trx, raffleId, counter, now);
    await this.appendChunked(
      trx,
      orders.map((order) => ({
        type: 'ORDER_CANCELLED',
        subject: raffleSubject(raffleId),
        payload: {
          orderId: order.id,
          raffleId,
          tickets: order.ticket_count,
          reason,
          by,
          ...originFields(origin),
        },
      })),
    );
    return orders.map((o) => o.id);
  }

  private sweep(): void {
    if (this.sweeping) return;
    this.sweeping = this.expireHolds()
      .then(() => undefined)
      .catch((error: unknown) => this.logger.error({ err: error }, 'releasing expired holds failed'))
      .finally(() => (this.sweeping = undefined));
  }

  private async appendChunked(trx: Tx, drafts: LedgerDraft[]): Promise<void> {
    for (let i = 0; i < drafts.length; i += LEDGER_CHUNK) {
      await this.ledger.append(trx, ...drafts.slice(i, i + LEDGER_CHUNK));
    }
  }
}

function settlementResult(outcome: IssueOutcome): SettlementResult {
  switch (outcome.kind) {
    case 'issued':
      return 'ISSUED';
    case 'already-paid':
      return 'ALREADY_PAID';
    case 'late':
      return 'REFUND';
    case 'unknown-order':
      return 'UNKNOWN_ORDER';
  }
}
