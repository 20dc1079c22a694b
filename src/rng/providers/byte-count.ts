import { RngProviderError, type RngProviderName } from './random-source.js';

/** A single request above this is almost certainly a bug (a draw needs a few bytes). */
export const MAX_BYTES_PER_REQUEST = 64 * 1024 * 1024;

export function assertByteCount(provider: RngProviderName, bytes: number): void {
  if (!Number.isSafeInteger(bytes) || bytes < 0 || bytes > MAX_BYTES_PER_REQUEST) {
    throw new RngProviderError(
      provider,
      'invalid-request',
      `${provider}: cannot generate ${bytes} bytes; ask for an integer from 0 to ${MAX_BYTES_PER_REQUEST}`,
    );
  }
}
