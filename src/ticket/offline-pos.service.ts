import { randomBytes, randomUUID } from 'node:crypto';
import { Injectable } from '@nestjs/common';
import { originFields, type Origin } from '../audit/significant-event.js';
import type { Principal } from '../auth/roles.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService } from '../database/database.service.js';
import { LedgerService, type LedgerDraft, type QueuedEntry } from '../ledger/ledger.service.js';
import { raffleSubject } from '../raffle/raffle-lifecycle.js';
import { RaffleService, type FrozenRaffle } from '../raffle/raffle.service.js';
import { BlockRepository, type BlockRow } from './block.repository.js';
import { committedTickets, windowRefusal } from './number-allocation.js';
import { checkUpload, countNumbers, unsoldRanges, type Range } from './offline-sales.js';
import { uuidv7 } from './order-id.js';
import { buildReceipt, type Receipt } from './receipt.js';
import { soldEntry } from './sales-batch.js';
import { SalesRepository, type NewOrderRow } from './sales.repository.js';
import { markReplayed } from './replay-marker.js';
import { requestFingerprint } from './request-fingerprint.js';
import { journalReference, parseIdempotencyKey, refusalError } from './ticket.service.js';
import { normalizeVerificationCode, offlineVerificationCode } from './verification-code.js';

export interface BlockView {
  blockId: string;
  raffleId: string;
  deviceId: string;
  sellerId: string;
  first: number;
  last: number;
  status: string;
  soldTickets: number;
  returnedTickets: number;
  outstandingTickets: number;
  unsold: Range[];
  reservedAt: string;
  closedAt: string | null;
  closeReason: string | null;
}

export type ReservedBlock = BlockView & { blockKey: string };

const LEDGER_CHUNK = 1_000;

/**
 * Offline point of sale where the jurisdiction allows it (North Dakota handhelds, POS-3): a
 * device reserves a block of consecutive numbers, sells them out of coverage printing codes it
 * derives from the block key, uploads the sales later and returns what it did not sell. Numbers
 * stay accounted for throughout (reserved, sold, voided or returned), uploads after the close are
 * refused, and the draw waits for every block (SALE-4).
 */
@Injectable()
export class OfflinePosService {
  constructor(
    private readonly database: DatabaseService,
    private readonly sales: SalesRepository,
    private readonly blocks: BlockRepository,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
  ) {}

  /**
   * Reserves a block of consecutive numbers to a device. Idempotent as orders are: the same
   * Idempotency-Key with the same request (and caller) returns the same block, with its key, also
   * after sales closed; with another request it is a 409. Only an accepted reservation binds its key.
   */
  async reserve(
    raffleId: string,
    request: { deviceId: string; tickets: number },
    idempotencyKey: string | undefined,
    who: Principal,
    origin: Origin,
  ): Promise<ReservedBlock> {
    const idempotency = parseIdempotencyKey(idempotencyKey);
    const { deviceId, tickets } = request;
    const raffle = await this.requireRaffle(raffleId);
    const requestHash = requestFingerprint(raffleId, who.sub, { deviceId, tickets });
    const rule = raffle.profile.numberReservation;
    if (!rule.value.allowed) {
      throw new DomainException(
        409,
        'RESERVATION_NOT_ALLOWED',
        `${raffle.profile.name} does not allow numbers to be issued before a purchase (${rule.trace.join(', ')})`,
      );
    }
    if (tickets > rule.value.maxBlockSize) {
      throw new DomainException(
        400,
        'VALIDATION_FAILED',
        `a block holds at most ${rule.value.maxBlockSize} numbers`,
        [
          {
            field: 'tickets',
            messages: [`tickets must not exceed ${rule.value.maxBlockSize} under ${raffle.profile.code}`],
          },
        ],
      );
    }
    if (!raffle.rules.channels.includes('POS')) {
      throw new DomainException(
        409,
        'CHANNEL_NOT_SOLD',
        `raffle ${raffleId} does not sell at points of sale`,
      );
    }
    const now = new Date();
    const key = randomBytes(32);
    const row = await this.database.transaction(async (trx) => {
      const block: BlockRow = {
        id: randomUUID(),
        raffle_id: raffleId,
        device_id: deviceId,
        seller_id: who.sub,
        first_number: 0,
        last_number: 0,
        block_key: key.toString('hex'),
        status: 'RESERVED',
        sold_tickets: 0,
        returned_tickets: 0,
        reserved_at: now,
        closed_at: null,
        close_reason: null,
        closed_by: null,
      };
      // The key first, before the counter lock: a retry waiting on the first request's key holds nothing.
      const claimed = await this.blocks.claimKey(trx, {
        raffleId,
        key: idempotency,
        requestHash,
        blockId: block.id,
        at: now,
      });
      if (!claimed) return undefined;
      const counter = await this.sales.lockCounter(trx, raffleId);
      if (!counter) throw refusalError('SALES_CLOSED', raffle.rules);
      const refusal = windowRefusal(counter, now);
      if (refusal) throw refusalError(refusal, raffle.rules);
      if (committedTickets(counter) + tickets > counter.maxTickets)
        throw refusalError('SOLD_OUT', raffle.rules);
      block.first_number = counter.nextNumber;
      block.last_number = counter.nextNumber + tickets - 1;
      counter.nextNumber += tickets;
      counter.reserved += tickets;
      await this.blocks.insert(trx, block);
      await this.sales.saveCounter(trx, raffleId, counter, now);
      await this.ledger.append(trx, {
        type: 'NUMBERS_RESERVED',
        subject: raffleSubject(raffleId),
        payload: {
          blockId: block.id,
          raffleId,
          deviceId,
          sellerId: who.sub,
          first: block.first_number,
          last: block.last_number,
          tickets,
          ...originFields(origin),
        },
      });
      return block;
    });
    if (!row) return markReplayed(await this.replayReservation(raffleId, idempotency, requestHash));
    return { ...toBlockView(row, []), blockKey: key.toString('hex') };
  }

