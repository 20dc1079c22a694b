import { Module } from '@nestjs/common';
import { AuditModule } from '../audit/audit.module.js';
import { ClientRateGuard } from '../common/client-rate.guard.js';
import { LedgerModule } from '../ledger/ledger.module.js';
import { PaymentMismatchController } from './payment-mismatch.controller.js';
import { PaymentMismatchService } from './payment-mismatch.service.js';
import { PaymentProviders } from './payment-providers.js';
import { PaymentRepository } from './payment.repository.js';
import { PaymentService } from './payment.service.js';
import { RefundWorker } from './refund-worker.js';
import { StripeWebhookController } from './stripe-webhook.controller.js';

/** Payments behind a provider port (Stripe, cash, test), refunds and webhooks. Others use PaymentService only. */
@Module({
  imports: [LedgerModule, AuditModule],
  controllers: [StripeWebhookController, PaymentMismatchController],
  providers: [
    PaymentRepository,
    PaymentProviders,
    RefundWorker,
    PaymentMismatchService,
    PaymentService,
    ClientRateGuard,
  ],
  exports: [PaymentService],
})
export class PaymentModule {}
