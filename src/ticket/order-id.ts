import { randomUUID } from 'node:crypto';

/**
 * A UUID version 7 (RFC 9562): 48 bits of Unix milliseconds, then random bits. Orders inserted
 * at peak land at the right end of the primary-key index instead of on random pages. The random
 * part comes from randomUUID(), which draws from Node's batched CSPRNG cache (cheap per call); its
 * variant bits are already those of RFC 9562.
 */
export function uuidv7(now = Date.now()): string {
  const random = randomUUID();
  const time = now.toString(16).padStart(12, '0');
  return `${time.slice(0, 8)}-${time.slice(8, 12)}-7${random.slice(15)}`;
}
