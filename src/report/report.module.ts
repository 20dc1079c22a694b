import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ComplaintModule } from '../complaint/complaint.module.js';
import { DrawModule } from '../draw/draw.module.js';
import { FinanceModule } from '../finance/finance.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RaffleModule } from '../raffle/raffle.module.js';
import { TicketModule } from '../ticket/ticket.module.js';
import { ReportController } from './report.controller.js';
import { ReportService } from './report.service.js';

/**
 * Reports for operators and regulators. The module owns no tables: it reads the journal through
 * LedgerService and AuditService, and the records of other modules through their services.
 */
@Module({
  imports: [
    LedgerModule,
    RaffleModule,
    TicketModule,
    AuditModule,
    DrawModule,
    ComplaintModule,
    FinanceModule,
  ],
  controllers: [ReportController],
  providers: [ReportService],
  exports: [ReportService],
})
export class ReportModule {}
