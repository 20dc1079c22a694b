import { originFields, type Origin } from '../audit/significant-event.js';
import { Injectable } from '@nestjs/common';
import type { Principal } from '../auth/roles.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService } from '../database/database.service.js';
import { LedgerService, type QueuedEntry } from '../ledger/ledger.service.js';
import { raffleSubject } from '../raffle/raffle-lifecycle.js';
import { RaffleService } from '../raffle/raffle.service.js';
import { toOrderView } from './order-view.js';
import { markReprint, type JournalReference, type ReprintedReceipt } from './receipt.js';
import { ReprintRepository } from './reprint.repository.js';
import { codeHash } from './sales-batch.js';
import { SalesRepository } from './sales.repository.js';

export const RECEIPT_REPRINTED = 'RECEIPT_REPRINTED';
const JOURNAL_LOOKUP_MS = 2_000;

/**
 * Receipt reprints (TKT-6): a point of sale or an operator prints a paid order's receipt again. The
 * copy is marked as a reprint with its number and time, and each reprint is recorded and journaled
 * (RECEIPT_REPRINTED) in one transaction, so the journal shows every copy that exists. A voided
 * ticket is not valid, so its receipt is never reprinted.
 */
@Injectable()
export class ReprintService {
  constructor(
    private readonly database: DatabaseService,
    private readonly sales: SalesRepository,
    private readonly reprints: ReprintRepository,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
  ) {}

  async reprint(
    orderId: string,
    request: { deviceId?: string; reason?: string },
    who: Principal,
    origin: Origin,
  ): Promise<ReprintedReceipt> {
    const found = await this.sales.findOrder(orderId);
    const ownOnly = who.roles.every((role) => role === 'seller');
    if (!found || (ownOnly && found.seller_id !== who.sub)) {
      throw new DomainException(404, 'ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    }
    const raffle = await this.raffles.frozen(found.raffle_id);
    if (!raffle) throw new Error(`order ${orderId} names a raffle that does not exist`);
    const now = new Date();
    const deviceId = request.deviceId ?? null;
    const { order, number, queued } = await this.database.transaction(async (trx) => {
      // The order row's lock orders concurrent reprints (each gets its own number) and keeps a void
      // from slipping between the check and the record.
      const order = (await this.sales.findOrderForUpdate(trx, orderId))!;
      if (order.status === 'VOIDED') {
        throw new DomainException(
          409,
          'RECEIPT_VOIDED',
          `order ${orderId} was voided (${order.close_reason ?? 'no reason given'}): its tickets are not valid, so its receipt is not reprinted`,
        );
      }
      if (order.status !== 'PAID' || order.first_number === null) {
        throw new DomainException(
          409,
          'NO_RECEIPT',
          `order ${orderId} is ${order.status}: no tickets were issued, so there is no receipt to reprint`,
        );
      }
      const number = (await this.reprints.count(trx, orderId)) + 1;
      const [queued] = await this.ledger.append(trx, {
        type: RECEIPT_REPRINTED,
        subject: raffleSubject(order.raffle_id),
        payload: {
          orderId: order.id,
          raffleId: order.raffle_id,
          reprint: number,
          first: order.first_number,
          last: order.last_number!,
          codeHash: codeHash(order.verification_code!),
          deviceId,
          reason: request.reason ?? null,
          by: who.sub,
          reprintedAt: now.toISOString(),
          ...originFields(origin),
        },
      });
      await this.reprints.insert(trx, {
        order_id: order.id,
        reprint_number: number,
        raffle_id: order.raffle_id,
        reprinted_at: now,
        reprinted_by: who.sub,
        device_id: deviceId,
        reason: request.reason ?? null,
        journal_queue_id: queued.queueId,
      });
      return { order, number, queued };
    });
    const sold: QueuedEntry | null =
      order.journal_queue_id === null
        ? null
        : { queueId: order.journal_queue_id, recordedAt: order.sold_at ?? order.created_at };
    const [soldRef, reprintRef] = await Promise.all([this.reference(sold), this.reference(queued)]);
    const receipt = toOrderView(order, raffle, soldRef).receipt!;
    return markReprint(receipt, { number, at: now, by: who.sub, deviceId }, reprintRef);
  }

  private async reference(entry: QueuedEntry | null): Promise<JournalReference | null> {
    if (entry === null) return null;
    try {
      const [integrated] = await this.ledger.integrated([entry], JOURNAL_LOOKUP_MS);
      return { seq: integrated.seq, leafHash: integrated.hash };
    } catch {
      // The copy is printable without it; the entry is committed and integrates later.
      return null;
    }
  }
}
