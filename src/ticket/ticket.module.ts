import { Module } from '@nestjs/common';
import { ClientRateGuard } from '../common/client-rate.guard.js';
import { EligibilityModule } from '../eligibility/eligibility.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { PaymentModule } from '../payment/payment.module.js';
import { RaffleModule } from '../raffle/raffle.module.js';
import { BlockRepository } from './block.repository.js';
import { OfflinePosService } from './offline-pos.service.js';
import { OrderController } from './order.controller.js';
import { PosController } from './pos.controller.js';
import { PublicSalesController } from './public-sales.controller.js';
import { ReprintController } from './reprint.controller.js';
import { ReprintRepository } from './reprint.repository.js';
import { ReprintService } from './reprint.service.js';
import { SalesBatchProcessor } from './sales-batch.js';
import { SalesBatcher } from './sales-batcher.js';
import { SalesLifecycle } from './sales-lifecycle.js';
import { SalesMetrics } from './sales-metrics.js';
import { SalesRepository } from './sales.repository.js';
import { TicketService } from './ticket.service.js';
import { VoidService } from './void.service.js';

/** Ticket sales: orders, batching, receipts, verification, voids and offline POS. Others use TicketService. */
@Module({
  imports: [LedgerModule, RaffleModule, PaymentModule, EligibilityModule],
  controllers: [OrderController, PublicSalesController, PosController, ReprintController],
  providers: [
    SalesRepository,
    BlockRepository,
    SalesMetrics,
    SalesBatchProcessor,
    SalesBatcher,
    SalesLifecycle,
    TicketService,
    VoidService,
    OfflinePosService,
    ReprintRepository,
    ReprintService,
    ClientRateGuard,
  ],
  exports: [TicketService],
})
export class TicketModule {}
