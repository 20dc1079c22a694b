import { AppConfig, checkRngEnvironment, RNG_PROVIDERS, validateEnvironment } from '../config/environment.js';
import { createRandomSource } from './providers/index.js';
import { RngEngine, type RngEngineOptions } from './rng-engine.js';
import { randomSourceConfig, type RngSettings } from './rng-settings.js';

/**
 * The RNG settings of the service from an environment (RNG_PROVIDER, PKCS11_*, RNG_KMS_*, ...),
 * validated and cross-checked exactly as at service start. `provider` overrides RNG_PROVIDER.
 */
export function rngSettingsFromEnvironment(env: NodeJS.ProcessEnv, provider?: string): RngSettings {
  if (provider !== undefined && !(RNG_PROVIDERS as readonly string[]).includes(provider)) {
    throw new Error(`unknown provider ${JSON.stringify(provider)}: expected ${RNG_PROVIDERS.join(', ')}`);
  }
  const config = validateEnvironment(AppConfig, provider ? { ...env, RNG_PROVIDER: provider } : env);
  checkRngEnvironment(config);
  return config;
}

/**
 * Opens the configured provider and runs the start-up test, as the service does: the command-line
 * tools then read bytes through the same health-monitored engine that draws use.
 */
export async function startRngEngine(
  settings: RngSettings,
  options: RngEngineOptions = {},
): Promise<RngEngine> {
  const engine = new RngEngine(createRandomSource(randomSourceConfig(settings)), options);
  try {
    await engine.start();
  } catch (error) {
    await engine.close().catch(() => undefined);
    throw error;
  }
  return engine;
}
