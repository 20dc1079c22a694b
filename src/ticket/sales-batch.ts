import { hash } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { originFields, type Origin } from '../audit/significant-event.js';
import { AppConfig } from '../config/environment.js';
import type { Tx } from '../database/database.service.js';
import type { JsonObject } from '../ledger/core/json-value.js';
import { LedgerService, type LedgerDraft, type QueuedEntry } from '../ledger/ledger.service.js';
import { raffleSubject } from '../raffle/raffle-lifecycle.js';
import { allocate, type Allocation, type Demand, type Refusal } from './number-allocation.js';
import { SalesRepository, type IssuedUpdate, type NewOrderRow, type OrderRow } from './sales.repository.js';
import type { OrderChannel } from './ticket.tables.js';
import { newVerificationCodes } from './verification-code.js';

/** A new order: `sale` is paid in this transaction (cash, test), `hold` waits for an online payment. */
export interface NewOrderItem {
  kind: 'sale' | 'hold';
  orderId: string;
  idempotencyKey: string;
  requestHash: string;
  packageId: string;
  tickets: number;
  priceMinor: number;
  currency: string;
  channel: OrderChannel;
  sellerId: string;
  deviceId: string | null;
  buyerKey: string | null;
  provider: string;
  /** Who placed the order, from where: journaled with it (each order of a batch keeps its own). */
  origin: Origin;
}

/** The payment of a held order was confirmed: issue its numbers. */
export interface IssueItem {
  kind: 'issue';
  orderId: string;
  paymentRef: string;
  amountMinor: number;
  currency: string;
  /** What confirmed the payment (the provider's webhook, its address and request): journaled with the sale. */
  origin: Origin;
  /** Runs inside the batch transaction once the outcome is known (records the provider event, asks a refund). */
  inTransaction?: (trx: Tx, outcome: IssueOutcome) => Promise<void>;
}

export type BatchItem = NewOrderItem | IssueItem;

/** What a batch needs to know of its raffle beyond the counter row (from the frozen rules). */
export interface BatchRaffle {
  raffleId: string;
  maxTicketsPerBuyer: number | null;
}

export type NewOrderOutcome =
  | { kind: 'created'; order: OrderRow; queued: QueuedEntry }
  | { kind: 'replay'; orderId: string }
  | { kind: 'key-conflict' }
  | { kind: 'refused'; refusal: Refusal };

export type IssueOutcome =
  | { kind: 'issued'; order: OrderRow; queued: QueuedEntry }
  | { kind: 'already-paid'; order: OrderRow }
  /** The order can no longer take this payment (expired, cancelled, sales closed, wrong amount): refund it. */
  | { kind: 'late'; order: OrderRow; reason: string }
  | { kind: 'unknown-order' };

export type BatchOutcome = NewOrderOutcome | IssueOutcome;

/**
 * One transaction for a batch of one raffle's orders: claim the idempotency keys (sorted), lock the
 * raffle's counter row once, allocate consecutive ranges in memory, then write every order, every
 * journal entry and the counter with a handful of multi-row statements. An order that cannot be
 * served (window, capacity, buyer limit, key reused) is answered on its own; its neighbours commit.
 */
@Injectable()
export class SalesBatchProcessor {
  constructor(
    private readonly config: AppConfig,
    private readonly repository: SalesRepository,
    private readonly ledger: LedgerService,
  ) {}

  process(raffle: BatchRaffle, items: readonly BatchItem[]): Promise<BatchOutcome[]> {
    // The ledger's kind of transaction: the batch's entries are integrated in it (one commit, not two).
    return this.ledger.integratingTransaction((trx) => this.run(trx, raffle, items), { retries: 3 });
  }