  /**
   * The block an earlier reservation with this key reserved, as it stands now. Its key is given
   * again: the device whose first request timed out never received it, and only the same caller
   * with the same key and request gets here.
   */
  private async replayReservation(
    raffleId: string,
    key: string,
    requestHash: string,
  ): Promise<ReservedBlock> {
    const record = await this.blocks.keyRecord(raffleId, key);
    if (!record) throw new Error(`block reservation key ${key} was taken, yet no record of it is visible`);
    if (record.request_hash !== requestHash) {
      throw new DomainException(
        409,
        'IDEMPOTENCY_KEY_REUSED',
        `Idempotency-Key ${key} was used for a different request; use a new key for a new reservation`,
      );
    }
    const block = (await this.blocks.find(record.block_id))!;
    const recorded = await this.blocks.uploadedRanges(block.id);
    return { ...toBlockView(block, recorded), blockKey: block.block_key };
  }

  async get(blockId: string, who: Principal): Promise<BlockView> {
    const block = await this.blocks.find(blockId);
    const ownOnly = who.roles.every((role) => role === 'seller');
    if (!block || (ownOnly && block.seller_id !== who.sub)) {
      throw new DomainException(404, 'BLOCK_NOT_FOUND', `block ${blockId} does not exist`);
    }
    const recorded = await this.blocks.uploadedRanges(blockId);
    return toBlockView(block, recorded);
  }

