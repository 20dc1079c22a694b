import { Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { originFields, SYSTEM_ORIGIN, type Origin } from '../audit/significant-event.js';
import { AppConfig } from '../config/environment.js';
import { DatabaseService, type Tx } from '../database/database.service.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { raffleSubject } from '../raffle/raffle-lifecycle.js';
import type { RefundResult } from './payment-provider.js';
import { PaymentProviders } from './payment-providers.js';
import { PaymentRepository, type RefundRow } from './payment.repository.js';

const CLAIM = 20;
const MAX_ATTEMPTS = 10;
/** A claim older than this belongs to a worker that died mid-call; the provider's idempotency key makes the retry safe. */
const STALE_CLAIM_MS = 5 * 60_000;

/**
 * Pays out requested refunds through their provider, outside any transaction that holds a lock:
 * claim (FOR UPDATE SKIP LOCKED, so replicas share the queue), call the provider with the refund's
 * own idempotency key, then record and journal the outcome. Failures are retried with back-off and
 * finally journaled as REFUND_FAILED for an operator.
 */
@Injectable()
export class RefundWorker implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('RefundWorker');
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private again = false;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly database: DatabaseService,
    private readonly repository: PaymentRepository,
    private readonly ledger: LedgerService,
    private readonly providers: PaymentProviders,
  ) {}

  onApplicationBootstrap(): void {
    this.timer = setInterval(() => this.kick(), this.config.SALES_SCHEDULER_INTERVAL_MS);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running;
  }

  kick(): void {
    if (this.stopped) return;
    if (this.running) {
      this.again = true;
      return;
    }
    this.running = this.processDue()
      .then(() => undefined)
      .catch((error: unknown) =>
        this.logger.error({ err: error }, 'refund processing failed; it will be retried'),
      )
      .finally(() => {
        this.running = undefined;
        if (this.again) {
          this.again = false;
          this.kick();
        }
      });
  }

  /** Works through every refund that is due now; returns how many were attempted. */
  async processDue(): Promise<number> {
    let attempted = 0;
    while (!this.stopped) {
      const now = new Date();
      const claimed = await this.database.transaction((trx) =>
        this.repository.claimRefunds(trx, now, new Date(now.getTime() - STALE_CLAIM_MS), CLAIM),
      );
      if (claimed.length === 0) break;
      await Promise.all(claimed.map((refund) => this.attempt(refund)));
      attempted += claimed.length;
    }
    return attempted;
  }

  private async attempt(refund: RefundRow): Promise<void> {
    const provider = this.providers.find(refund.provider);
    const result: RefundResult = provider
      ? await provider
          .refund({
            refundId: refund.id,
            orderId: refund.order_id,
            paymentRef: refund.payment_ref,
            amountMinor: refund.amount_minor,
            currency: refund.currency,
            reason: refund.reason,
          })
          .catch((error: unknown) => ({
            status: 'FAILED' as const,
            providerRefundId: null,
            failure: error instanceof Error ? error.message : String(error),
            retryable: true,
          }))
      : {
          status: 'FAILED',
          providerRefundId: null,
          failure: `payment provider ${refund.provider} is not enabled`,
          retryable: true,
        };
    await this.database.transaction(async (trx) => {
      if (result.status === 'SUCCEEDED') {
        await this.complete(trx, refund, result.providerRefundId, SYSTEM_ORIGIN);
      } else if (result.status === 'PENDING') {
        await this.repository.updateRefund(trx, refund.id, ['PROCESSING'], {
          status: 'PENDING_PROVIDER',
          provider_refund_id: result.providerRefundId,
        });
      } else if (result.retryable && refund.attempts < MAX_ATTEMPTS) {
        const delay = Math.min(5_000 * 2 ** (refund.attempts - 1), 3_600_000);
        await this.repository.updateRefund(trx, refund.id, ['PROCESSING'], {
          status: 'REQUESTED',
          last_error: result.failure,
          next_attempt_at: new Date(Date.now() + delay),
        });
      } else {
        await this.fail(trx, refund, result.providerRefundId, result.failure, SYSTEM_ORIGIN);
      }
    });
  }

  /** Records a refund as paid out, once, whoever learns it first (the worker or a webhook). */
  async complete(
    trx: Tx,
    refund: RefundRow,
    providerRefundId: string | null,
    origin: Origin,
  ): Promise<string> {
    const now = new Date();
    const done = await this.repository.updateRefund(
      trx,
      refund.id,
      ['REQUESTED', 'PROCESSING', 'PENDING_PROVIDER'],
      {
        status: 'SUCCEEDED',
        provider_refund_id: providerRefundId ?? refund.provider_refund_id,
        completed_at: now,
      },
    );
    if (!done) return 'refund-already-final';
    await this.ledger.append(trx, {
      type: 'REFUND_COMPLETED',
      subject: raffleSubject(refund.raffle_id),
      payload: {
        refundId: refund.id,
        orderId: refund.order_id,
        provider: refund.provider,
        providerRefundId: providerRefundId ?? refund.provider_refund_id,
        amountMinor: refund.amount_minor,
        currency: refund.currency,
        ...originFields(origin),
      },
    });
    return 'refund-succeeded';
  }

  /** Records a refund that will not be paid out by the provider; an operator must act (journaled). */
  async fail(
    trx: Tx,
    refund: RefundRow,
    providerRefundId: string | null,
    failure: string,
    origin: Origin,
  ): Promise<string> {
    const done = await this.repository.updateRefund(
      trx,
      refund.id,
      ['REQUESTED', 'PROCESSING', 'PENDING_PROVIDER'],
      {
        status: 'FAILED',
        provider_refund_id: providerRefundId ?? refund.provider_refund_id,
        last_error: failure,
        completed_at: new Date(),
      },
    );
    if (!done) return 'refund-already-final';
    this.logger.error(
      { event: 'refund_failed', refundId: refund.id, orderId: refund.order_id, failure },
      'refund failed',
    );
    await this.ledger.append(trx, {
      type: 'REFUND_FAILED',
      subject: raffleSubject(refund.raffle_id),
      payload: {
        refundId: refund.id,
        orderId: refund.order_id,
        provider: refund.provider,
        failure,
        ...originFields(origin),
      },
    });
    return 'refund-failed';
  }
}
