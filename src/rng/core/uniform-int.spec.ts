import { randomBytes, randomInt } from 'node:crypto';
import { bufferSource } from './random-bytes.js';
import { candidateValue, rangeEncoding } from './range-encoding.js';
import { RngReplayError } from './replay-error.js';
import { MAX_ATTEMPTS, RngAttemptsExceededError, replayUniformInt, uniformInt } from './uniform-int.js';

const osSource = async (n: number) => randomBytes(n);

/**
 * Every byte string of one attempt, counted by the value it yields. Exactness (RNG-3) means every
 * value in [0, n) has the same number of preimages and all other strings are rejected.
 */
function countFirstAttempts(n: number): { perValue: Uint32Array; rejected: number; total: number } {
  const encoding = rangeEncoding(n);
  const total = 256 ** encoding.byteCount;
  const perValue = new Uint32Array(n);
  const bytes = new Uint8Array(Math.max(encoding.byteCount, 1));
  let rejected = 0;
  const last = encoding.byteCount - 1;
  for (let s = 0; s < total; s++) {
    for (let i = 0; i <= last; i++) bytes[last - i] = (s >>> (8 * i)) & 0xff;
    const candidate = candidateValue(encoding, bytes);
    if (candidate < n) perValue[candidate]++;
    else rejected++;
  }
  return { perValue, rejected, total };
}

describe('rangeEncoding', () => {
  it.each([
    [1, 0, 0, 0x00],
    [2, 1, 1, 0x01],
    [3, 2, 1, 0x03],
    [5, 3, 1, 0x07],
    [10, 4, 1, 0x0f],
    [255, 8, 1, 0xff],
    [256, 8, 1, 0xff],
    [257, 9, 2, 0x01],
    [1000, 10, 2, 0x03],
    [65536, 16, 2, 0xff],
    [65537, 17, 3, 0x01],
    [2 ** 24 - 3, 24, 3, 0xff],
    [2 ** 53 - 1, 53, 7, 0x1f],
    [2 ** 53, 53, 7, 0x1f],
  ])('n=%d reads %d bits in %d bytes with top mask %d', (n, bits, byteCount, mask) => {
    expect(rangeEncoding(n)).toEqual({ n, bits, byteCount, topByteMask: mask });
  });

  it.each([0, -1, -7, 1.5, 0.999, NaN, Infinity, -Infinity, 2 ** 53 + 2, 2 ** 54, Number.MAX_VALUE])(
    'rejects n=%d',
    (n) => {
      expect(() => rangeEncoding(n)).toThrow(RangeError);
    },
  );

  it('rejects non-numbers', () => {
    expect(() => rangeEncoding('10' as unknown as number)).toThrow(RangeError);
    expect(() => rangeEncoding(10n as unknown as number)).toThrow(RangeError);
  });
});

describe('uniformInt is exact: every value has the same number of first-attempt byte strings', () => {
  it.each([
    1,
    2,
    3,
    5,
    6,
    7,
    10,
    37,
    100,
    128,
    129,
    255,
    256,
    257,
    1000,
    12345,
    65535,
    65536,
    65537,
    2 ** 24 - 3,
  ])('n=%d (full enumeration)', (n) => {
    const encoding = rangeEncoding(n);
    const { perValue, rejected, total } = countFirstAttempts(n);
    const preimages = 2 ** (8 * encoding.byteCount - encoding.bits);
    expect(perValue.every((count) => count === preimages)).toBe(true);
    expect(rejected).toBe(total - n * preimages);
    // At least half of all strings are accepted, so the expected number of attempts is < 2.
    expect(n * preimages * 2).toBeGreaterThan(total);
  });

  it.each([2 ** 24 + 1, 10_000_019, 2 ** 32 - 5, 2 ** 40 + 3, 2 ** 53 - 1, 2 ** 53])(
    'n=%d (top byte enumerated, lower bytes positional)',
    (n) => {
      // Too many strings to enumerate; instead: (1) all 256 top bytes fall into 2^topBits masked
      // values with 2^(8-topBits) bytes each, (2) the lower bytes are plain big-endian digits, so
      // (masked top, lower) -> candidate is a bijection onto [0, 2^bits). Together every candidate
      // has exactly 2^(8-topBits) preimages, and candidates are accepted iff < n.
      const encoding = rangeEncoding(n);
      const topBits = encoding.bits - 8 * (encoding.byteCount - 1);
      const perMaskedTop = new Map<number, number>();
      for (let top = 0; top < 256; top++) {
        const masked = top & encoding.topByteMask;
        perMaskedTop.set(masked, (perMaskedTop.get(masked) ?? 0) + 1);
      }
      expect([...perMaskedTop.keys()].sort((a, b) => a - b)).toEqual([...Array(2 ** topBits).keys()]);
      expect([...perMaskedTop.values()].every((count) => count === 2 ** (8 - topBits))).toBe(true);

      const lowerWeight = 256 ** (encoding.byteCount - 1);
      const bytes = Buffer.alloc(encoding.byteCount);
      for (let trial = 0; trial < 2000; trial++) {
        randomBytes(encoding.byteCount).copy(bytes);
        let lower = 0;
        for (let i = 1; i < encoding.byteCount; i++) lower = lower * 256 + bytes[i];
        expect(candidateValue(encoding, bytes)).toBe((bytes[0] & encoding.topByteMask) * lowerWeight + lower);
      }
      // The largest candidate is all ones: 2^bits - 1; n - 1 is accepted and n (if reachable) is not.
      expect(candidateValue(encoding, Buffer.alloc(encoding.byteCount, 0xff))).toBe(2 ** encoding.bits - 1);
      expect(replayUniformInt(n, toBytes(n - 1, encoding.byteCount))).toEqual({
        value: n - 1,
        bytesUsed: encoding.byteCount,
        attempts: 1,
      });
      if (n < 2 ** encoding.bits) {
        const rejectedThenZero = Buffer.concat([
          toBytes(n, encoding.byteCount),
          Buffer.alloc(encoding.byteCount),
        ]);
        expect(replayUniformInt(n, rejectedThenZero).attempts).toBe(2);
      }
    },
  );
});

