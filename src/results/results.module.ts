import { Module } from '@nestjs/common';
import { RaffleModule } from '../raffle/raffle.module.js';
import { TicketModule } from '../ticket/ticket.module.js';
import { ResultsController } from './results.controller.js';
import { ResultsService } from './results.service.js';

/**
 * The public results page at `/` (plain HTML, CSS and ES modules from ./public) and the public list of
 * raffles it shows. Winners and proofs come from the draw module's public API; the page checks each
 * proof in the browser with its own verifier (public/verifier).
 */
@Module({
  imports: [RaffleModule, TicketModule],
  controllers: [ResultsController],
  providers: [ResultsService],
})
export class ResultsModule {}
