// RFC 8785 JSON Canonicalization Scheme (JCS) of JSON-safe values.
//
// The `canonicalize` package is the reference implementation used here. For values whose object keys
// are already in JCS order — every entry the journal itself wrote and exported — JSON.stringify gives
// the same text, because JCS serialises strings and numbers exactly as ECMAScript's JSON.stringify
// does and only adds the key order. That shortcut is about twice as fast and is what lets the
// offline verifier check well over 100,000 entries a second; property tests prove both paths agree.

import canonicalize from 'canonicalize';
import { checkJsonValue } from './json-value.js';

/**
 * The canonical JSON text of a value. Throws JsonValueError (naming the path) if any part of the value
 * cannot round-trip through JSON exactly.
 */
export function canonicalJson(value: unknown): string {
  const sorted = checkJsonValue(value);
  return sorted ? JSON.stringify(value) : canonicalizeChecked(value);
}

/** The reference path alone, for values already checked with checkJsonValue. */
export function canonicalizeChecked(value: unknown): string {
  const text = canonicalize(value);
  if (text === undefined) throw new TypeError('value has no JSON form');
  return text;
}
