/** PostgreSQL type OIDs the service reads, parsed the same way on `pg` and on PGlite. */
export const INT8_OID = 20;
export const NUMERIC_OID = 1700;
export const BYTEA_OID = 17;

/**
 * int8 becomes a JS number. Sequence numbers, ticket numbers and money in minor units stay far
 * below 2^53; a larger value is an error, not a silent loss of precision.
 */
export function parseInt8(text: string): number {
  const value = Number(text);
  if (!Number.isSafeInteger(value)) throw new RangeError(`int8 value ${text} exceeds 2^53`);
  return value;
}

/** bytea becomes a Node Buffer on both engines (PGlite would give a plain Uint8Array). */
export function parseBytea(text: string): Buffer {
  if (!text.startsWith('\\x')) throw new TypeError('bytea must arrive in hex format');
  return Buffer.from(text.slice(2), 'hex');
}
