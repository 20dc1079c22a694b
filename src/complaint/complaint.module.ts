import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { RaffleModule } from '../raffle/raffle.module.js';
import { TicketModule } from '../ticket/ticket.module.js';
import { ComplaintController } from './complaint.controller.js';
import { ComplaintRepository } from './complaint.repository.js';
import { ComplaintService } from './complaint.service.js';

/** Complaints (PLY-4): filing, triage, reading; others use ComplaintService. */
@Module({
  imports: [LedgerModule, RaffleModule, TicketModule, PrivacyModule],
  controllers: [ComplaintController],
  providers: [ComplaintRepository, ComplaintService],
  exports: [ComplaintService],
})
export class ComplaintModule {}
