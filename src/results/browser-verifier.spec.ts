// The browser verifier (public/verifier, plain ES modules on WebCrypto) is an independent second
// implementation of src/draw/core's verifyDrawProof. These specs run both on many seeded random seals
// and draws made with the core, and on every single-field tampering of them, and require the same
// verdict at the same step every time.

import {
  DRAW_ALGORITHM as CORE_DRAW_ALGORITHM,
  SEAL_ALGORITHM as CORE_SEAL_ALGORITHM,
} from '../draw/core/draw-algorithm.js';
import type { DrawResultPayload } from '../draw/core/draw-entries.js';
import {
  buildDrawProof,
  DrawProofError,
  type DrawProof,
  verifyDrawProof as coreVerify,
} from '../draw/core/draw-proof.js';
import { DrawJournalBuilder } from '../draw/core/testing/draw-journal-builder.js';
import { mutations } from '../draw/core/testing/json-mutations.js';
import { randomInt, seededRandom } from '../ledger/core/testing/prng.js';
import * as browser from './public/verifier/index.js';

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** The check of the browser verifier that corresponds to where the core's verifyDrawProof stopped. */
function coreStage(message: string): string {
  const stages: [RegExp, string][] = [
    [/^malformed proof|^unknown (seal|draw) algorithm/, 'format'],
    [/not from this seal|is not sealed for prize|^draw\.sealed\./, 'seal-link'],
    [/lastRange|last range/, 'last-range'],
    [
      /nothing to draw from|cannot draw|needs attempt|^RNG call|draw completed after|no value below|k must be|give pool position/,
      'rng-replay',
    ],
    [/proof\.excluded|excluded tickets but|excluded position|excluded twice/, 'excluded'],
    [/proof\.winners|winners but|at sealed position/, 'winners'],
  ];
  const stage = stages.find(([pattern]) => pattern.test(message));
  if (!stage) throw new Error(`no stage known for the core's message: ${message}`);
  return stage[1];
}

function coreVerdict(proof: unknown): { stage: string; tickets?: number[]; sealedPositions?: number[] } {
  try {
    const { tickets, sealedPositions } = coreVerify(proof);
    return { stage: 'ok', tickets, sealedPositions };
  } catch (error) {
    if (!(error instanceof DrawProofError)) throw error;
    return { stage: coreStage(error.message) };
  }
}

async function browserVerdict(
  proof: unknown,
): Promise<{ stage: string; tickets?: number[]; sealedPositions?: number[] }> {
  const report = await browser.verifyDrawProof(proof);
  const failed = report.checks.find((c) => c.status === 'fail');
  expect(report.checks.map((c) => c.id)).toEqual(browser.DRAW_CHECKS.map(([id]) => id));
  if (failed) return { stage: failed.id };
  return { stage: 'ok', tickets: report.tickets, sealedPositions: report.sealedPositions };
}

interface Scenario {
  label: string;
  proofs: DrawProof[];
}

