// @ts-check
// Byte helpers for the browser verifier: strict hex and base64 (one spelling per byte string, as the
// reference verifier accepts), UTF-8, concatenation. Browser built-ins only (TextEncoder, atob, btoa).

const HEX = /^(?:[0-9a-f]{2})*$/;
const HASH_HEX = /^[0-9a-f]{64}$/;
const BASE64 = /^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** @param {unknown} value @returns {value is string} 64 lowercase hex digits. */
export function isHashHex(value) {
  return typeof value === 'string' && HASH_HEX.test(value);
}

/** @param {unknown} value @returns {value is string} lowercase hex of whole bytes, possibly empty. */
export function isHexBytes(value) {
  return typeof value === 'string' && HEX.test(value);
}

/** @param {string} hex lowercase hex of whole bytes (checked by the caller) */
export function hexToBytes(hex) {
  const bytes = new Uint8Array(hex.length / 2);
  for (let i = 0; i < bytes.length; i++) bytes[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return bytes;
}

/** @param {Uint8Array} bytes */
export function bytesToHex(bytes) {
  let hex = '';
  for (const b of bytes) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** @param {Uint8Array} bytes */
export function bytesToBase64(bytes) {
  let binary = '';
  for (const b of bytes) binary += String.fromCharCode(b);
  return btoa(binary);
}

/**
 * Standard padded base64 (RFC 4648 section 4), rejecting every other spelling: no whitespace, no URL
 * alphabet, no missing padding, no stray bits after the last byte. Returns undefined if not canonical.
 * @param {string} text
 * @returns {Uint8Array | undefined}
 */
export function base64ToBytes(text) {
  if (!BASE64.test(text)) return undefined;
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytesToBase64(bytes) === text ? bytes : undefined;
}

/** @param {string} text */
export function utf8(text) {
  return new TextEncoder().encode(text);
}

/** @param {...(Uint8Array | number[])} parts */
export function concatBytes(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** @param {Uint8Array} a @param {Uint8Array} b */
export function bytesEqual(a, b) {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}
