import { Module, type DynamicModule, type ModuleMetadata } from '@nestjs/common';
import { APP_FILTER, APP_GUARD } from '@nestjs/core';
import { ThrottlerGuard, ThrottlerModule } from '@nestjs/throttler';
import { LoggerModule } from 'nestjs-pino';
import { AuditModule } from './audit/audit.module.js';
import { ServiceLifecycle } from './audit/service-lifecycle.js';
import { AuthModule } from './auth/auth.module.js';
import { ErrorFilter } from './common/error.filter.js';
import { ConfigModule } from './config/config.module.js';
import type { AppConfig } from './config/environment.js';
import { DatabaseModule } from './database/database.module.js';
import { DrawModule } from './draw/draw.module.js';
import { EligibilityModule } from './eligibility/eligibility.module.js';
import { FinanceModule } from './finance/finance.module.js';
import { HealthModule } from './health/health.module.js';
import { IntegrityModule } from './integrity/integrity.module.js';
import { JurisdictionModule } from './jurisdiction/jurisdiction.module.js';
import { LedgerModule } from './ledger/ledger.module.js';
import { MetricsModule } from './metrics/metrics.module.js';
import { PaymentModule } from './payment/payment.module.js';
import { RaffleModule } from './raffle/raffle.module.js';
import { ResultsModule } from './results/results.module.js';
import { TicketModule } from './ticket/ticket.module.js';
import { RngModule } from './rng/rng.module.js';
import { ReportModule } from './report/report.module.js';
import { ComplaintModule } from './complaint/complaint.module.js';
import { PrivacyModule } from './privacy/privacy.module.js';

/** The feature modules of the service; plumbing modules are added around them in `forRoot`. */
export const FEATURE_MODULES: NonNullable<ModuleMetadata['imports']> = [
  LedgerModule,
  JurisdictionModule,
  RaffleModule,
  PaymentModule,
  EligibilityModule,
  TicketModule,
  RngModule,
  AuditModule,
  IntegrityModule,
  DrawModule,
  ResultsModule,
  FinanceModule,
  ReportModule,
  ComplaintModule,
  PrivacyModule,
];

@Module({})
export class AppModule {
  static forRoot(config: AppConfig, extra: NonNullable<ModuleMetadata['imports']> = []): DynamicModule {
    return {
      module: AppModule,
      imports: [
        ConfigModule.forRoot(config),
        LoggerModule.forRoot({
          pinoHttp: {
            level: config.LOG_LEVEL,
            redact: ['req.headers.authorization', 'req.headers.cookie', 'req.headers["stripe-signature"]'],
            customProps: () => ({ service: 'fairdraw' }),
            autoLogging: { ignore: (req) => req.url?.startsWith('/health') ?? false },
          },
        }),
        ThrottlerModule.forRoot({ throttlers: [{ ttl: 60_000, limit: config.RATE_LIMIT_PER_MINUTE }] }),
        DatabaseModule,
        AuthModule,
        HealthModule,
        MetricsModule,
        ...FEATURE_MODULES,
        ...extra,
      ],
      providers: [
        { provide: APP_GUARD, useClass: ThrottlerGuard },
        { provide: APP_FILTER, useClass: ErrorFilter },
        // In the root module so that it starts last and stops first (see the class).
        ServiceLifecycle,
      ],
    };
  }
}
