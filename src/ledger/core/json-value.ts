// JSON values that survive a round trip through JSON unchanged, in any implementation: what a
// journal payload may contain. JSON.stringify silently drops or rewrites many JavaScript values
// (undefined, -0, NaN, Dates, holes in arrays), and other languages read integers beyond 2^53-1
// differently; hashing such a value would commit to bytes that do not mean what the writer meant.

import { hasLoneSurrogate } from './text.js';

export type JsonPrimitive = null | boolean | number | string;
export type JsonValue = JsonPrimitive | JsonValue[] | JsonObject;
export interface JsonObject {
  [key: string]: JsonValue;
}

export class JsonValueError extends Error {
  override readonly name = 'JsonValueError';

  constructor(
    readonly problem: string,
    /** Where the offending value sits, e.g. ['items', 3, 'price']. */
    readonly path: (string | number)[] = [],
  ) {
    super(problem);
  }

  /** The path as JavaScript-like text, e.g. `payload.items[3].price`. */
  pathText(root: string): string {
    return this.path.reduce<string>(
      (text, part) =>
        typeof part === 'number'
          ? `${text}[${part}]`
          : /^[A-Za-z_$][\w$]*$/.test(part)
            ? `${text}.${part}`
            : `${text}[${JSON.stringify(part)}]`,
      root,
    );
  }
}

// One quick scan for the rare characters that need a closer look: U+0000 and surrogates.
// eslint-disable-next-line no-control-regex
const SUSPECT = /[\u0000\ud800-\udfff]/;

function checkString(s: string): void {
  if (!SUSPECT.test(s)) return;
  if (hasLoneSurrogate(s))
    throw new JsonValueError('string contains a lone UTF-16 surrogate, which has no UTF-8 form');
  // PostgreSQL jsonb, where entries are stored, cannot hold U+0000.
  if (s.includes('\u0000'))
    throw new JsonValueError('string contains U+0000, which PostgreSQL jsonb cannot store');
}

function checkNumber(n: number): void {
  if (!Number.isFinite(n)) throw new JsonValueError(`${n} is not a finite number and has no JSON form`);
  if (Object.is(n, -0)) throw new JsonValueError('-0 becomes 0 in JSON; write 0');
  if (Math.abs(n) > Number.MAX_SAFE_INTEGER) {
    throw new JsonValueError(
      `${n} is beyond ±(2^53-1) and is not read back exactly by every JSON parser; use a string`,
    );
  }
}

/** Deeper nesting is refused rather than risking the call stack. */
export const MAX_JSON_DEPTH = 512;

/**
 * Walks a value, throwing JsonValueError (with the path) at the first part that cannot round-trip
 * through JSON exactly. Returns true when every object's keys are already in RFC 8785 order (by UTF-16
 * code units), in which case JSON.stringify yields the canonical form directly.
 *
 * `fromJsonParse` declares that the value was just returned by JSON.parse, so it cannot hold cycles,
 * holes or non-plain objects, and those checks are skipped; numbers, strings and key order are still
 * checked. The verifier's hot path uses it.
 */
export function checkJsonValue(value: unknown, fromJsonParse = false): boolean {
  return walk(value, 0, fromJsonParse ? undefined : new Set());
}

/** `ancestors` tracks the objects above `value` to find cycles; undefined when none can exist. */
function walk(value: unknown, depth: number, ancestors: Set<object> | undefined): boolean {
  switch (typeof value) {
    case 'string':
      checkString(value);
      return true;
    case 'number':
      checkNumber(value);
      return true;
    case 'boolean':
      return true;
    case 'bigint':
      throw new JsonValueError('BigInt has no JSON form; use a string or an integer within ±(2^53-1)');
    case 'undefined':
      throw new JsonValueError(
        'undefined has no JSON form (JSON.stringify would drop it); use null or leave the key out',
      );
    case 'function':
    case 'symbol':
      throw new JsonValueError(`a ${typeof value} has no JSON form`);
  }
  if (value === null) return true;
  const object = value as object;
  if (depth >= MAX_JSON_DEPTH) throw new JsonValueError(`nested deeper than ${MAX_JSON_DEPTH} levels`);
  if (ancestors !== undefined) {
    if (ancestors.has(object)) throw new JsonValueError('circular reference');
    if (!Array.isArray(object)) checkPlainObject(object);
    ancestors.add(object);
  }
  const sorted = Array.isArray(object)
    ? walkArray(object, depth, ancestors)
    : walkObject(object, depth, ancestors);
  ancestors?.delete(object);
  return sorted;
}

function checkPlainObject(object: object): void {
  const prototype: unknown = Object.getPrototypeOf(object);
  if (prototype !== Object.prototype && prototype !== null) {
    const kind = (object as { constructor?: { name?: string } }).constructor?.name ?? 'non-plain object';
    throw new JsonValueError(
      `${kind} is not a plain JSON object; convert it explicitly (e.g. a Date to an ISO string)`,
    );
  }
  if (Object.getOwnPropertySymbols(object).length > 0) {
    throw new JsonValueError('symbol keys have no JSON form');
  }
}

function walkArray(array: unknown[], depth: number, ancestors: Set<object> | undefined): boolean {
  let sorted = true;
  for (let i = 0; i < array.length; i++) {
    try {
      if (ancestors !== undefined && !(i in array)) {
        throw new JsonValueError('hole in array (JSON.stringify would write null)');
      }
      if (!walk(array[i], depth + 1, ancestors)) sorted = false;
    } catch (error) {
      if (error instanceof JsonValueError) error.path.unshift(i);
      throw error;
    }
  }
  return sorted;
}

function walkObject(object: object, depth: number, ancestors: Set<object> | undefined): boolean {
  let sorted = true;
  let previous: string | undefined;
  for (const key of Object.keys(object)) {
    try {
      checkString(key);
      if (previous !== undefined && !(previous < key)) sorted = false;
      previous = key;
      if (!walk((object as Record<string, unknown>)[key], depth + 1, ancestors)) sorted = false;
    } catch (error) {
      if (error instanceof JsonValueError) error.path.unshift(key);
      throw error;
    }
  }
  return sorted;
}
