import { Module, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { ConfigModule } from '../../config/config.module.js';
import type { AppConfig } from '../../config/environment.js';
import { DatabaseModule } from '../../database/database.module.js';
import { DatabaseService } from '../../database/database.service.js';
import { MetricsModule } from '../../metrics/metrics.module.js';
import { LedgerModule } from '../ledger.module.js';
import { LedgerService } from '../ledger.service.js';
import { QldbImportService } from './qldb-import.service.js';

@Module({})
class QldbImportContextModule {
  static forRoot(config: AppConfig): DynamicModule {
    return {
      module: QldbImportContextModule,
      imports: [ConfigModule.forRoot(config), DatabaseModule, MetricsModule, LedgerModule],
    };
  }
}

export interface QldbImportContext {
  importer: QldbImportService;
  ledger: LedgerService;
  database: DatabaseService;
  close(): Promise<void>;
}

/**
 * The ledger and its database as the service configures them (DATABASE_URL, or PGlite in DATA_DIR),
 * without the HTTP server: what the import CLI runs on. Migrations run as in the service
 * (DATABASE_MIGRATE); the ledger's sequencer integrates the queued entries.
 */
export async function openQldbImportContext(config: AppConfig): Promise<QldbImportContext> {
  const app = await NestFactory.createApplicationContext(QldbImportContextModule.forRoot(config), {
    logger: config.LOG_LEVEL === 'silent' ? false : ['error', 'warn'],
    // Errors reach the CLI, which reports them and exits with its own status.
    abortOnError: false,
  });
  await app.init();
  const ledger = app.get(LedgerService);
  const database = app.get(DatabaseService);
  return {
    importer: new QldbImportService(ledger, database),
    ledger,
    database,
    close: () => app.close(),
  };
}
