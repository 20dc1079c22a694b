import { Module } from '@nestjs/common';
import { LedgerAnchoring } from './ledger-anchoring.js';
import { LedgerIntegrity } from './ledger-integrity.js';
import { LedgerMetrics } from './ledger-metrics.js';
import { LedgerSequencer } from './ledger-sequencer.js';
import { LedgerController } from './ledger.controller.js';
import { LedgerRepository } from './ledger.repository.js';
import { LedgerService } from './ledger.service.js';

/** The verifiable journal. Other modules use LedgerService only. */
@Module({
  controllers: [LedgerController],
  providers: [
    LedgerRepository,
    LedgerMetrics,
    LedgerSequencer,
    LedgerService,
    LedgerAnchoring,
    LedgerIntegrity,
  ],
  exports: [LedgerService, LedgerIntegrity],
})
export class LedgerModule {}
