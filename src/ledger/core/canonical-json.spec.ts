import canonicalize from 'canonicalize';
import fc from 'fast-check';
import { canonicalJson } from './canonical-json.js';
import { checkJsonValue, JsonValueError, MAX_JSON_DEPTH } from './json-value.js';

/** A deep copy with every object's keys inserted in RFC 8785 order. */
function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== 'object') return value;
  const copy: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    Object.defineProperty(copy, key, {
      value: sortedCopy((value as Record<string, unknown>)[key]),
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

function isJsonSafe(value: unknown): boolean {
  try {
    checkJsonValue(value);
    return true;
  } catch {
    return false;
  }
}

const jsonValues = fc.jsonValue({ maxDepth: 4, stringUnit: 'binary' }).filter(isJsonSafe);

describe('canonical JSON (RFC 8785)', () => {
  it('matches the canonicalize package on the RFC 8785 examples', () => {
    const value = {
      numbers: [Number('333333333.33333329'), 4.5, 2e-3, 0.000000000000000000000000001],
      string: '€$\u000f\nA\'B"\\\\"/',
      literals: [null, true, false],
    };
    // RFC 8785 section 3.2.2 output for the numbers (less 1e30, beyond our integer range); keys sorted;
    // strings escaped as JSON.stringify does.
    expect(canonicalJson(value)).toBe(
      '{"literals":[null,true,false],"numbers":[333333333.3333333,4.5,0.002,1e-27],"string":"€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"}',
    );
    expect(canonicalJson(value)).toBe(canonicalize(value));
  });

  it('sorts keys by UTF-16 code units, not by code points or numerically', () => {
    const value = { '\u20ac': 1, '\ud83d\ude00': 2, '\ufb33': 3, b: 4, '10': 5, '9': 6, a: { z: 1, y: 2 } };
    expect(canonicalJson(value)).toBe(
      '{"10":5,"9":6,"a":{"y":2,"z":1},"b":4,"\u20ac":1,"\ud83d\ude00":2,"\ufb33":3}',
    );
  });

  it('agrees with canonicalize on random values, whatever their key order', () => {
    fc.assert(
      fc.property(jsonValues, (value) => {
        const reference = canonicalize(value);
        expect(canonicalJson(value)).toBe(reference);
        // Sorted keys take the JSON.stringify shortcut; parsed canonical text is what the verifier sees.
        expect(canonicalJson(sortedCopy(value))).toBe(reference);
        expect(canonicalJson(JSON.parse(reference as string))).toBe(reference);
      }),
      { seed: 8785, numRuns: 3000 },
    );
  });

  it('takes the shortcut only when every object is in order', () => {
    expect(checkJsonValue({ a: 1, b: [{ c: 1, d: 2 }] })).toBe(true);
    expect(checkJsonValue({ a: 1, b: [{ d: 1, c: 2 }] })).toBe(false);
    expect(checkJsonValue({ '2': 1, '10': 2 })).toBe(false);
  });

  it('rejects values that cannot round-trip through JSON, naming where', () => {
    class Money {
      constructor(readonly minor = 5) {}
    }
    const holey: number[] = [];
    holey[0] = 1;
    holey[2] = 3;
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic.self = cyclic;
    const cases: [unknown, RegExp][] = [
      [{ a: undefined }, /undefined has no JSON form/],
      [{ a: 10n }, /BigInt has no JSON form/],
      [{ a: NaN }, /NaN is not a finite number/],
      [{ a: [1, Infinity] }, /Infinity is not a finite number/],
      [{ a: -0 }, /-0 becomes 0/],
      [{ a: 2 ** 53 }, /beyond ±\(2\^53-1\)/],
      [{ a: -(2 ** 53) }, /beyond ±\(2\^53-1\)/],
      [{ a: 1e300 }, /beyond ±\(2\^53-1\)/],
      [{ a: new Date(0) }, /Date is not a plain JSON object/],
      [{ a: new Map() }, /Map is not a plain JSON object/],
      [{ a: new Money() }, /Money is not a plain JSON object/],
      [{ a: holey }, /hole in array/],
      [cyclic, /circular reference/],
      [{ a: 'x\ud800' }, /lone UTF-16 surrogate/],
      [{ 'k\udc00': 1 }, /lone UTF-16 surrogate/],
      [{ a: 'x\u0000' }, /U\+0000/],
      [{ [Symbol('s')]: 1 }, /symbol keys/],
      [{ a: () => 1 }, /function has no JSON form/],
    ];
    for (const [value, message] of cases) {
      expect(() => canonicalJson(value)).toThrow(message);
    }
    let deep: unknown = 1;
    for (let i = 0; i < MAX_JSON_DEPTH + 1; i++) deep = { d: [deep] };
    expect(() => canonicalJson(deep)).toThrow(/nested deeper than 512 levels/);
    expect(() => checkJsonValue(JSON.parse(JSON.stringify(deep)), true)).toThrow(
      /nested deeper than 512 levels/,
    );
    try {
      canonicalJson({ items: [{ price: 1 }, { price: 10n }], 'odd key': { x: undefined } });
    } catch (error) {
      expect(error).toBeInstanceOf(JsonValueError);
      expect((error as JsonValueError).pathText('payload')).toBe('payload.items[1].price');
    }
    expect(new JsonValueError('x', ['odd key', 0]).pathText('payload')).toBe('payload["odd key"][0]');
  });

  it('accepts the extremes that do round-trip', () => {
    expect(
      canonicalJson({ max: Number.MAX_SAFE_INTEGER, min: -Number.MAX_SAFE_INTEGER, tiny: 5e-324, f: 0.1 }),
    ).toBe('{"f":0.1,"max":9007199254740991,"min":-9007199254740991,"tiny":5e-324}');
    expect(canonicalJson(Object.assign(Object.create(null) as object, { b: 1, a: 2 }))).toBe('{"a":2,"b":1}');
  });
});
