import { Injectable } from '@nestjs/common';
import { originFields, type Origin } from '../audit/significant-event.js';
import type { Principal } from '../auth/roles.js';
import { DomainException } from '../common/domain.exception.js';
import { DatabaseService } from '../database/database.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { PaymentService } from '../payment/payment.service.js';
import { raffleSubject } from '../raffle/raffle-lifecycle.js';
import { RaffleService } from '../raffle/raffle.service.js';
import type { OrderView } from './order-view.js';
import { SalesRepository } from './sales.repository.js';
import { TicketService } from './ticket.service.js';

/**
 * Voids a paid order before the draw: its numbers leave the draw but stay on record (CXL-2), the
 * 50/50 pot shrinks by its price, and its refund is requested, all journaled in one transaction
 * (TICKETS_VOIDED, REFUND_REQUESTED); the refund worker pays it out after the commit.
 */
@Injectable()
export class VoidService {
  constructor(
    private readonly database: DatabaseService,
    private readonly repository: SalesRepository,
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
    private readonly payments: PaymentService,
    private readonly tickets: TicketService,
  ) {}

  async voidOrder(orderId: string, reason: string, who: Principal, origin: Origin): Promise<OrderView> {
    const found = await this.repository.findOrder(orderId);
    if (!found) throw new DomainException(404, 'ORDER_NOT_FOUND', `order ${orderId} does not exist`);
    const raffle = await this.raffles.frozen(found.raffle_id);
    if (raffle?.profile.salesFinal.value.value) {
      throw new DomainException(
        409,
        'SALES_FINAL',
        `${raffle.profile.name} treats electronic raffle sales as final (${raffle.profile.salesFinal.trace.join(', ')}): a sold ticket is not voided; cancelling the raffle refunds every sale`,
      );
    }
    const now = new Date();
    await this.database.transaction(async (trx) => {
      // Lock order: the draw module's seal lock (shared), raffle row (shared), counter row, order row.
      await this.tickets.checkVoidAllowed(trx, found.raffle_id);
      const status = await this.raffles.statusInTransaction(trx, found.raffle_id);
      if (status !== 'OPEN' && status !== 'CLOSED') {
        throw new DomainException(
          409,
          'ORDER_NOT_VOIDABLE',
          `raffle ${found.raffle_id} is ${status}: tickets can be voided only before the draw`,
        );
      }
      const counter = await this.repository.lockCounter(trx, found.raffle_id);
      const order = await this.repository.findOrderForUpdate(trx, orderId);
      if (!counter || !order || order.status !== 'PAID' || order.first_number === null) {
        throw new DomainException(
          409,
          'ORDER_NOT_VOIDABLE',
          `order ${orderId} is ${order?.status ?? 'unknown'}: only a paid order can be voided`,
        );
      }
      await this.repository.closeOrders(trx, [order.id], 'PAID', 'VOIDED', { at: now, reason, by: who.sub });
      counter.sold -= order.ticket_count;
      counter.voided += order.ticket_count;
      counter.paidTotalMinor -= order.price_minor;
      counter.soldOrders -= 1;
      await this.repository.saveCounter(trx, order.raffle_id, counter, now);
      if (order.buyer_key) {
        await this.repository.addBuyerTallies(
          trx,
          order.raffle_id,
          new Map([[order.buyer_key, -order.ticket_count]]),
        );
      }
      await this.ledger.append(trx, {
        type: 'TICKETS_VOIDED',
        subject: raffleSubject(order.raffle_id),
        payload: {
          orderId: order.id,
          raffleId: order.raffle_id,
          first: order.first_number,
          last: order.last_number!,
          tickets: order.ticket_count,
          priceMinor: order.price_minor,
          reason,
          by: who.sub,
          ...originFields(origin),
        },
      });
      await this.payments.requestRefunds(
        trx,
        [
          {
            orderId: order.id,
            raffleId: order.raffle_id,
            provider: order.payment_provider,
            paymentRef: order.payment_ref,
            amountMinor: order.price_minor,
            currency: order.currency,
            reason: 'TICKETS_VOIDED',
          },
        ],
        origin,
        now,
      );
    });
    this.payments.kickRefunds();
    return this.tickets.getOrder(orderId, who);
  }
}
