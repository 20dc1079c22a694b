import fc from 'fast-check';
import { sortOrder } from './sort-order.js';

function reference(keys: number[]): number[] {
  return keys
    .map((k, i) => [k, i])
    .sort((a, b) => a[0] - b[0] || a[1] - b[1])
    .map(([, i]) => i);
}

describe('sortOrder', () => {
  it('returns undefined for keys already in order (no work to do)', () => {
    expect(sortOrder(Float64Array.from([1, 2, 2, 9]))).toBeUndefined();
    expect(sortOrder(new Float64Array(0))).toBeUndefined();
  });

  it('gives the stable sorting permutation, small and large, keys up to 2^53 - 1 (property)', () => {
    const key = fc.oneof(
      fc.integer({ min: 0, max: 70_000 }),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }),
    );
    fc.assert(
      fc.property(fc.array(key, { minLength: 2, maxLength: 5000 }), (keys) => {
        const order = sortOrder(Float64Array.from(keys));
        const expected = reference(keys);
        if (order === undefined) expect(expected).toEqual(keys.map((_, i) => i));
        else expect([...order]).toEqual(expected);
      }),
      { numRuns: 200 },
    );
  });

  it('sorts 100,000 keys spread over more than 2^32 (several radix passes)', () => {
    const keys = Array.from(
      { length: 100_000 },
      (_, i) => ((i * 2_654_435_761) % 1_000_003) * 2 ** 22 + (i % 7),
    );
    expect([...sortOrder(Float64Array.from(keys))!]).toEqual(reference(keys));
  });
});
