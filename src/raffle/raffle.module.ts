import { Module } from '@nestjs/common';
import { JurisdictionModule } from '../jurisdiction/jurisdiction.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RaffleScheduler } from './raffle-scheduler.js';
import { RaffleController } from './raffle.controller.js';
import { RaffleRepository } from './raffle.repository.js';
import { RaffleService } from './raffle.service.js';

/** Raffles and their lifecycle. Other modules use RaffleService only. */
@Module({
  imports: [LedgerModule, JurisdictionModule],
  controllers: [RaffleController],
  providers: [RaffleRepository, RaffleService, RaffleScheduler],
  exports: [RaffleService],
})
export class RaffleModule {}