  /** Records offline sales of a block, all or nothing; an exact repeat of a recorded sale is skipped. */
  async upload(
    blockId: string,
    deviceId: string,
    sales: Array<{
      first: number;
      last: number;
      packageId: string;
      soldAt: string;
      verificationCode: string;
    }>,
    who: Principal,
    origin: Origin,
  ): Promise<{ block: BlockView; recorded: Receipt[]; alreadyRecorded: number }> {
    const found = await this.requireBlock(blockId);
    const raffle = await this.requireRaffle(found.raffle_id);
    const now = new Date();
    const result = await this.database.transaction(async (trx) => {
      const counter = await this.sales.lockCounter(trx, raffle.id);
      const block = (await this.blocks.lock(trx, blockId))!;
      this.checkDevice(block, deviceId);
      if (block.status === 'RETURNED') {
        throw new DomainException(
          409,
          'BLOCK_RETURNED',
          `block ${blockId} was returned; its numbers can no longer be sold`,
        );
      }
      if (!counter || !counter.salesOpen || now >= counter.salesCloseAt) {
        throw new DomainException(
          409,
          'SALES_CLOSED',
          `sales of ${raffle.rules.name} are closed: offline sales must be uploaded before ${raffle.rules.salesCloseAt}; return the block instead`,
        );
      }
      const key = Buffer.from(block.block_key, 'hex');
      const recorded = await this.blocks.uploadedRanges(blockId, trx);
      const check = checkUpload(sales, {
        block: { first: block.first_number, last: block.last_number, reservedAt: block.reserved_at },
        recorded,
        packages: raffle.rules.packages,
        salesCloseAt: counter.salesCloseAt,
        now,
        expectedCode: (range) => offlineVerificationCode(key, raffle.id, range.first, range.last),
        normalizeCode: normalizeVerificationCode,
      });
      if (check.problems.length > 0) {
        throw new DomainException(
          400,
          'VALIDATION_FAILED',
          `the upload was refused and nothing recorded: ${check.problems.map((p) => p.message).join('; ')}`,
          check.problems.map((p) => ({ field: p.field, messages: [p.message] })),
        );
      }
      const rows: NewOrderRow[] = check.fresh.map((i) => {
        const sale = sales[i];
        const pkg = raffle.rules.packages.find((p) => p.id === sale.packageId)!;
        return {
          id: uuidv7(),
          raffle_id: raffle.id,
          status: 'PAID',
          channel: 'POS_OFFLINE',
          package_id: pkg.id,
          ticket_count: pkg.tickets,
          price_minor: pkg.priceMinor,
          currency: raffle.rules.currency,
          first_number: sale.first,
          last_number: sale.last,
          verification_code: offlineVerificationCode(key, raffle.id, sale.first, sale.last),
          seller_id: who.sub,
          device_id: block.device_id,
          block_id: block.id,
          buyer_key: null,
          payment_provider: 'cash',
          payment_ref: null,
          created_at: now,
          sold_at: new Date(sale.soldAt),
          expires_at: null,
          journal_queue_id: null,
        };
      });
      const drafts: LedgerDraft[] = rows.map((row) => {
        const entry = soldEntry(row, row.sold_at as Date, origin);
        entry.payload.uploadedAt = now.toISOString();
        return entry;
      });
      const queued: QueuedEntry[] = [];
      for (let i = 0; i < drafts.length; i += LEDGER_CHUNK) {
        queued.push(...(await this.ledger.append(trx, ...drafts.slice(i, i + LEDGER_CHUNK))));
      }
      rows.forEach((row, i) => (row.journal_queue_id = queued[i].queueId));
      await this.sales.insertOrders(trx, rows);
      const tickets = rows.reduce((sum, row) => sum + row.ticket_count, 0);
      counter.sold += tickets;
      counter.reserved -= tickets;
      counter.paidTotalMinor += rows.reduce((sum, row) => sum + (row.price_minor as number), 0);
      counter.soldOrders += rows.length;
      await this.sales.saveCounter(trx, raffle.id, counter, now);
      const sold = block.sold_tickets + tickets;
      const soldOut = sold === block.last_number - block.first_number + 1;
      await this.blocks.update(trx, block.id, {
        sold_tickets: sold,
        ...(soldOut
          ? { status: 'SOLD_OUT', closed_at: now, close_reason: 'SOLD_OUT', closed_by: who.sub }
          : {}),
      });
      const updated: BlockRow = {
        ...block,
        sold_tickets: sold,
        ...(soldOut
          ? { status: 'SOLD_OUT' as const, closed_at: now, close_reason: 'SOLD_OUT', closed_by: who.sub }
          : {}),
      };
      return {
        rows,
        queued,
        block: updated,
        recorded: [...recorded, ...rows.map((r) => ({ first: r.first_number!, last: r.last_number! }))],
        repeats: check.repeats.length,
      };
    });
    const journal = result.queued.length
      ? new Map((await this.ledger.integrated(result.queued).catch(() => [])).map((e) => [e.queueId, e]))
      : new Map();
    return {
      block: toBlockView(result.block, result.recorded),
      recorded: result.rows.map((row) =>
        buildReceipt(
          {
            id: row.id,
            status: 'PAID',
            channel: row.channel,
            sellerId: row.seller_id,
            deviceId: row.device_id ?? null,
            packageId: row.package_id,
            ticketCount: row.ticket_count,
            priceMinor: row.price_minor,
            currency: row.currency,
            firstNumber: row.first_number!,
            lastNumber: row.last_number!,
            verificationCode: row.verification_code!,
            soldAt: row.sold_at as Date,
          },
          raffle,
          journalReference(journal.get(row.journal_queue_id!) ?? null),
        ),
      ),
      alreadyRecorded: result.repeats,
    };
  }