  private async run(trx: Tx, raffle: BatchRaffle, items: readonly BatchItem[]): Promise<BatchOutcome[]> {
    const raffleId = raffle.raffleId;
    const claimedAt = new Date();
    const outcomes: Array<BatchOutcome | undefined> = new Array(items.length);
    const newOrders = indexed(items, (item): item is NewOrderItem => item.kind !== 'issue');
    const issues = indexed(items, (item): item is IssueItem => item.kind === 'issue');

    // 1. Idempotency keys first, then the raffle's counter row, one lock per batch held to the
    // commit; one round trip (the keys before the lock, so a wait on another replica's key never
    // holds it).
    const claims = newOrders.map(({ item }) => ({
      key: item.idempotencyKey,
      requestHash: item.requestHash,
      orderId: item.orderId,
    }));
    const { claimed: claimedKeys, counter } =
      claims.length > 0
        ? await this.repository.claimKeysAndLockCounter(trx, raffleId, claims, claimedAt)
        : { claimed: new Set<string>(), counter: await this.repository.lockCounter(trx, raffleId) };
    // The sale's time is taken once the lock is held: a batch that waited past the closing time sells nothing.
    const now = new Date();
    if (!counter) {
      // Sales never opened: refuse everything (nothing is written but the released keys).
      for (const { index } of newOrders) outcomes[index] = { kind: 'refused', refusal: 'SALES_CLOSED' };
      for (const { index } of issues) outcomes[index] = { kind: 'unknown-order' };
      await this.repository.releaseClaims(trx, raffleId, claims);
      return outcomes as BatchOutcome[];
    }

    // 2. Keys held by earlier orders: a retry of the same request is a replay, another request a conflict.
    const unclaimed = newOrders.filter(({ item }) => !claimedKeys.has(item.idempotencyKey));
    if (unclaimed.length > 0) {
      const records = await this.repository.keyRecords(
        raffleId,
        unclaimed.map(({ item }) => item.idempotencyKey),
        trx,
      );
      for (const { item, index } of unclaimed) {
        const record = records.get(item.idempotencyKey);
        outcomes[index] =
          record && record.requestHash === item.requestHash
            ? { kind: 'replay', orderId: record.orderId }
            : { kind: 'key-conflict' };
      }
    }
    const fresh = newOrders.filter(({ item }) => claimedKeys.has(item.idempotencyKey));

    // 3. Held orders whose payment arrived, locked in id order.
    const pending = new Map(
      (await this.repository.lockOrders(trx, [...new Set(issues.map(({ item }) => item.orderId))])).map(
        (row) => [row.id, row],
      ),
    );
    const issuable: Array<{ item: IssueItem; index: number; order: OrderRow }> = [];
    const late: Array<{ item: IssueItem; index: number; order: OrderRow; reason: string }> = [];
    const seen = new Set<string>();
    for (const { item, index } of issues) {
      const order = pending.get(item.orderId);
      if (!order || order.raffle_id !== raffleId) {
        outcomes[index] = { kind: 'unknown-order' };
      } else if (order.status === 'PAID' || order.status === 'VOIDED' || seen.has(order.id)) {
        outcomes[index] = { kind: 'already-paid', order };
      } else if (order.status !== 'PENDING_PAYMENT') {
        outcomes[index] = { kind: 'late', order, reason: 'ORDER_CLOSED_BEFORE_PAYMENT' };
      } else if (item.amountMinor !== order.price_minor || item.currency !== order.currency) {
        late.push({ item, index, order, reason: 'AMOUNT_MISMATCH' });
      } else {
        issuable.push({ item, index, order });
      }
      seen.add(item.orderId);
    }

    // 4. Allocation, in arrival order, as pure arithmetic.
    const demands: Array<{ demand: Demand; index: number }> = [];
    for (const { item, index } of fresh) {
      demands.push({
        index,
        demand: {
          kind: item.kind,
          tickets: item.tickets,
          priceMinor: item.priceMinor,
          buyerKey: item.buyerKey,
        },
      });
    }
    for (const { order, index } of issuable) {
      demands.push({
        index,
        demand: { kind: 'issue', tickets: order.ticket_count, priceMinor: order.price_minor },
      });
    }
    demands.sort((a, b) => a.index - b.index);
    const buyerKeys = [
      ...new Set(fresh.map(({ item }) => item.buyerKey).filter((key): key is string => key !== null)),
    ];
    const limit = buyerKeys.length > 0 ? raffle.maxTicketsPerBuyer : null;
    const tallies = limit !== null ? await this.repository.buyerTallies(trx, raffleId, buyerKeys) : new Map();
    const result = allocate(
      counter,
      demands.map((d) => d.demand),
      now,
      { limit, tallies },
    );
    const allocationOf = new Map<number, Allocation>(demands.map((d, i) => [d.index, result.allocations[i]]));

    // 5. Rows and journal entries of everything accepted.
    const numbered = demands.filter((d) => {
      const a = allocationOf.get(d.index)!;
      return a.ok && a.first !== null;
    }).length;
    const codes = newVerificationCodes(numbered);
    const drafts: LedgerDraft[] = [];
    const rows: NewOrderRow[] = [];
    const issued: Array<
      Omit<IssuedUpdate, 'journalQueueId'> & { index: number; order: OrderRow; item: IssueItem }
    > = [];
    const released: string[] = [];
    const closing: Array<{ index: number; order: OrderRow; reason: string; item: IssueItem }> = [...late];
    const rowIndex: number[] = [];
    const holdUntil = new Date(
      Math.min(now.getTime() + this.config.PAYMENT_HOLD_SECONDS * 1000, counter.salesCloseAt.getTime()),
    );

    for (const { item, index } of fresh) {
      const allocation = allocationOf.get(index)!;
      if (!allocation.ok) {
        outcomes[index] = { kind: 'refused', refusal: allocation.refusal };
        released.push(item.idempotencyKey);
        continue;
      }
      const row: NewOrderRow = {
        id: item.orderId,
        raffle_id: raffleId,
        status: item.kind === 'sale' ? 'PAID' : 'PENDING_PAYMENT',
        channel: item.channel,
        package_id: item.packageId,
        ticket_count: item.tickets,
        price_minor: item.priceMinor,
        currency: item.currency,
        first_number: allocation.first,
        last_number: allocation.last,
        verification_code: allocation.first !== null ? codes.pop()! : null,
        seller_id: item.sellerId,
        device_id: item.deviceId,
        block_id: null,
        buyer_key: item.buyerKey,
        payment_provider: item.provider,
        payment_ref: null,
        created_at: now,
        sold_at: item.kind === 'sale' ? now : null,
        expires_at: item.kind === 'hold' ? holdUntil : null,
        closed_at: null,
        close_reason: null,
        closed_by: null,
        journal_queue_id: null,
      };
      rows.push(row);
      rowIndex.push(index);
      drafts.push(item.kind === 'sale' ? soldEntry(row, now, item.origin) : placedEntry(row, item.origin));
    }
    for (const { item, index, order } of issuable) {
      const allocation = allocationOf.get(index)!;
      if (!allocation.ok || allocation.first === null) {
        closing.push({ index, order, item, reason: allocation.ok ? 'NOT_ISSUED' : allocation.refusal });
        continue;
      }
      const update = {
        index,
        order,
        item,
        id: order.id,
        first: allocation.first,
        last: allocation.last,
        code: codes.pop()!,
        soldAt: now,
        paymentRef: item.paymentRef,
      };
      issued.push(update);
      drafts.push(
        soldEntry(
          {
            ...order,
            status: 'PAID',
            first_number: update.first,
            last_number: update.last,
            verification_code: update.code,
            payment_ref: update.paymentRef,
          },
          now,
          item.origin,
        ),
      );
    }
    for (const { order, reason, item } of closing) {
      drafts.push({
        type: 'ORDER_CANCELLED',
        subject: raffleSubject(raffleId),
        payload: {
          orderId: order.id,
          raffleId,
          tickets: order.ticket_count,
          reason,
          by: 'system:payments',
          ...originFields(item.origin),
        },
      });
    }

    // 6. The writes: a few multi-row statements for the whole batch.
    await this.repository.releaseKeys(trx, raffleId, released);
    const queued = drafts.length > 0 ? await this.ledger.appendIntegrating(trx, ...drafts) : [];
    rows.forEach((row, i) => {
      row.journal_queue_id = queued[i].queueId;
      outcomes[rowIndex[i]] = { kind: 'created', order: row as OrderRow, queued: queued[i] };
    });
    const issuedQueued = queued.slice(rows.length, rows.length + issued.length);
    await this.repository.markIssued(
      trx,
      issued.map((update, i) => ({ ...update, journalQueueId: issuedQueued[i].queueId })),
    );
    issued.forEach((update, i) => {
      outcomes[update.index] = {
        kind: 'issued',
        queued: issuedQueued[i],
        order: {
          ...update.order,
          status: 'PAID',
          first_number: update.first,
          last_number: update.last,
          verification_code: update.code,
          sold_at: now,
          payment_ref: update.paymentRef,
          expires_at: null,
          journal_queue_id: issuedQueued[i].queueId,
        },
      };
    });
    if (closing.length > 0) {
      const byReason = new Map<string, string[]>();
      for (const { order, reason } of closing)
        byReason.set(reason, [...(byReason.get(reason) ?? []), order.id]);
      for (const [reason, ids] of byReason) {
        await this.repository.closeOrders(trx, ids, 'PENDING_PAYMENT', 'CANCELLED', {
          at: now,
          reason,
          by: 'system:payments',
        });
      }
      const releasedHolds = new Map<string, number>();
      for (const { order, index, reason } of closing) {
        if (order.buyer_key)
          releasedHolds.set(order.buyer_key, (releasedHolds.get(order.buyer_key) ?? 0) - order.ticket_count);
        outcomes[index] = { kind: 'late', order: { ...order, status: 'CANCELLED' }, reason };
      }
      if (late.length > 0) {
        // A mismatched amount never entered the allocation: release its hold here.
        result.counter.held -= late.reduce((sum, l) => sum + l.order.ticket_count, 0);
      }
      await this.repository.addBuyerTallies(trx, raffleId, releasedHolds);
    }
    await this.repository.addBuyerTallies(trx, raffleId, result.buyerIncrements);
    // The orders and the counter in one statement: one round trip less while the counter is locked.
    await this.repository.saveCounter(trx, raffleId, result.counter, now, rows);

    // 7. The payment module's own records, in this same transaction.
    for (const { item, index } of issues) {
      if (item.inTransaction) await item.inTransaction(trx, outcomes[index] as IssueOutcome);
    }
    return outcomes as BatchOutcome[];
  }
}

