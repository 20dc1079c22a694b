import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { SchedulerRegistry } from '@nestjs/schedule';
import { SYSTEM_ORIGIN } from '../audit/significant-event.js';
import { DomainException } from '../common/domain.exception.js';
import { AppConfig } from '../config/environment.js';
import { DrawService, SCHEDULER } from './draw.service.js';

const JOB = 'draws';
/** A draw that keeps waiting is logged again after this long, not at every tick. */
const WAITING_LOG_MS = 60_000;

/**
 * Runs every prize draw when it is due (each prize's drawAt, or each occurrence of its drawCron), on
 * every replica: the per-raffle advisory lock and the unique constraints make each draw happen once,
 * and a draw interrupted by a crash is made at the next tick after the restart.
 */
@Injectable()
export class DrawScheduler implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('DrawScheduler');
  private running?: Promise<void>;
  private readonly waitingLogged = new Map<string, number>();

  constructor(
    private readonly config: AppConfig,
    private readonly registry: SchedulerRegistry,
    private readonly draws: DrawService,
  ) {}

  onApplicationBootstrap(): void {
    const timer = setInterval(() => this.tick(), this.config.DRAW_SCHEDULER_INTERVAL_MS);
    timer.unref();
    this.registry.addInterval(JOB, timer);
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.registry.doesExist('interval', JOB)) this.registry.deleteInterval(JOB);
    await this.running;
  }

  /** One pass over the due draws; exposed for tests and operations. */
  tick(): Promise<void> {
    this.running ??= this.runDue().finally(() => (this.running = undefined));
    return this.running;
  }

  private async runDue(): Promise<void> {
    let due;
    try {
      for (const raffleId of await this.draws.finalSealsDue()) {
        await this.attempt(`${raffleId}/final-seal`, () => this.draws.sealFinal(raffleId));
      }
      due = await this.draws.due();
    } catch (error) {
      this.logger.error({ err: error }, 'listing the due draws failed; retried at the next tick');
      return;
    }
    for (const { raffleId, prizeId } of due) {
      await this.attempt(`${raffleId}/${prizeId}`, () =>
        this.draws.run(raffleId, prizeId, SCHEDULER, SYSTEM_ORIGIN),
      );
    }
    // After the due draws, so a long first read (a restarted replica) never delays one.
    await this.attempt('sales-folds', () => this.draws.foldSales());
  }

  private async attempt(key: string, work: () => Promise<unknown>): Promise<void> {
    try {
      await work();
      this.waitingLogged.delete(key);
    } catch (error) {
      // Logged when it first happens and then once a minute, not at every tick.
      const last = this.waitingLogged.get(key) ?? 0;
      if (Date.now() - last < WAITING_LOG_MS) return;
      this.waitingLogged.set(key, Date.now());
      if (error instanceof DomainException && error.getStatus() < 500) {
        this.logger.warn(
          { event: 'draw_waiting', key, code: error.code },
          `${key} is due but waits: ${error.message}`,
        );
      } else {
        this.logger.error({ err: error, event: 'draw_failed', key }, `${key} failed`);
      }
    }
  }
}
