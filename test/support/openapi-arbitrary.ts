import fc, { type Arbitrary } from 'fast-check';

/** The part of JSON Schema (OpenAPI 3.0 flavour) the service's DTOs use. */
export interface Schema {
  $ref?: string;
  type?: string;
  format?: string;
  enum?: unknown[];
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  pattern?: string;
  items?: Schema;
  properties?: Record<string, Schema>;
  required?: string[];
  nullable?: boolean;
  allOf?: Schema[];
  oneOf?: Schema[];
  anyOf?: Schema[];
  additionalProperties?: boolean | Schema;
}

export type Components = Record<string, Schema>;

/** Values meant to break a field: wrong types, extremes, injection-shaped strings. */
const HOSTILE: Arbitrary<unknown> = fc.oneof(
  fc.constantFrom(
    null,
    '',
    ' ',
    '0',
    '-1',
    'NaN',
    'true',
    "'; drop table ledger_entry; --",
    '<script>alert(1)</script>',
    '../../etc/passwd',
    '\u0000',
    'ü'.repeat(300),
    'x'.repeat(10_000),
    -1,
    0,
    1.5,
    -0,
    2 ** 53,
    -(2 ** 63),
    1e308,
    true,
    false,
    [],
    {},
    { __proto__: { admin: true } },
    [null],
  ),
  fc.string(),
  fc.integer(),
  fc.double(),
  fc.object(),
);

function resolve(schema: Schema, components: Components): Schema {
  let current = schema;
  for (let depth = 0; current.$ref && depth < 20; depth++) {
    const name = current.$ref.split('/').pop()!;
    current = components[name] ?? {};
  }
  if (current.allOf)
    return current.allOf.map((s) => resolve(s, components)).reduce((a, b) => ({ ...a, ...b }), {});
  return current;
}

/** Values the schema allows (so that valid requests reach the service's own rules). */
export function validValue(schema: Schema, components: Components, depth = 0): Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (s.enum) return fc.constantFrom(...s.enum);
  if (s.oneOf || s.anyOf)
    return fc.oneof(...(s.oneOf ?? s.anyOf)!.map((x) => validValue(x, components, depth + 1)));
  switch (s.type) {
    case 'integer':
      return fc.integer({
        min: Math.max(s.minimum ?? -1_000, -(2 ** 31)),
        max: Math.min(s.maximum ?? 100_000, 2 ** 31),
      });
    case 'number':
      return fc.double({ min: s.minimum ?? -1_000, max: s.maximum ?? 100_000, noNaN: true });
    case 'boolean':
      return fc.boolean();
    case 'string':
      if (s.format === 'date-time')
        return fc
          .date({ min: new Date('2020-01-01'), max: new Date('2035-01-01') })
          .map((d) => d.toISOString());
      if (s.format === 'uuid') return fc.uuid();
      if (s.pattern) {
        try {
          return fc.stringMatching(new RegExp(s.pattern));
        } catch {
          return fc.string();
        }
      }
      return fc.string({ minLength: s.minLength ?? 0, maxLength: Math.min(s.maxLength ?? 40, 200) });
    case 'array':
      if (depth > 4) return fc.constant([]);
      return fc.array(validValue(s.items ?? {}, components, depth + 1), {
        minLength: s.minItems ?? 0,
        maxLength: Math.min(s.maxItems ?? 4, 6),
      });
    case 'object':
    default: {
      if (!s.properties || depth > 4) return fc.constant({});
      const required = new Set(s.required ?? []);
      const entries = Object.entries(s.properties);
      return fc.record(
        Object.fromEntries(entries.map(([key, value]) => [key, validValue(value, components, depth + 1)])),
        { requiredKeys: entries.map(([key]) => key).filter((key) => required.has(key)) },
      );
    }
  }
}

/** A value of the schema with some part broken: a field of the wrong kind, missing, extra or extreme. */
export function invalidValue(schema: Schema, components: Components): Arbitrary<unknown> {
  const s = resolve(schema, components);
  if (s.type === 'object' || s.properties) {
    const keys = Object.keys(s.properties ?? {});
    return fc.oneof(
      HOSTILE,
      fc
        .tuple(validValue(s, components), fc.string({ minLength: 1, maxLength: 12 }), HOSTILE)
        .map(([value, key, bad]) => ({
          ...(value as object),
          [`x_${key}`]: bad,
        })),
      ...(keys.length > 0
        ? [
            fc
              .tuple(validValue(s, components), fc.constantFrom(...keys), HOSTILE)
              .map(([value, key, bad]) => ({ ...(value as object), [key]: bad })),
            fc.tuple(validValue(s, components), fc.constantFrom(...keys)).map(([value, key]) => {
              const copy = { ...(value as Record<string, unknown>) };
              delete copy[key];
              return copy;
            }),
          ]
        : []),
    );
  }
  return HOSTILE;
}
