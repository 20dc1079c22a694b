import {
  bitLength,
  isPowerOfTwo,
  isSafeCount,
  lowBits,
  onesCount,
  shiftLeft,
  shiftRight,
  trailingZeros,
  xor,
} from './bits.js';
import { seededRandom } from './testing/prng.js';

// BigInt is the reference: slow but obviously right for 53-bit values.
function refBitLength(x: bigint): number {
  return x === 0n ? 0 : x.toString(2).length;
}
function refTrailingZeros(x: bigint): number {
  if (x === 0n) return 64;
  let n = 0;
  while ((x & 1n) === 0n) {
    x >>= 1n;
    n++;
  }
  return n;
}
function refOnesCount(x: bigint): number {
  return [...x.toString(2)].filter((c) => c === '1').length;
}

describe('bits', () => {
  const random = seededRandom(0x5eed);
  const samples: number[] = [
    0,
    1,
    2,
    3,
    4,
    7,
    8,
    2 ** 31,
    2 ** 32 - 1,
    2 ** 32,
    2 ** 32 + 1,
    2 ** 52,
    2 ** 53 - 1,
  ];
  for (let i = 0; i < 2000; i++) samples.push(Math.floor(random() * 2 ** 53));
  for (let i = 0; i < 500; i++) samples.push(Math.floor(random() * 2 ** 20));

  it('agrees with BigInt arithmetic on 53-bit values', () => {
    for (const x of samples) {
      const b = BigInt(x);
      expect([x, bitLength(x)]).toEqual([x, refBitLength(b)]);
      expect([x, trailingZeros(x)]).toEqual([x, refTrailingZeros(b)]);
      expect([x, onesCount(x)]).toEqual([x, refOnesCount(b)]);
      const y = samples[(x % samples.length) | 0];
      expect(xor(x, y)).toBe(Number(b ^ BigInt(y)));
      for (const n of [0, 1, 5, 31, 32, 33, 52]) {
        expect(shiftRight(x, n)).toBe(Number(b >> BigInt(n)));
        expect(lowBits(x, n)).toBe(Number(b & ((1n << BigInt(n)) - 1n)));
      }
      expect(shiftLeft(x % 2 ** 20, 33)).toBe(Number(BigInt(x % 2 ** 20) << 33n));
    }
  });

  it('recognises powers of two and safe counts', () => {
    expect([0, 1, 2, 3, 4, 6, 2 ** 40, 2 ** 40 + 1].map(isPowerOfTwo)).toEqual([
      false,
      true,
      true,
      false,
      true,
      false,
      true,
      false,
    ]);
    expect([0, 5, -1, 1.5, 2 ** 53, Number.MAX_SAFE_INTEGER, NaN, '3'].map(isSafeCount)).toEqual([
      true,
      true,
      false,
      false,
      false,
      true,
      false,
      false,
    ]);
  });
});