/** A raffle with random orders, gaps, voids and noise, sealed once and drawn for three prizes and a redraw. */
async function randomScenario(seed: number): Promise<Scenario> {
  const random = seededRandom(seed);
  const b = new DrawJournalBuilder();
  const orders: string[] = [];
  const big = seed % 7 === 3; // a few sets of 10^5+ tickets, so RNG ranges take three bytes
  let next = big ? randomInt(random, 1, 2 ** 40) : randomInt(random, 1, 50);
  for (let i = 0, n = randomInt(random, 1, 40); i < n; i++) {
    const size = big ? randomInt(random, 1000, 20_000) : [1, 5, 30][randomInt(random, 0, 2)];
    orders.push(b.sell('r1', next, next + size - 1));
    next += size + (random() < 0.25 ? randomInt(random, 1, 9) : 0);
    if (random() < 0.2) b.noise();
  }
  for (const order of orders) if (random() < 0.1 && orders.length > 1) b.voidOrder(order);
  const seal = b.seal({ raffleId: 'r1', sealId: 's1', prizeIds: ['main', 'second', 'third'] });
  const { set } = b.sets.get('s1')!;
  const proofs: DrawProof[] = [];
  const prove = (payload: DrawResultPayload) =>
    proofs.push(json(buildDrawProof(set, seal, { kind: 'result', payload })));
  if (set.count === 0) {
    prove(await b.draw({ sealId: 's1', prizeId: 'main', drawId: 'd0', k: 0 }));
    return { label: `seed ${seed}: empty set`, proofs };
  }
  const repeats = random() < 0.2;
  const main = await b.draw({
    sealId: 's1',
    prizeId: 'main',
    drawId: 'd1',
    k: randomInt(random, 1, Math.min(4, set.count)),
    repeats,
    exclusion: repeats ? 'none' : 'seal',
  });
  prove(main);
  const excluded = [...new Set(main.tickets)].sort((x, y) => x - y);
  if (set.count - excluded.length >= 1) {
    const second = await b.draw({
      sealId: 's1',
      prizeId: 'second',
      drawId: 'd2',
      k: randomInt(random, 1, Math.min(3, set.count - excluded.length)),
      excluded,
    });
    prove(second);
    const afterSecond = [...new Set([...excluded, ...second.tickets])].sort((x, y) => x - y);
    if (!repeats && set.count - afterSecond.length >= 1) {
      const redraw = await b.redraw({
        sealId: 's1',
        prizeId: 'main',
        drawId: 'r1',
        replaces: { drawId: 'd1', ticket: main.tickets[0], reason: 'winner ineligible: employee' },
        excluded: afterSecond,
      });
      proofs.push(json(buildDrawProof(set, seal, { kind: 'redraw', payload: redraw })));
    }
  }
  return { label: `seed ${seed}: ${set.count} tickets in ${set.rangeCount} ranges`, proofs };
}

