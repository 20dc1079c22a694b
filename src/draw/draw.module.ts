import { Module } from '@nestjs/common';
import { ScheduleModule } from '@nestjs/schedule';
import { IntegrityModule } from '../integrity/integrity.module.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { PrivacyModule } from '../privacy/privacy.module.js';
import { RaffleModule } from '../raffle/raffle.module.js';
import { RngModule } from '../rng/rng.module.js';
import { TicketModule } from '../ticket/ticket.module.js';
import { PrizeClaimsController } from './claims/prize-claims.controller.js';
import { PrizeClaimsRepository } from './claims/prize-claims.repository.js';
import { PrizeClaimsService } from './claims/prize-claims.service.js';
import { DrawController } from './draw.controller.js';
import { DrawScheduler } from './draw-scheduler.js';
import { DrawSets } from './draw-sets.js';
import { DrawViews } from './draw-views.js';
import { DrawRepository } from './draw.repository.js';
import { DrawService } from './draw.service.js';

/** Draws: sealing from the journal, RNG selection, redraws, scheduling, proofs and results; prize claims. */
@Module({
  imports: [
    ScheduleModule.forRoot(),
    LedgerModule,
    RaffleModule,
    TicketModule,
    RngModule,
    IntegrityModule,
    PrivacyModule,
  ],
  controllers: [DrawController, PrizeClaimsController],
  providers: [
    DrawRepository,
    DrawSets,
    DrawService,
    DrawViews,
    DrawScheduler,
    PrizeClaimsRepository,
    PrizeClaimsService,
  ],
  exports: [DrawService],
})
export class DrawModule {}
