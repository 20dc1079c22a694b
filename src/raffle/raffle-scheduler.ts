import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/environment.js';
import { RaffleService } from './raffle.service.js';

/**
 * Closes sales at the end of each raffle's window. Every replica polls; the database makes each
 * close happen once (see RaffleService.closeDue). Sales themselves stop exactly at the closing
 * time whatever the poll interval: the sales transaction checks the window against the clock.
 */
@Injectable()
export class RaffleScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RaffleScheduler');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;

  constructor(
    private readonly config: AppConfig,
    private readonly raffles: RaffleService,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.tick(), this.config.SALES_SCHEDULER_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  private tick(): void {
    if (this.running) return;
    this.running = this.raffles
      .closeDue()
      .then((closed) => {
        if (closed.length > 0)
          this.logger.log({ event: 'sales_closed', raffles: closed }, 'sales window ended');
      })
      .catch((error: unknown) => this.logger.error({ err: error }, 'closing ended sales windows failed'))
      .finally(() => (this.running = undefined));
  }
}
