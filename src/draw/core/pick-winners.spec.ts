import { bufferSource, type RandomBytes } from '../../rng/core/index.js';
import { DrawPool } from './draw-pool.js';
import { DrawReplayError } from './draw-replay-error.js';
import { normaliseTickets } from './normalise-tickets.js';
import { pickWinners } from './pick-winners.js';
import { compareWinners, replayWinners } from './replay-winners.js';
import type { RngCallRecord } from './rng-calls.js';
import { salesMix, SOLD } from './testing/sales-mix.js';
import { seededBytes } from './testing/seeded-bytes.js';

// Eligible: 2, 3, 5, 6, 9 (4 voided; 1, 7, 8 and 10+ never sold).
const small = normaliseTickets({
  sold: [
    { first: 2, last: 6 },
    { first: 9, last: 9 },
  ],
  voided: [{ first: 4, last: 4 }],
});
const ELIGIBLE = [2, 3, 5, 6, 9];

/** Serves the given bytes, one call each, and throws past them (the enumeration skips those strings). */
function exactly(bytes: number[]): RandomBytes {
  return bufferSource(Buffer.from(bytes));
}

async function tryPick(
  bytes: number[],
  k: number,
  repeats: boolean,
  excluded: number[] = [],
): Promise<number[] | undefined> {
  try {
    return (await pickWinners({ ranges: small, k, repeats, excluded, source: exactly(bytes) })).tickets;
  } catch {
    return undefined; // an attempt was rejected: that byte string continues with more bytes
  }
}

function tally(outcomes: (number[] | undefined)[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const o of outcomes) if (o !== undefined) counts.set(o.join(','), (counts.get(o.join(',')) ?? 0) + 1);
  return counts;
}

const orderedPairs = ELIGIBLE.flatMap((a) => ELIGIBLE.filter((b) => b !== a).map((b) => `${a},${b}`)).sort();

describe('pickWinners: every outcome equally likely (exhaustive over the bytes of accepted attempts)', () => {
  it('one winner: each eligible ticket from exactly 32 of the 256 first bytes, never an ineligible one', async () => {
    const outcomes = await Promise.all(Array.from({ length: 256 }, (_, b) => tryPick([b], 1, false)));
    const counts = tally(outcomes);
    expect([...counts.keys()].sort()).toEqual(ELIGIBLE.map(String).sort());
    expect(new Set(counts.values())).toEqual(new Set([32]));
  });

  it('two prizes drawn one after the other, the first winner excluded from the second: all 20 ordered pairs alike', async () => {
    const outcomes: (number[] | undefined)[] = [];
    for (let b1 = 0; b1 < 256; b1++) {
      const first = await tryPick([b1], 1, false);
      if (first === undefined) continue;
      for (let b2 = 0; b2 < 256; b2++) {
        const second = await tryPick([b2], 1, false, first);
        outcomes.push(second && [...first, ...second]);
      }
    }
    const counts = tally(outcomes);
    expect([...counts.keys()].sort()).toEqual(orderedPairs);
    // 5 accepted first-byte classes x 32 and 4 second-byte classes x 64 (pool of 4: 2 bits, nothing rejected).
    expect(new Set(counts.values())).toEqual(new Set([32 * 64]));
  });

  it('two distinct winners in one draw: the same 20 ordered pairs, equally often', async () => {
    const outcomes: (number[] | undefined)[] = [];
    for (let b1 = 0; b1 < 256; b1++)
      for (let b2 = 0; b2 < 256; b2++) outcomes.push(await tryPick([b1, b2], 2, false));
    const counts = tally(outcomes);
    expect([...counts.keys()].sort()).toEqual(orderedPairs);
    expect(new Set(counts.values())).toEqual(new Set([32 * 64]));
  });

  it('repeats allowed: all 25 ordered pairs, doubles included, equally often', async () => {
    const outcomes: (number[] | undefined)[] = [];
    for (let b1 = 0; b1 < 256; b1++)
      for (let b2 = 0; b2 < 256; b2++) outcomes.push(await tryPick([b1, b2], 2, true));
    const counts = tally(outcomes);
    expect(counts.size).toBe(25);
    expect(new Set(counts.values())).toEqual(new Set([32 * 32]));
  });

  it('a third prize with two tickets excluded: the 3 remaining tickets, equally often', async () => {
    const outcomes = await Promise.all(Array.from({ length: 256 }, (_, b) => tryPick([b], 1, false, [3, 9])));
    const counts = tally(outcomes);
    expect([...counts.keys()].sort()).toEqual(['2', '5', '6']);
    expect(new Set(counts.values())).toEqual(new Set([64]));
  });
});