describe('the browser verifier', () => {
  it('implements the algorithms the core names', () => {
    expect(browser.SEAL_ALGORITHM).toBe(CORE_SEAL_ALGORITHM);
    expect(browser.DRAW_ALGORITHM).toBe(CORE_DRAW_ALGORITHM);
  });

  it('accepts every genuine proof of many random seals and draws, with the core’s winners and positions', async () => {
    let proofs = 0;
    for (let seed = 1; seed <= 80; seed++) {
      const { label, proofs: list } = await randomScenario(seed);
      for (const proof of list) {
        const core = coreVerdict(proof);
        expect({ label, ...core }).toEqual({
          label,
          stage: 'ok',
          tickets: proof.draw.tickets,
          sealedPositions: core.sealedPositions,
        });
        expect({ label, ...(await browserVerdict(proof)) }).toEqual({ label, ...core });
        proofs++;
      }
    }
    expect(proofs).toBeGreaterThan(150);
  });

  it('rejects every single-field tampering exactly where the core does', async () => {
    const stages = new Map<string, number>();
    for (const seed of [2, 3, 5, 10, 17, 24]) {
      const { label, proofs } = await randomScenario(seed);
      for (const proof of proofs) {
        for (const { label: what, value } of mutations(proof)) {
          const core = coreVerdict(value);
          const seen = await browserVerdict(value);
          expect({ label, what, ...seen }).toEqual({ label, what, ...core });
          stages.set(core.stage, (stages.get(core.stage) ?? 0) + 1);
        }
      }
    }
    // Every step is reached by some tampering, and most tamperings are caught.
    for (const [id] of browser.DRAW_CHECKS) expect(stages.get(id)).toBeGreaterThan(0);
    expect([...stages].filter(([s]) => s !== 'ok').reduce((n, [, c]) => n + c, 0)).toBeGreaterThan(2000);
  });

  it('rejects coherent forgeries of the bytes, the set, the winner, the exclusions, a path and the count', async () => {
    const { proofs } = await randomScenario(10);
    const proof = proofs[1]; // the second prize: it has excluded tickets
    expect(proof.draw.excluded.length).toBeGreaterThan(0);
    const other = (await randomScenario(11)).proofs[0];
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    // The low bits of an attempt always count (the mask only clears high bits of the first byte).
    const flipLast = (hex: string) => hex.slice(0, -1) + (hex.endsWith('0') ? '1' : '0');
    const forgeries: [string, unknown, string][] = [
      [
        'random bytes of the last call changed',
        {
          ...proof,
          draw: {
            ...proof.draw,
            rngCalls: proof.draw.rngCalls.map((c, i, all) =>
              i === all.length - 1 ? { ...c, bytes: flipLast(c.bytes) } : c,
            ),
          },
        },
        'rng-replay',
      ],
      [
        'another seal’s set (seal and commitment swapped in)',
        { ...proof, seal: other.seal, draw: { ...proof.draw, sealed: other.draw.sealed } },
        'last-range',
      ],
      [
        'the winner swapped for another sold ticket, with its genuine membership proof',
        {
          ...proof,
          draw: { ...proof.draw, tickets: [proof.excluded[0].ticket, ...proof.draw.tickets.slice(1)] },
          winners: [proof.excluded[0], ...proof.winners.slice(1)],
        },
        'winners',
      ],
      [
        'an exclusion dropped with its proof',
        {
          ...proof,
          draw: { ...proof.draw, excluded: proof.draw.excluded.slice(1) },
          excluded: proof.excluded.slice(1),
        },
        // A larger pool: the same bytes still replay, but the pool positions map to other tickets.
        'winners',
      ],
      [
        'a winner’s Merkle path changed',
        {
          ...proof,
          winners: proof.winners.map((w, i) =>
            i === 0 ? { ...w, leaf: { ...w.leaf, path: w.leaf.path.map(flip) } } : w,
          ),
        },
        'winners',
      ],
      [
        'the count lowered in both the seal and the draw',
        {
          ...proof,
          seal: { ...proof.seal, count: proof.seal.count - 1 },
          draw: { ...proof.draw, sealed: { ...proof.draw.sealed, count: proof.seal.count - 1 } },
        },
        'last-range',
      ],
    ];
    for (const [what, forged, stage] of forgeries) {
      expect({ what, ...coreVerdict(forged) }).toEqual({ what, stage });
      expect({ what, ...(await browserVerdict(forged)) }).toEqual({ what, stage });
    }
  });

  it('ties the last range to the count exactly, even for tickets next to 2^53 - 1', async () => {
    const b = new DrawJournalBuilder();
    b.sell('r1', 1, 1);
    b.sell('r1', 3, 3);
    b.sell('r1', Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER); // offset 2: offset + last passes 2^53
    const seal = b.seal({ raffleId: 'r1', sealId: 's1', prizeIds: ['main'] });
    const draw = await b.draw({ sealId: 's1', prizeId: 'main', drawId: 'd1', k: 3 });
    const proof = json(buildDrawProof(b.sets.get('s1')!.set, seal, { kind: 'result', payload: draw }));
    expect(proof.lastRange?.range).toEqual({
      first: Number.MAX_SAFE_INTEGER,
      last: Number.MAX_SAFE_INTEGER,
      offset: 2,
    });
    const report = await browser.verifyDrawProof(proof);
    expect(report.checks.filter((c) => c.status !== 'pass')).toEqual([]);
    expect(report.tickets?.sort((x, y) => x - y)).toEqual([1, 3, Number.MAX_SAFE_INTEGER]);
    // The reference agrees (it once rounded offset + last before subtracting first, and refused it).
    const core = coreVerdict(proof);
    expect(core.stage).toBe('ok');
    expect(core.tickets?.sort((x, y) => x - y)).toEqual([1, 3, Number.MAX_SAFE_INTEGER]);
  });
});
