import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { AccessJournal } from './access-journal.js';
import { AuditRepository } from './audit.repository.js';
import { AuditService } from './audit.service.js';
import { ServiceJournal } from './service-journal.js';

/**
 * Significant events in the journal. Other modules call AuditService.record; the access guard's
 * events are journaled by AccessJournal; ServiceJournal records starts, stops and configuration.
 */
@Module({
  imports: [LedgerModule],
  providers: [AuditService, AuditRepository, AccessJournal, ServiceJournal],
  exports: [AuditService, ServiceJournal],
})
export class AuditModule {}
