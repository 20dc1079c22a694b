import { randomBytes, randomInt } from 'node:crypto';
import { bufferSource, SourceExhaustedError } from './random-bytes.js';
import { RngReplayError } from './replay-error.js';
import {
  replaySelectDistinct,
  replaySelectWithRepeats,
  selectDistinct,
  selectWithRepeats,
} from './selection.js';

const osSource = async (n: number) => randomBytes(n);

/**
 * An independent re-implementation of docs/rng.md, written the way an auditor would in another
 * language: BigInt arithmetic, a plain array for small n. It must give the same winners from the
 * same bytes as the production code.
 */
function auditorDistinct(k: number, n: number, bytes: Uint8Array): number[] {
  const a = Array.from({ length: n }, (_, i) => i);
  let offset = 0;
  const draw = (range: number): number => {
    const bits = (range - 1).toString(2).replace(/^0$/, '').length;
    const byteCount = Math.ceil(bits / 8);
    for (;;) {
      if (byteCount === 0) return 0;
      let value = BigInt(bytes[offset] & ((1 << (bits - 8 * (byteCount - 1))) - 1));
      for (let i = 1; i < byteCount; i++) value = value * 256n + BigInt(bytes[offset + i]);
      offset += byteCount;
      if (value < BigInt(range)) return Number(value);
    }
  };
  const out: number[] = [];
  for (let i = 0; i < k; i++) {
    const j = i + draw(n - i);
    [a[i], a[j]] = [a[j], a[i]];
    out.push(a[i]);
  }
  if (offset !== bytes.length) throw new Error('auditor: bytes left over');
  return out;
}

/** Every outcome of a selection over all byte strings of length `draws` (one byte per draw). */
async function enumerate(
  select: (source: ReturnType<typeof bufferSource>) => Promise<{ values: number[] }>,
  draws: number,
): Promise<{ outcomes: Map<string, number>; rejected: number }> {
  const outcomes = new Map<string, number>();
  let rejected = 0;
  const bytes = Buffer.alloc(draws);
  for (let s = 0; s < 256 ** draws; s++) {
    for (let i = 0; i < draws; i++) bytes[i] = (s >>> (8 * i)) & 0xff;
    try {
      const key = (await select(bufferSource(bytes))).values.join(',');
      outcomes.set(key, (outcomes.get(key) ?? 0) + 1);
    } catch (error) {
      // A rejected attempt asks for more bytes than the enumeration supplies: that string is
      // rejected as a whole, and the real draw would simply retry with fresh bytes.
      if (!(error instanceof SourceExhaustedError)) throw error;
      rejected++;
    }
  }
  return { outcomes, rejected };
}

function orderedSelections(k: number, n: number): string[] {
  if (k === 0) return [''];
  const result: string[] = [];
  const extend = (prefix: number[]) => {
    if (prefix.length === k) return void result.push(prefix.join(','));
    for (let v = 0; v < n; v++) if (!prefix.includes(v)) extend([...prefix, v]);
  };
  extend([]);
  return result;
}

