import { RngAttemptsExceededError, RngHealthError, type StartUpResult } from './core/index.js';
import { RngProviderError } from './providers/index.js';

/** Why the RNG stopped serving: what the journal's RNG_FAULT entry, the logs and the status show. */
export interface RngFault {
  /** A statistical health test tripped, or the provider itself failed (device, network, login). */
  kind: 'health-test' | 'provider';
  /**
   * The metric label: 'repetition-count', 'adaptive-proportion', 'start-up' (the known-answer
   * self-test), 'attempts-exceeded' (128 rejections in a row) or 'provider'.
   */
  test: string;
  /** The test name, or the provider's machine-readable reason ('login-failed', 'token-not-found', ...). */
  reason: string;
  message: string;
  /** UTC ISO-8601. */
  at: string;
  /** For a health test: the byte value, its count against the cutoff, where in the stream. */
  sample?: number;
  count?: number;
  cutoff?: number;
  sampleIndex?: number;
}

/** Classifies whatever stopped the RNG; never includes secrets (provider messages carry none). */
export function faultOf(error: unknown, at: Date): RngFault {
  const time = at.toISOString();
  // A start-up test that could not read its samples wraps the provider's error.
  const provider =
    error instanceof RngProviderError
      ? error
      : error instanceof RngHealthError && error.cause instanceof RngProviderError
        ? error.cause
        : undefined;
  if (provider !== undefined) {
    return {
      kind: 'provider',
      test: 'provider',
      reason: provider.reason,
      message: provider.message,
      at: time,
    };
  }
  if (error instanceof RngHealthError) {
    const details = Object.fromEntries(
      (['sample', 'count', 'cutoff', 'sampleIndex'] as const)
        .filter((key) => error[key] !== undefined)
        .map((key) => [key, error[key]]),
    );
    return {
      kind: 'health-test',
      test: error.test,
      reason: error.test,
      message: error.message,
      at: time,
      ...details,
    };
  }
  if (error instanceof RngAttemptsExceededError) {
    return {
      kind: 'health-test',
      test: 'attempts-exceeded',
      reason: 'attempts-exceeded',
      message: error.message,
      at: time,
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { kind: 'provider', test: 'provider', reason: 'unexpected', message, at: time };
}

/** The RNG refuses to serve: not started, failed (latched) or closed. */
export class RngUnavailableError extends Error {
  constructor(
    readonly state: string,
    readonly fault: RngFault | undefined,
    message: string,
    cause?: unknown,
  ) {
    super(message, { cause });
    this.name = 'RngUnavailableError';
  }
}

/** The start-up test failed, so the RNG never served. */
export class RngStartUpError extends Error {
  constructor(
    readonly fault: RngFault,
    readonly result: StartUpResult,
  ) {
    super(`RNG start-up test failed: ${fault.message}`, { cause: result.failure });
    this.name = 'RngStartUpError';
  }
}