describe('uniformInt', () => {
  it('reads nothing for n = 1', async () => {
    const source = jest.fn(osSource);
    expect(await uniformInt(1, source)).toEqual({ value: 0, bytesConsumed: Buffer.alloc(0), attempts: 1 });
    expect(source).not.toHaveBeenCalled();
  });

  it('journals rejected attempts in order', async () => {
    const draw = await uniformInt(10, bufferSource(Buffer.from('ff0a1b03', 'hex')));
    expect(draw).toEqual({ value: 3, bytesConsumed: Buffer.from('ff0a1b03', 'hex'), attempts: 4 });
  });

  it('returns 2^53 - 1 for n = 2^53 and rejects it for n = 2^53 - 1', async () => {
    const ones = Buffer.alloc(7, 0xff);
    expect((await uniformInt(2 ** 53, bufferSource(ones))).value).toBe(2 ** 53 - 1);
    const draw = await uniformInt(
      2 ** 53 - 1,
      bufferSource(Buffer.concat([ones, Buffer.from('1ffffffffffffe', 'hex')])),
    );
    expect(draw).toMatchObject({ value: 2 ** 53 - 2, attempts: 2 });
  });

  it('draws large ranges within bounds', async () => {
    for (const n of [2 ** 53, 2 ** 53 - 1, 2 ** 52 + 1]) {
      for (let i = 0; i < 200; i++) {
        const { value } = await uniformInt(n, osSource);
        expect(Number.isSafeInteger(value) && value >= 0 && value < n).toBe(true);
      }
    }
  });

  it.each([0, -1, 1.5, NaN, 2 ** 53 + 2])('rejects n=%d before reading', async (n) => {
    const source = jest.fn(osSource);
    await expect(uniformInt(n, source)).rejects.toThrow(RangeError);
    expect(source).not.toHaveBeenCalled();
  });

  it('refuses a source that returns the wrong number of bytes', async () => {
    await expect(uniformInt(1000, async () => Buffer.alloc(1))).rejects.toThrow(/returned 1 bytes when 2/);
  });

  it('gives up on a stuck source instead of looping forever', async () => {
    const stuck = jest.fn(async (n: number) => Buffer.alloc(n, 0xff));
    await expect(uniformInt(10, stuck)).rejects.toThrow(RngAttemptsExceededError);
    expect(stuck).toHaveBeenCalledTimes(MAX_ATTEMPTS);
  });
});

describe('replayUniformInt', () => {
  it('recomputes every draw of a random source from its journaled bytes', async () => {
    for (let i = 0; i < 3000; i++) {
      const n =
        i % 3 === 0
          ? randomInt(1, 300)
          : i % 3 === 1
            ? randomInt(1, 2 ** 40)
            : 2 ** 53 - randomInt(0, 2 ** 40);
      const draw = await uniformInt(n, osSource);
      expect(replayUniformInt(n, draw.bytesConsumed)).toEqual({
        value: draw.value,
        bytesUsed: draw.bytesConsumed.length,
        attempts: draw.attempts,
      });
    }
  });

  it('refuses too few bytes and extra bytes', () => {
    expect(() => replayUniformInt(10, Buffer.from('ff0a1b', 'hex'))).toThrow(/too few bytes/);
    expect(() => replayUniformInt(10, Buffer.from('ff0a1b0300', 'hex'))).toThrow(/extra bytes/);
    expect(() => replayUniformInt(1000, Buffer.from('03', 'hex'))).toThrow(RngReplayError);
    expect(() => replayUniformInt(1, Buffer.from('00', 'hex'))).toThrow(/extra bytes/);
    expect(replayUniformInt(1, Buffer.alloc(0))).toEqual({ value: 0, bytesUsed: 0, attempts: 1 });
  });

  it('validates n like uniformInt', () => {
    expect(() => replayUniformInt(0, Buffer.alloc(0))).toThrow(RangeError);
    expect(() => replayUniformInt(2 ** 53 + 2, Buffer.alloc(7))).toThrow(RangeError);
  });
});

function toBytes(value: number, byteCount: number): Buffer {
  const bytes = Buffer.alloc(byteCount);
  let rest = value;
  for (let i = byteCount - 1; i >= 0; i--, rest = Math.floor(rest / 256)) bytes[i] = rest % 256;
  return bytes;
}
