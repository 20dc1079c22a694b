import { Module } from '@nestjs/common';
import { HealthIndicatorService } from '@nestjs/terminus';
import { LedgerModule } from '../ledger/ledger.module.js';
import { RngMetrics } from './rng-metrics.js';
import { RngController } from './rng.controller.js';
import { RngRepository } from './rng.repository.js';
import { RngService } from './rng.service.js';

/**
 * The random number generator of the service. Other modules use RngService only: `draw()` for
 * winners (recorded in their transaction) and `info()` for what to print on receipts.
 */
@Module({
  imports: [LedgerModule],
  controllers: [RngController],
  providers: [RngService, RngRepository, RngMetrics, HealthIndicatorService],
  exports: [RngService],
})
export class RngModule {}
