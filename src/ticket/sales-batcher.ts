import { Injectable, Logger, type BeforeApplicationShutdown } from '@nestjs/common';
import { AppConfig } from '../config/environment.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { SalesBatchProcessor, type BatchItem, type BatchOutcome, type BatchRaffle } from './sales-batch.js';
import { SalesMetrics } from './sales-metrics.js';

export type IntegratedEntry = Awaited<ReturnType<LedgerService['integrated']>>[number];

export interface SettledOutcome {
  outcome: BatchOutcome;
  /** The outcome's journal entry once integrated (sequence number and leaf hash), if it has one. */
  journal: IntegratedEntry | null;
}

interface Waiting {
  item: BatchItem;
  resolve(settled: SettledOutcome): void;
  reject(error: unknown): void;
}

interface RaffleQueue {
  raffle: BatchRaffle;
  waiting: Waiting[];
  /** Batches of this raffle in flight in this process: at most one (measured: a second gains nothing). */
  running: number;
  timer?: NodeJS.Timeout | NodeJS.Immediate;
}

const JOURNAL_WAIT_MS = 5_000;

/**
 * Group commit per raffle. Orders of one raffle queue here and a transaction takes up to
 * SALES_BATCH_MAX of them (an idle raffle waits SALES_BATCH_LINGER_MS for company; under load a
 * batch is whatever arrived while the previous ones were committing). Each request is answered
 * only after its batch committed. The raffle's counter row serialises the batches, in this process
 * and across replicas: batches queue behind one lock, not sales.
 */
@Injectable()
export class SalesBatcher implements BeforeApplicationShutdown {
  private readonly logger = new Logger('SalesBatcher');
  private readonly queues = new Map<string, RaffleQueue>();

  constructor(
    private readonly config: AppConfig,
    private readonly processor: SalesBatchProcessor,
    private readonly ledger: LedgerService,
    private readonly metrics: SalesMetrics,
  ) {}

  submit(raffle: BatchRaffle, item: BatchItem): Promise<SettledOutcome> {
    let queue = this.queues.get(raffle.raffleId);
    if (!queue) {
      queue = { raffle, waiting: [], running: 0 };
      this.queues.set(raffle.raffleId, queue);
    }
    const promise = new Promise<SettledOutcome>((resolve, reject) =>
      queue.waiting.push({ item, resolve, reject }),
    );
    this.schedule(queue);
    return promise;
  }

  /** Lets the orders already accepted finish before the database closes. */
  async beforeApplicationShutdown(): Promise<void> {
    const deadline = Date.now() + this.config.SHUTDOWN_GRACE_MS;
    while (
      [...this.queues.values()].some((q) => q.running || q.waiting.length > 0) &&
      Date.now() < deadline
    ) {
      await new Promise((resolve) => setTimeout(resolve, 5));
    }
  }

  private schedule(queue: RaffleQueue): void {
    if (queue.running > 0) return;
    if (queue.waiting.length >= this.config.SALES_BATCH_MAX) {
      this.flush(queue);
    } else if (!queue.timer) {
      const linger = this.config.SALES_BATCH_LINGER_MS;
      queue.timer =
        linger > 0 ? setTimeout(() => this.flush(queue), linger) : setImmediate(() => this.flush(queue));
    }
  }

  private flush(queue: RaffleQueue): void {
    if (queue.timer) {
      clearTimeout(queue.timer as NodeJS.Timeout);
      clearImmediate(queue.timer as NodeJS.Immediate);
      queue.timer = undefined;
    }
    if (queue.running > 0 || queue.waiting.length === 0) return;
    const batch = queue.waiting.splice(0, this.config.SALES_BATCH_MAX);
    queue.running++;
    const started = process.hrtime.bigint();
    void this.commit(
      queue.raffle,
      batch.map((w) => w.item),
    )
      .then((outcomes) => {
        this.metrics.batchSize.observe(batch.length);
        this.metrics.batchSeconds.observe(Number(process.hrtime.bigint() - started) / 1e9);
        // Answered after the commit, without holding up the next batch.
        void this.answer(batch, outcomes);
      })
      .finally(() => {
        queue.running--;
        if (queue.waiting.length > 0) this.flush(queue);
        else if (!queue.timer && queue.running === 0) this.queues.delete(queue.raffle.raffleId);
      });
  }

  /** The batch in one transaction; if it fails as a whole, each order alone, so one bad order fails only itself. */
  private async commit(raffle: BatchRaffle, items: BatchItem[]): Promise<Array<BatchOutcome | Error>> {
    try {
      return await this.processor.process(raffle, items);
    } catch (error) {
      if (items.length === 1) return [asError(error)];
      this.metrics.isolatedBatches.inc();
      this.logger.warn(
        { err: error, raffleId: raffle.raffleId, orders: items.length },
        'sales batch failed; retrying order by order',
      );
      const outcomes: Array<BatchOutcome | Error> = [];
      for (const item of items) {
        try {
          outcomes.push((await this.processor.process(raffle, [item]))[0]);
        } catch (single) {
          outcomes.push(asError(single));
        }
      }
      return outcomes;
    }
  }

  private async answer(batch: Waiting[], outcomes: Array<BatchOutcome | Error>): Promise<void> {
    const queued = outcomes.flatMap((o) => (!(o instanceof Error) && 'queued' in o ? [o.queued] : []));
    const journal = new Map<number, IntegratedEntry>();
    if (queued.length > 0) {
      try {
        for (const entry of await this.ledger.integrated(queued, JOURNAL_WAIT_MS))
          journal.set(entry.queueId, entry);
      } catch (error) {
        // Committed all the same: the receipt shows its journal reference once integrated.
        this.logger.warn(
          { err: error },
          'journal integration is slow; answering without the sequence numbers',
        );
      }
    }
    batch.forEach((waiting, i) => {
      const outcome = outcomes[i];
      if (outcome instanceof Error) {
        this.metrics.outcomes.inc({ outcome: 'error' });
        waiting.reject(outcome);
        return;
      }
      this.metrics.outcomes.inc({ outcome: outcome.kind });
      waiting.resolve({
        outcome,
        journal: 'queued' in outcome ? (journal.get(outcome.queued.queueId) ?? null) : null,
      });
    });
  }
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}
