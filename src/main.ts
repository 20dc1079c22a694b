import 'reflect-metadata';
import { createApp } from './app.factory.js';
import { ConfigError, loadEnvironment } from './config/environment.js';

async function main(): Promise<void> {
  const config = loadEnvironment();
  const app = await createApp(config);
  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    // Nest closes the server and lets in-flight requests finish; this bounds how long that may take.
    process.once(signal, () => setTimeout(() => process.exit(1), config.SHUTDOWN_GRACE_MS).unref());
  }
  await app.listen({ port: config.PORT, host: config.HOST });
  const url = (await app.getUrl())
    .replace('[::1]', 'localhost')
    .replace('127.0.0.1', 'localhost')
    .replace('0.0.0.0', 'localhost');
  console.log(`Fairdraw is listening on ${url}; Swagger UI: ${url}/docs (OpenAPI: ${url}/docs-json)`);
}

main().catch((error: unknown) => {
  // A setting that only a module can judge (e.g. a provider's key) is a configuration error too.
  if (error instanceof ConfigError) console.error(`Configuration error: ${error.message}`);
  else console.error('Fairdraw failed to start:', error instanceof Error ? error.message : error);
  process.exit(1);
});
