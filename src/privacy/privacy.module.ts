import { Module } from '@nestjs/common';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RaffleModule } from '../raffle/raffle.module.js';
import { PrivacyController } from './privacy.controller.js';
import { PrivacyRepository } from './privacy.repository.js';
import { PrivacyService } from './privacy.service.js';

/**
 * Erasure of personal data and its register. The modules that keep personal data (draw claims,
 * complaints) import this one and register their stores with PrivacyService.
 */
@Module({
  imports: [LedgerModule, RaffleModule],
  controllers: [PrivacyController],
  providers: [PrivacyRepository, PrivacyService],
  exports: [PrivacyService],
})
export class PrivacyModule {}
