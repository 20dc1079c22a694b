import { RngProviderError } from '../random-source.js';

const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ECONNRESET',
]);

interface AwsLikeError {
  name?: string;
  code?: string;
  message?: string;
  $fault?: 'client' | 'server';
  $metadata?: { httpStatusCode?: number };
}

/**
 * The SDK's retry layer re-wraps a non-`Error` value (e.g. one from another realm, as under
 * jest) into a message-only error, losing `code`; the code survives in the message.
 */
function networkCode(e: AwsLikeError): string {
  if (e.code !== undefined) return e.code;
  return /\b(E[A-Z]{4,})\b/.exec(e.message ?? '')?.[1] ?? '';
}

/** Turns whatever the SDK threw into one clear RngProviderError; `timedOut` is our own deadline firing. */
export function kmsFailure(
  error: unknown,
  where: string,
  timedOut: boolean,
  timeoutMs: number,
): RngProviderError {
  const e = (typeof error === 'object' && error !== null ? error : {}) as AwsLikeError;
  const detail = `${e.name ?? 'Error'}${e.code ? ` ${e.code}` : ''}: ${e.message ?? String(error)}`;
  if (timedOut) {
    return new RngProviderError(
      'kms',
      'timeout',
      `KMS GenerateRandom at ${where} did not answer within ${timeoutMs} ms`,
      {
        cause: error,
      },
    );
  }
  if (UNREACHABLE_CODES.has(networkCode(e))) {
    return new RngProviderError('kms', 'unreachable', `KMS endpoint ${where} is unreachable (${detail})`, {
      cause: error,
    });
  }
  if (e.$fault !== undefined) {
    const status = e.$metadata?.httpStatusCode ?? '?';
    return new RngProviderError(
      'kms',
      'rejected',
      `KMS at ${where} refused GenerateRandom (HTTP ${status}, ${detail})`,
      {
        cause: error,
      },
    );
  }
  return new RngProviderError('kms', 'request-failed', `KMS GenerateRandom at ${where} failed (${detail})`, {
    cause: error,
  });
}
