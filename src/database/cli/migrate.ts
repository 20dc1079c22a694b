import { ConfigError, loadDatabaseEnvironment } from '../../config/environment.js';
import { DatabaseService } from '../database.service.js';

/**
 * Runs the migrations as the schema owner, for deployments where the service itself runs as the
 * least-privilege role with DATABASE_MIGRATE=false.
 */
async function main(): Promise<void> {
  const config = loadDatabaseEnvironment();
  const database = await DatabaseService.connect(config);
  try {
    const applied = await database.migrate();
    console.log(applied.length > 0 ? `applied: ${applied.join(', ')}` : 'the database is up to date');
  } finally {
    await database.onApplicationShutdown();
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? `Configuration error: ${error.message}` : error);
  process.exit(1);
});
