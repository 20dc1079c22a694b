// Browser verifier benchmark: checking one draw proof with the browser verifier
// (src/results/public/verifier, WebCrypto SHA-256, one await per hash) beside the reference
// verifyDrawProof of the draw core (node:crypto, synchronous) on the same proofs, in the same run.
//
//   npm run bench:results [-- --runs 31 --dist dist]
//
// Needs the build (`npm run build`): the core from dist/src/draw/core, the verifier from
// dist/src/results/public/verifier. Plain node, no jest. Proofs of 10 distinct winners with 10
// earlier winners excluded, over sets of 10^4 to 10^7 tickets in 1/5/30-ticket orders (gaps left by
// unsold numbers make the sealed ranges); the Merkle paths grow with log2(ranges). Node's WebCrypto
// stands in for the browser's: the point is the verifier's own cost beside the reference's.
import { randomBytes } from 'node:crypto';
import { loadavg } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '31' }, dist: { type: 'string', default: 'dist' } },
});
const runs = Number(values.runs);
const load = (f) => import(pathToFileURL(resolve(values.dist, f)).href);
const core = await load('src/draw/core/index.js');
const browser = await load('src/results/public/verifier/index.js');

function seeded(seed) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 0x1_0000_0000;
  };
}

/** Orders of 1, 5 or 30 tickets; about one in 200 followed by an unsold gap, so ranges ~ orders / 200. */
function soldRanges(tickets) {
  const random = seeded(7);
  const sold = [];
  for (let next = 1; next <= tickets;) {
    const r = random();
    const size = r < 0.5 ? 1 : r < 0.92 ? 5 : 30;
    sold.push({ first: next, last: next + size - 1 });
    next += size + (random() < 0.005 ? 3 : 0);
  }
  return sold;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function time(fn) {
  for (let i = 0; i < 5; i++) await fn(); // warm-up: compile both paths before measuring
  const samples = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    samples.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(samples);
}

console.log(
  `load average at start: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
console.log('tickets     ranges  path  core verifyDrawProof  browser verifier  ratio');
for (const tickets of [1e4, 1e5, 1e6, 1e7]) {
  const set = core.sealSet(core.normaliseTickets({ sold: soldRanges(tickets) }));
  const source = async (n) => randomBytes(n);
  const first = await core.pickWinners({ ranges: set.ranges, k: 10, repeats: false, source });
  const excluded = [...first.tickets].sort((a, b) => a - b);
  const picked = await core.pickWinners({ ranges: set.ranges, k: 10, repeats: false, excluded, source });
  const seal = {
    raffleId: 'r',
    sealId: 's',
    prizeIds: ['main'],
    algorithm: core.SEAL_ALGORITHM,
    cutoff: { treeSize: 1, time: '2026-12-06T00:00:00.000Z' },
    salesClosed: true,
    ledger: { treeSize: 1, rootHash: '0'.repeat(64), checkpoint: null },
    ...set.commitment,
  };
  const draw = {
    raffleId: 'r',
    prizeId: 'main',
    sealId: 's',
    drawId: 'd',
    algorithm: core.DRAW_ALGORITHM,
    sealed: set.commitment,
    rng: { provider: 'os', certified: false, identity: 'os:node-crypto' },
    rngRequestId: 'rng-d',
    rngCalls: picked.rngCalls,
    k: 10,
    repeats: false,
    exclusion: 'seal',
    excluded,
    positions: picked.positions,
    tickets: picked.tickets,
    drawnAt: '2026-12-06T00:00:01.000Z',
  };
  const proof = JSON.parse(JSON.stringify(core.buildDrawProof(set, seal, { kind: 'result', payload: draw })));
  const report = await browser.verifyDrawProof(proof);
  if (!report.ok || core.verifyDrawProof(proof).tickets.join() !== report.tickets.join())
    throw new Error(`the verifiers disagree on the proof of ${tickets} tickets`);
  const reference = await time(() => core.verifyDrawProof(proof));
  const ours = await time(() => browser.verifyDrawProof(proof));
  console.log(
    `${String(set.count).padEnd(11)} ${String(set.rangeCount).padStart(6)}  ${String(proof.lastRange.path.length).padStart(4)}  ${reference.toFixed(2).padStart(17)} ms  ${ours.toFixed(2).padStart(13)} ms  x${(ours / reference).toFixed(1)}`,
  );
}
console.log(
  `load average at end: ${loadavg()
    .map((x) => x.toFixed(2))
    .join(' ')}`,
);