function indexed<T, S extends T>(
  items: readonly T[],
  keep: (item: T) => item is S,
): Array<{ item: S; index: number }> {
  const found: Array<{ item: S; index: number }> = [];
  items.forEach((item, index) => {
    if (keep(item)) found.push({ item, index });
  });
  return found;
}

export function codeHash(code: string): string {
  // One-shot hashing: no Hash object per sale.
  return hash('sha256', code, 'hex');
}

/**
 * TICKETS_SOLD: the numbers, the price, the seller and channel, the payment, a hash of the code, and
 * who caused the sale from where (the seller's request, or the provider's webhook for a held order).
 */
export function soldEntry(order: NewOrderRow | OrderRow, soldAt: Date, origin: Origin): LedgerDraft {
  // Members in RFC 8785 order (the most frequent entry of the journal): its canonical text is then
  // JSON.stringify's, without the reference canonicaliser (see canonicalJson).
  const payload: JsonObject = {
    actor: origin.actor as JsonObject,
    blockId: order.block_id ?? null,
    channel: order.channel,
    codeHash: codeHash(order.verification_code!),
    currency: order.currency,
    deviceId: order.device_id ?? null,
    first: order.first_number!,
    last: order.last_number!,
    orderId: order.id,
    packageId: order.package_id,
    payment: { provider: order.payment_provider, ref: order.payment_ref ?? null },
    priceMinor: order.price_minor,
    raffleId: order.raffle_id,
    requestId: origin.requestId,
    sellerId: order.seller_id,
    soldAt: soldAt.toISOString(),
    source: origin.source,
    tickets: order.ticket_count,
  };
  return { type: 'TICKETS_SOLD', subject: raffleSubject(order.raffle_id), payload };
}

function placedEntry(order: NewOrderRow, origin: Origin): LedgerDraft {
  return {
    type: 'ORDER_PLACED',
    subject: raffleSubject(order.raffle_id),
    payload: {
      orderId: order.id,
      raffleId: order.raffle_id,
      tickets: order.ticket_count,
      packageId: order.package_id,
      priceMinor: order.price_minor,
      currency: order.currency,
      channel: order.channel,
      sellerId: order.seller_id,
      provider: order.payment_provider,
      holdUntil: (order.expires_at as Date).toISOString(),
      ...originFields(origin),
    },
  };
}