describe('selectDistinct', () => {
  it('is exactly uniform over all 20 ordered pairs of 5 (every byte string enumerated)', async () => {
    const { outcomes, rejected } = await enumerate((source) => selectDistinct(2, 5, source), 2);
    expect([...outcomes.keys()].sort()).toEqual(orderedSelections(2, 5).sort());
    // Range 5 masks to 3 bits (32 bytes per value), range 4 to 2 bits (64 bytes per value).
    expect(new Set(outcomes.values())).toEqual(new Set([32 * 64]));
    expect(rejected).toBe(65536 - 20 * 32 * 64);
  });

  it.each([
    [3, 6],
    [4, 7],
    [7, 7],
    [2, 10],
  ])('is exactly uniform for k=%d of n=%d over the masked attempt values', (k, n) => {
    // The bits above each mask never matter (each masked value stands for the same number of
    // bytes), so enumerating masked values per draw covers every byte string in equal weight.
    const masks = Array.from({ length: k }, (_, i) => 2 ** (n - i - 1).toString(2).replace(/^0$/, '').length);
    const counts = new Map<string, number>();
    let accepted = 0;
    const total = masks.reduce((a, b) => a * b, 1);
    for (let s = 0; s < total; s++) {
      const bytes: number[] = [];
      let rest = s;
      masks.forEach((mask, i) => {
        // A range of 1 reads no byte at all.
        if (n - i > 1) bytes.push(rest % mask);
        rest = Math.floor(rest / mask);
      });
      if (bytes.some((value, i) => value >= n - i)) continue;
      const { values } = replaySelectDistinct(k, n, Buffer.from(bytes));
      counts.set(values.join(','), (counts.get(values.join(',')) ?? 0) + 1);
      accepted++;
    }
    const all = orderedSelections(k, n);
    expect(accepted).toBe(all.length);
    expect([...counts.keys()].sort()).toEqual(all.sort());
    expect(new Set(counts.values())).toEqual(new Set([1]));
  });

  it('never repeats and stays in range, up to n = 2^53', async () => {
    for (const [k, n] of [
      [1000, 2 ** 53],
      [500, 2 ** 53 - 1],
      [1000, 1000],
      [300, 301],
      [50, 10_000_019],
    ]) {
      const { values, draws, bytesConsumed } = await selectDistinct(k, n, osSource);
      expect(values).toHaveLength(k);
      expect(new Set(values).size).toBe(k);
      expect(values.every((v) => Number.isSafeInteger(v) && v >= 0 && v < n)).toBe(true);
      expect(draws.map((d) => d.range)).toEqual(Array.from({ length: k }, (_, i) => n - i));
      expect(Buffer.concat(draws.map((d) => d.bytesConsumed))).toEqual(bytesConsumed);
    }
  });

  it('selects nothing for k = 0 and refuses k > n or bad arguments', async () => {
    const source = jest.fn(osSource);
    expect(await selectDistinct(0, 5, source)).toEqual({
      values: [],
      bytesConsumed: Buffer.alloc(0),
      draws: [],
    });
    expect(source).not.toHaveBeenCalled();
    await expect(selectDistinct(6, 5, source)).rejects.toThrow(RangeError);
    await expect(selectDistinct(-1, 5, source)).rejects.toThrow(RangeError);
    await expect(selectDistinct(1.5, 5, source)).rejects.toThrow(RangeError);
    await expect(selectDistinct(1, 0, source)).rejects.toThrow(RangeError);
    await expect(selectDistinct(1, 2 ** 53 + 2, source)).rejects.toThrow(RangeError);
    expect(source).not.toHaveBeenCalled();
  });

  it('replays exactly from the journaled bytes and agrees with an independent implementation', async () => {
    for (let i = 0; i < 300; i++) {
      const n = randomInt(1, 400);
      const k = randomInt(0, n + 1);
      const selection = await selectDistinct(k, n, osSource);
      const replay = replaySelectDistinct(k, n, selection.bytesConsumed);
      expect(replay.values).toEqual(selection.values);
      expect(replay.bytesUsed).toBe(selection.bytesConsumed.length);
      expect(replay.attempts).toBe(selection.draws.reduce((sum, d) => sum + d.attempts, 0));
      expect(auditorDistinct(k, n, selection.bytesConsumed)).toEqual(selection.values);
    }
  });

  it('refuses journaled bytes that are too few or too many', async () => {
    const { bytesConsumed } = await selectDistinct(5, 1000, osSource);
    expect(() => replaySelectDistinct(5, 1000, bytesConsumed.subarray(1))).toThrow(RngReplayError);
    expect(() => replaySelectDistinct(5, 1000, Buffer.concat([bytesConsumed, Buffer.alloc(1)]))).toThrow(
      /extra bytes/,
    );
    expect(() => replaySelectDistinct(6, 1000, bytesConsumed)).toThrow(/too few bytes/);
  });
});

describe('selectWithRepeats', () => {
  it('is exactly uniform over all 9 pairs from 3 (every byte string enumerated)', async () => {
    const { outcomes, rejected } = await enumerate((source) => selectWithRepeats(2, 3, source), 2);
    expect(outcomes.size).toBe(9);
    expect(new Set(outcomes.values())).toEqual(new Set([64 * 64]));
    expect(rejected).toBe(65536 - 9 * 64 * 64);
  });

  it('replays exactly and refuses wrong bytes', async () => {
    for (let i = 0; i < 200; i++) {
      const n = i % 2 ? randomInt(1, 1000) : 2 ** 53 - randomInt(0, 1000);
      const k = randomInt(0, 20);
      const selection = await selectWithRepeats(k, n, osSource);
      expect(selection.values.every((v) => v >= 0 && v < n)).toBe(true);
      expect(replaySelectWithRepeats(k, n, selection.bytesConsumed)).toEqual({
        values: selection.values,
        bytesUsed: selection.bytesConsumed.length,
        attempts: selection.draws.reduce((sum, d) => sum + d.attempts, 0),
      });
    }
    expect(() => replaySelectWithRepeats(2, 6, Buffer.from('05', 'hex'))).toThrow(/too few bytes/);
    expect(() => replaySelectWithRepeats(1, 6, Buffer.from('0500', 'hex'))).toThrow(/extra bytes/);
  });

  it('allows more winners than the range', async () => {
    const { values } = await selectWithRepeats(50, 2, osSource);
    expect(values).toHaveLength(50);
    expect(new Set(values).size).toBeLessThanOrEqual(2);
  });
});
