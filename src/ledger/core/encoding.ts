// Strict text encodings for hashes and keys. Node's Buffer.from(s, 'base64' | 'hex') silently skips
// characters it does not understand; a verifier must not accept a value that another implementation
// would read differently, so every decoder here accepts exactly one spelling of each byte string.

import { HASH_SIZE } from './rfc9162.js';

const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

export class EncodingError extends Error {
  override readonly name = 'EncodingError';
}

/** True for the canonical spelling of a hash: exactly 64 lowercase hex digits. */
export function isHashHex(value: unknown): value is string {
  // A loop rather than /^[0-9a-f]{64}$/: this runs twice per entry in the verifier, and is 4x faster.
  if (typeof value !== 'string' || value.length !== HASH_SIZE * 2) return false;
  for (let i = 0; i < value.length; i++) {
    const c = value.charCodeAt(i);
    if (!((c >= 0x30 && c <= 0x39) || (c >= 0x61 && c <= 0x66))) return false;
  }
  return true;
}

/** Decodes a 64-digit lowercase hex hash; `what` names the value in the error message. */
export function hashFromHex(hex: unknown, what = 'hash'): Buffer {
  if (!isHashHex(hex)) throw new EncodingError(`${what} must be ${HASH_SIZE * 2} lowercase hex digits`);
  return Buffer.from(hex, 'hex');
}

export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('hex');
}

export function toBase64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * Decodes standard base64 (RFC 4648 section 4) with padding, rejecting any other spelling: no
 * whitespace, no URL alphabet, no missing padding, no non-zero bits after the last byte.
 */
export function fromBase64Strict(text: string, what = 'value'): Buffer {
  if (!BASE64.test(text)) throw new EncodingError(`${what} is not standard padded base64`);
  const bytes = Buffer.from(text, 'base64');
  if (bytes.toString('base64') !== text) throw new EncodingError(`${what} is not canonical base64`);
  return bytes;
}
