import type { AppConfig } from '../config/environment.js';
import { createRandomSource, type RandomSource } from './providers/index.js';
import { randomSourceConfig } from './rng-settings.js';

/**
 * Builds the random source the RNG module serves from. The configured one unless a test provides
 * another under RNG_SOURCE_FACTORY (fault injection: a stuck or biased source); the module refuses
 * such an override when NODE_ENV=production.
 */
export type RandomSourceFactory = (config: AppConfig) => RandomSource;

export const RNG_SOURCE_FACTORY = Symbol.for('fairdraw.rng.source-factory');

export const configuredRandomSource: RandomSourceFactory = (config) =>
  createRandomSource(randomSourceConfig(config));
