import { Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { AuditModule } from '../audit/audit.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { IntegrityMetrics } from './integrity-metrics.js';
import { IntegrityController } from './integrity.controller.js';
import { IntegrityRepository } from './integrity.repository.js';
import { JournalIntegrityService } from './journal-integrity.service.js';
import { SoftwareIntegrityService } from './software-integrity.service.js';

/**
 * Software integrity (the SHA-256 of the running code against the certified digest) and the
 * scheduled re-verification of the whole journal. The draws module calls
 * SoftwareIntegrityService.assertDrawsAllowed() right before every draw.
 */
@Module({
  imports: [AuditModule, LedgerModule],
  controllers: [IntegrityController],
  providers: [
    SoftwareIntegrityService,
    JournalIntegrityService,
    IntegrityRepository,
    IntegrityMetrics,
    HealthIndicatorService,
  ],
  exports: [SoftwareIntegrityService, JournalIntegrityService],
})
export class IntegrityModule {}