describe('pickWinners on a realistic sales mix', () => {
  const mix = salesMix(20_000, 3, 0.03);
  const ranges = normaliseTickets({ sold: mix.sold, voided: mix.voided });

  it('counts sold minus voided and only ever picks sold, not voided tickets', async () => {
    expect(ranges.count).toBe(mix.soldCount - mix.voidedCount);
    expect(mix.voidedCount).toBeGreaterThan(0);
    expect(mix.status.filter((s) => s === 0).length).toBeGreaterThan(1); // unsold numbers exist
    for (let seed = 0; seed < 20; seed++) {
      const picked = await pickWinners({ ranges, k: 25, repeats: false, source: seededBytes(`mix ${seed}`) });
      expect(new Set(picked.tickets).size).toBe(25);
      for (const t of picked.tickets) expect(mix.status[t]).toBe(SOLD);
      picked.tickets.forEach((t, i) => expect(ranges.positionOf(t)).toBe(picked.sealedPositions[i]));
      const replay = replayWinners({
        ranges,
        k: 25,
        repeats: false,
        excluded: [],
        rngCalls: picked.rngCalls,
      });
      expect(replay).toEqual({
        positions: picked.positions,
        sealedPositions: picked.sealedPositions,
        tickets: picked.tickets,
        poolSize: ranges.count,
      });
    }
  });

  it('maps pool positions past excluded tickets', async () => {
    const excluded = [
      ranges.ticketAt(0),
      ranges.ticketAt(10),
      ranges.ticketAt(11),
      ranges.ticketAt(ranges.count - 1),
    ];
    const pool = DrawPool.excluding(ranges, excluded);
    expect(pool.size).toBe(ranges.count - 4);
    const mapped = Array.from({ length: pool.size }, (_, p) => ranges.ticketAt(pool.sealedPosition(p)));
    const expected = Array.from({ length: ranges.count }, (_, p) => ranges.ticketAt(p)).filter(
      (t) => !excluded.includes(t),
    );
    expect(mapped).toEqual(expected);
    const picked = await pickWinners({ ranges, k: 5, repeats: false, excluded, source: seededBytes('ex') });
    for (const t of picked.tickets) expect(excluded).not.toContain(t);
    expect(
      replayWinners({ ranges, k: 5, repeats: false, excluded, rngCalls: picked.rngCalls }).tickets,
    ).toEqual(picked.tickets);
  });

  it('refuses impossible draws', async () => {
    const source = seededBytes('x');
    await expect(pickWinners({ ranges: small, k: 6, repeats: false, source })).rejects.toThrow(
      DrawReplayError,
    );
    await expect(pickWinners({ ranges: small, k: 1, repeats: false, excluded: [4], source })).rejects.toThrow(
      'not in the sealed set',
    );
    await expect(
      pickWinners({ ranges: small, k: 1, repeats: false, excluded: [3, 3], source }),
    ).rejects.toThrow('twice');
    const empty = normaliseTickets({ sold: [] });
    await expect(pickWinners({ ranges: empty, k: 1, repeats: true, source })).rejects.toThrow(
      'nothing to draw from',
    );
    expect((await pickWinners({ ranges: empty, k: 0, repeats: false, source })).tickets).toEqual([]);
  });
});

describe('replayWinners: journaled RNG calls must be exactly those of the draw', () => {
  // A draw from 5 tickets with a rejected first attempt: 0x07 masks to 7 >= 5.
  const calls: RngCallRecord[] = [
    { byteCount: 1, bytes: '07' },
    { byteCount: 1, bytes: '02' },
    { byteCount: 1, bytes: 'ff' },
  ];
  const replay = (rngCalls: RngCallRecord[]) =>
    replayWinners({ ranges: small, k: 2, repeats: false, excluded: [], rngCalls });

  it('replays a draw with a rejected attempt', async () => {
    const live = await pickWinners({
      ranges: small,
      k: 2,
      repeats: false,
      source: bufferSource(Buffer.from([7, 2, 0xff])),
    });
    expect(live.rngCalls).toEqual(calls);
    expect(replay(calls)).toEqual({
      positions: live.positions,
      sealedPositions: live.sealedPositions,
      tickets: live.tickets,
      poolSize: 5,
    });
    expect(live.tickets).toEqual([5, 9]); // pool position 2 = ticket 5; then range 4: 0xff & 3 = 3 -> j = 4 -> ticket 9
  });

  it('cannot see a rejected attempt left out of the journal: it changes no winner', () => {
    // Rejected attempts carry no outcome; only the RNG's own log could show one was hidden.
    expect(replay(calls.slice(1)).tickets).toEqual(replay(calls).tickets);
  });

  it('reports a changed byte as different winners', () => {
    const changed = replay([calls[0], { byteCount: 1, bytes: '03' }, calls[2]]);
    expect(compareWinners({ positions: [2, 4], tickets: [5, 9] }, changed)).toEqual([
      'winner 1: journal says ticket 5 at pool position 2, the replay gives ticket 6 at pool position 3',
    ]);
  });

  it.each([
    ['a call dropped', calls.slice(0, 2), 'needs attempt 1, but the RNG calls end after call 2'],
    [
      'a call added',
      [...calls, { byteCount: 1, bytes: '00' }],
      'completed after 3 RNG calls, but 4 were journaled',
    ],
    [
      'the accepted attempt dropped',
      [calls[0], calls[2]],
      'needs attempt 3, but the RNG calls end after call 2',
    ],
    ['two calls merged', [{ byteCount: 2, bytes: '0702' }, calls[2]], 'RNG call 0 holds 2 bytes'],
    ['an empty call', [{ byteCount: 0, bytes: '' }, ...calls], 'RNG call 0 holds 0 bytes'],
  ])('refuses %s', (_label, rngCalls, message) => {
    expect(() => replay(rngCalls)).toThrow(DrawReplayError);
    expect(() => replay(rngCalls)).toThrow(message);
  });
});