  /**
   * Returns a block's unsold numbers (they never enter the draw and are never sold again). A seller
   * returns their device's block; an operator may return a lost device's block (POS-4).
   */
  async returnBlock(
    blockId: string,
    deviceId: string | undefined,
    reason: string | undefined,
    who: Principal,
    origin: Origin,
  ): Promise<BlockView> {
    const found = await this.requireBlock(blockId);
    const operator = who.roles.some((role) => role === 'operator' || role === 'admin');
    if (!operator && deviceId === undefined) {
      throw new DomainException(400, 'VALIDATION_FAILED', 'deviceId is required to return a block', [
        { field: 'deviceId', messages: ['deviceId is required to return a block'] },
      ]);
    }
    const now = new Date();
    const { block, recorded } = await this.database.transaction(async (trx) => {
      const status = await this.raffles.statusInTransaction(trx, found.raffle_id);
      const counter = await this.sales.lockCounter(trx, found.raffle_id);
      const block = (await this.blocks.lock(trx, blockId))!;
      if (deviceId !== undefined) this.checkDevice(block, deviceId);
      const recorded = await this.blocks.uploadedRanges(blockId, trx);
      if (block.status !== 'RESERVED') return { block, recorded };
      if (status === 'DRAWN' || status === 'SETTLED' || !counter) {
        throw new DomainException(409, 'BLOCK_NOT_RETURNABLE', `raffle ${found.raffle_id} is ${status}`);
      }
      const unsold = unsoldRanges({ first: block.first_number, last: block.last_number }, recorded);
      const returned = countNumbers(unsold);
      counter.reserved -= returned;
      counter.returned += returned;
      await this.sales.saveCounter(trx, block.raffle_id, counter, now);
      const closeReason = reason ?? 'RETURNED_UNSOLD';
      await this.blocks.update(trx, block.id, {
        status: 'RETURNED',
        returned_tickets: returned,
        closed_at: now,
        close_reason: closeReason,
        closed_by: who.sub,
      });
      await this.ledger.append(trx, {
        type: 'NUMBERS_RETURNED',
        subject: raffleSubject(block.raffle_id),
        payload: {
          blockId: block.id,
          raffleId: block.raffle_id,
          deviceId: block.device_id,
          ranges: unsold.map((r) => [r.first, r.last]),
          tickets: returned,
          reason: closeReason,
          by: who.sub,
          ...originFields(origin),
        },
      });
      return {
        block: {
          ...block,
          status: 'RETURNED' as const,
          returned_tickets: returned,
          closed_at: now,
          close_reason: closeReason,
          closed_by: who.sub,
        },
        recorded,
      };
    });
    return toBlockView(block, recorded);
  }

  private checkDevice(block: BlockRow, deviceId: string): void {
    if (block.device_id !== deviceId) {
      throw new DomainException(
        409,
        'NOT_RESERVED_TO_DEVICE',
        `block ${block.id} is reserved to another device; numbers ${block.first_number}-${block.last_number} are not yours to sell`,
      );
    }
  }

  private async requireBlock(blockId: string): Promise<BlockRow> {
    const block = await this.blocks.find(blockId);
    if (!block) throw new DomainException(404, 'BLOCK_NOT_FOUND', `block ${blockId} does not exist`);
    return block;
  }

  private async requireRaffle(raffleId: string): Promise<FrozenRaffle> {
    const raffle = await this.raffles.frozen(raffleId);
    if (!raffle) throw new DomainException(404, 'RAFFLE_NOT_FOUND', `raffle ${raffleId} does not exist`);
    if (raffle.status === 'DRAFT') {
      throw new DomainException(
        409,
        'RAFFLE_NOT_OPEN',
        `raffle ${raffleId} is a DRAFT: sales have not opened`,
      );
    }
    return raffle;
  }
}

function toBlockView(block: BlockRow, recorded: Range[]): BlockView {
  const unsold = unsoldRanges({ first: block.first_number, last: block.last_number }, recorded);
  const size = block.last_number - block.first_number + 1;
  return {
    blockId: block.id,
    raffleId: block.raffle_id,
    deviceId: block.device_id,
    sellerId: block.seller_id,
    first: block.first_number,
    last: block.last_number,
    status: block.status,
    soldTickets: block.sold_tickets,
    returnedTickets: block.returned_tickets,
    outstandingTickets: block.status === 'RESERVED' ? size - block.sold_tickets : 0,
    unsold,
    reservedAt: block.reserved_at.toISOString(),
    closedAt: block.closed_at?.toISOString() ?? null,
    closeReason: block.close_reason,
  };
}
