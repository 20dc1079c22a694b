// Strict readers for the JSON shapes of docs/draws.md: exact member sets and exact types, so that a
// proof or payload is read the same way by every implementation (no extra members, no coercion).

import { isEntryTime, isHashHex } from '../../ledger/core/index.js';
import { DrawFormatError } from './draw-format-error.js';
import { isTicketNumber } from './ticket-range.js';

export type JsonRecord = Record<string, unknown>;

/** An object with exactly the members `required` plus any of `optional`. */
export function readObject(
  value: unknown,
  field: string,
  required: readonly string[],
  optional: readonly string[] = [],
): JsonRecord {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DrawFormatError(field, 'must be a JSON object');
  }
  const keys = Object.keys(value);
  const missing = required.filter((k) => !Object.hasOwn(value, k));
  const extra = keys.filter((k) => !required.includes(k) && !optional.includes(k));
  if (missing.length > 0 || extra.length > 0) {
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      extra.length ? `unexpected ${extra.join(', ')}` : '',
    ];
    throw new DrawFormatError(field, `wrong members (${parts.filter(Boolean).join('; ')})`);
  }
  return value as JsonRecord;
}

/** An integer in [0, 2^53 - 1]. */
export function readCount(value: unknown, field: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) {
    throw new DrawFormatError(field, 'must be an integer from 0 to 2^53-1');
  }
  return value;
}

export function readTicket(value: unknown, field: string): number {
  if (!isTicketNumber(value))
    throw new DrawFormatError(field, 'must be a ticket number (integer from 1 to 2^53-1)');
  return value;
}

export function readString(value: unknown, field: string, maxLength = 256): string {
  if (typeof value !== 'string' || value.length === 0 || value.length > maxLength) {
    throw new DrawFormatError(field, `must be a string of 1-${maxLength} characters`);
  }
  return value;
}

export function readBoolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new DrawFormatError(field, 'must be true or false');
  return value;
}

export function readHash(value: unknown, field: string): string {
  if (!isHashHex(value)) throw new DrawFormatError(field, 'must be 64 lowercase hex digits');
  return value;
}

export function readArray<T>(value: unknown, field: string, item: (v: unknown, field: string) => T): T[] {
  if (!Array.isArray(value)) throw new DrawFormatError(field, 'must be an array');
  return value.map((v, i) => item(v, `${field}[${i}]`));
}

/** Lowercase hex of any length (including empty), whole bytes. */
export function readHexBytes(value: unknown, field: string): string {
  if (typeof value !== 'string' || !/^(?:[0-9a-f]{2})*$/.test(value)) {
    throw new DrawFormatError(field, 'must be lowercase hex of whole bytes');
  }
  return value;
}

/** One of the strings `allowed`. */
export function readOneOf<T extends string>(value: unknown, field: string, allowed: readonly T[]): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new DrawFormatError(field, `must be one of ${allowed.join(', ')}`);
  }
  return value as T;
}

/** A journal time: UTC ISO-8601 with milliseconds. */
export function readTime(value: unknown, field: string): string {
  if (!isEntryTime(value)) throw new DrawFormatError(field, 'must be a UTC ISO-8601 time with milliseconds');
  return value;
}
