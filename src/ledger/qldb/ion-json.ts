// Explicit conversion of Ion values to JSON that a Fairdraw journal payload can carry.
// JSON.stringify on ion-js values loses precision (big integers become floats, decimals lose
// trailing zeros or digits, timestamps drop nanoseconds), so every Ion type is converted by rule:
//
//   null (of any type)   -> null
//   bool                 -> boolean
//   int                  -> number when within ±(2^53-1), else its decimal digits as a string
//   float                -> number when finite, not -0 and within ±(2^53-1), else its text
//                           ("nan", "+inf", "-inf", "-0e0", "1e+300")
//   decimal              -> string with every digit kept ("1.50", "1E-9", "-0")
//   timestamp            -> ISO-8601 string with the precision and offset Ion gave it
//                           ("2019-12-11T07:20:51.123456789Z", "1963-08-19", "2007-02")
//   string, symbol       -> string
//   blob, clob           -> base64 (RFC 4648, padded)
//   list, sexp           -> array
//   struct               -> object; a field name that repeats (legal in Ion) holds an array of its values
//
// Annotations are not carried. The rendering is for reading: QLDB hashes are recomputed from the Ion
// itself (see ion-hash in qldb-hash.ts), never from this JSON.

import { type dom, IonTypes, type Timestamp, TimestampPrecision } from 'ion-js';
import type { JsonObject, JsonValue } from '../core/json-value.js';

export class IonConversionError extends Error {
  override readonly name = 'IonConversionError';

  constructor(
    readonly problem: string,
    readonly path: (string | number)[],
  ) {
    super(`${problem} at ${pathText(path)}`);
  }
}

function pathText(path: (string | number)[]): string {
  return path.reduce<string>(
    (text, part) =>
      typeof part === 'number'
        ? `${text}[${part}]`
        : /^[A-Za-z_$][\w$]*$/.test(part)
          ? `${text}.${part}`
          : `${text}[${JSON.stringify(part)}]`,
    '$',
  );
}

const MAX_DEPTH = 500;

/** Converts one Ion value; `path` names where it sits, for error messages. */
export function ionToJson(value: dom.Value, path: (string | number)[] = []): JsonValue {
  if (path.length > MAX_DEPTH) throw new IonConversionError(`nested deeper than ${MAX_DEPTH} levels`, path);
  if (value.isNull()) return null;
  const type = value.getType();
  switch (type) {
    case IonTypes.BOOL:
      return value.booleanValue();
    case IonTypes.INT:
      return intToJson(value.bigIntValue()!);
    case IonTypes.FLOAT:
      return floatToJson(value.numberValue()!);
    case IonTypes.DECIMAL:
      return value.decimalValue()!.toString();
    case IonTypes.TIMESTAMP:
      return isoTimestamp(value.timestampValue()!);
    case IonTypes.STRING:
    case IonTypes.SYMBOL:
      return checkedString(value.stringValue(), path);
    case IonTypes.BLOB:
    case IonTypes.CLOB:
      return Buffer.from(value.uInt8ArrayValue()!).toString('base64');
    case IonTypes.LIST:
    case IonTypes.SEXP:
      return value.elements().map((element, i) => ionToJson(element, [...path, i]));
    case IonTypes.STRUCT:
      return structToJson(value, path);
    default:
      throw new IonConversionError(`unsupported Ion type ${type.name}`, path);
  }
}

function structToJson(value: dom.Value, path: (string | number)[]): JsonObject {
  // A null prototype: a field named "__proto__" is an ordinary key, not the object's prototype.
  const object = Object.create(null) as JsonObject;
  for (const [name, values] of value.allFields()) {
    checkedString(name, path);
    const converted = values.map((field) => ionToJson(field, [...path, name]));
    object[name] = converted.length === 1 ? converted[0] : converted;
  }
  return object;
}

function intToJson(n: bigint): number | string {
  const max = BigInt(Number.MAX_SAFE_INTEGER);
  return n >= -max && n <= max ? Number(n) : n.toString();
}

function floatToJson(n: number): number | string {
  if (Number.isNaN(n)) return 'nan';
  if (n === Infinity) return '+inf';
  if (n === -Infinity) return '-inf';
  if (Object.is(n, -0)) return '-0e0';
  return Math.abs(n) <= Number.MAX_SAFE_INTEGER ? n : String(n);
}

function checkedString(text: string | null, path: (string | number)[]): string | null {
  // A journal payload is stored in PostgreSQL, whose text types cannot hold U+0000.
  if (text !== null && text.includes('\u0000')) {
    throw new IonConversionError('string contains U+0000, which a journal payload cannot carry', path);
  }
  return text;
}

/**
 * An Ion timestamp as ISO-8601 text with all of its precision: ion-js writes Ion's own text form,
 * which for date-only precisions ends in "T" ("2007T", "2007-02T", "1963-08-19T"); ISO-8601 writes
 * those without it. Fractional seconds (down to nanoseconds and beyond) and the offset, including
 * Ion's "unknown offset" -00:00, are kept exactly.
 */
export function isoTimestamp(timestamp: Timestamp): string {
  const text = timestamp.toString();
  return timestamp.getPrecision() <= TimestampPrecision.DAY && text.endsWith('T') ? text.slice(0, -1) : text;
}
