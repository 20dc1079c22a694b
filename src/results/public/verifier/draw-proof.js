// @ts-check
// Checks a draw proof (docs/draws.md section 6, format fairdraw-draw-proof-v1) end to end, as the
// reference verifyDrawProof (src/draw/core/draw-proof.ts) does, but written independently for the
// browser: every range leaf hash recomputed with WebCrypto, RFC 9162 inclusion of each range leaf in
// the sealed set's root, the last range tied to the count, the excluded tickets' positions, the RNG
// calls replayed by rejection sampling to pool positions, the pool mapped to sealed positions, and
// each winner's membership at its position. Each step is reported as a named check.

import { hexToBytes, utf8 } from './bytes.js';
import { leafHash, verifyInclusion, VerificationFailure } from './merkle.js';
import {
  readArray,
  readDrawPayload,
  readMembershipProof,
  readObject,
  readRangeLeafProof,
  readSealPayload,
} from './proof-fields.js';
import { DrawPool, replayPositions } from './rng-replay.js';

export const DRAW_PROOF_FORMAT = 'fairdraw-draw-proof-v1';
export const SEAL_ALGORITHM =
  'fairdraw-seal-v1: sold minus voided ticket numbers as maximal ranges {first,last,offset}, RFC 9162 Merkle root over their canonical JSON';
export const SEAL_ALGORITHM_DEVICE_TIME =
  'fairdraw-seal-v2: as fairdraw-seal-v1, with sales recorded at a device before cutoff.time and journaled before ledger.treeSize in';
/** The seal algorithms whose proofs this verifier reads (the set itself is committed by the root either way). */
const SEAL_ALGORITHMS = [SEAL_ALGORITHM, SEAL_ALGORITHM_DEVICE_TIME];
export const DRAW_ALGORITHM =
  'fairdraw-draw-v1: rejection sampling (docs/rng.md) over positions in ticket-number order of the sealed ranges, excluded tickets skipped';

/**
 * @typedef {'pass' | 'fail' | 'skipped' | 'not-checked'} CheckStatus
 * @typedef {{ id: string, title: string, status: CheckStatus, detail: string }} CheckResult
 * @typedef {import('./proof-fields.js').SetCommitment} SetCommitment
 * @typedef {import('./proof-fields.js').RangeLeafProof} RangeLeafProof
 * @typedef {import('./proof-fields.js').SealPayload} SealPayload
 * @typedef {import('./proof-fields.js').DrawPayload} DrawPayload
 */

/** The checks of the draw proof, in the order they run; a failure skips the ones after it. */
export const DRAW_CHECKS = /** @type {const} */ ([
  ['format', 'The proof is well formed and names the algorithms this verifier implements'],
  ['seal-link', 'The draw belongs to this seal and prize, and repeats the seal’s commitment'],
  ['last-range', 'The last sealed range ends exactly at the ticket count (the count is tied to the root)'],
  ['excluded', 'Every excluded ticket (an earlier winner) is in the sealed set'],
  ['rng-replay', 'The journaled random bytes replay, by rejection sampling, to the drawn positions'],
  ['winners', 'Each winning ticket is in the sealed set at the position the random bytes selected'],
]);

/** Runs named steps in order; the first failure marks the rest as skipped. */
export class CheckRunner {
  /** @param {readonly (readonly [string, string])[]} checks */
  constructor(checks) {
    this.titles = new Map(checks);
    /** @type {CheckResult[]} */
    this.results = [];
    this.failed = false;
  }

  /**
   * @template T
   * @param {string} id
   * @param {() => Promise<{ value: T, detail: string }>} step
   * @returns {Promise<T | undefined>}
   */
  async run(id, step) {
    const title = this.titles.get(id) ?? id;
    if (this.failed) {
      this.results.push({ id, title, status: 'skipped', detail: 'not run: an earlier check failed' });
      return undefined;
    }
    try {
      const { value, detail } = await step();
      this.results.push({ id, title, status: 'pass', detail });
      return value;
    } catch (error) {
      if (!(error instanceof VerificationFailure)) throw error;
      this.failed = true;
      this.results.push({ id, title, status: 'fail', detail: error.message });
      return undefined;
    }
  }
}

/** The canonical JSON text of a range leaf: its members are in RFC 8785 order and all integers. @param {import('./proof-fields.js').SealedRange} r */
export function rangeLeafText(r) {
  return `{"first":${r.first},"last":${r.last},"offset":${r.offset}}`;
}

/** @param {import('./proof-fields.js').SealedRange} r */
const size = (r) => r.last - r.first + 1;

/**
 * A range leaf is leaf `leafIndex` of the committed tree (leaf hash recomputed from the range) and
 * fits within the count.
 * @param {RangeLeafProof} leaf @param {SetCommitment} c @param {string} field
 */
async function verifyRangeLeaf(leaf, c, field) {
  const { first, last, offset } = leaf.range;
  if (offset + size(leaf.range) > c.count)
    throw new VerificationFailure(
      `${field}: range ${first}-${last} at offset ${offset} ends beyond the set’s ${c.count} tickets`,
    );
  try {
    await verifyInclusion(
      leaf.leafIndex,
      c.rangeCount,
      await leafHash(utf8(rangeLeafText(leaf.range))),
      leaf.path.map(hexToBytes),
      hexToBytes(c.root),
    );
  } catch (error) {
    if (error instanceof VerificationFailure)
      throw new VerificationFailure(
        `${field}: leaf ${leaf.leafIndex} is not in the sealed set’s tree: ${error.message}`,
      );
    throw error;
  }
}

/**
 * A membership proof of `ticket`; returns its sealed position.
 * @param {unknown} json @param {SetCommitment} c @param {number} ticket @param {string} field
 */
async function verifyMembership(json, c, ticket, field) {
  const p = readMembershipProof(json, field);
  if (p.ticket !== ticket)
    throw new VerificationFailure(`${field} is about ticket ${p.ticket}, not ${ticket}`);
  if (p.rangeCount !== c.rangeCount)
    throw new VerificationFailure(`${field} is for ${p.rangeCount} ranges, the set has ${c.rangeCount}`);
  const { first, last, offset } = p.leaf.range;
  if (p.ticket < first || p.ticket > last)
    throw new VerificationFailure(`${field}: range ${first}-${last} does not hold ticket ${p.ticket}`);
  const position = offset + (p.ticket - first);
  if (p.position !== position)
    throw new VerificationFailure(
      `${field}: position ${p.position} should be ${position} (offset ${offset} + ${p.ticket} - ${first})`,
    );
  await verifyRangeLeaf(p.leaf, c, `${field}.leaf`);
  return position;
}

/** @param {number[]} xs */
const list = (xs) => (xs.length === 0 ? 'none' : xs.map((x) => x.toLocaleString('en-US')).join(', '));

/**
 * @typedef {{
 *   ok: boolean,
 *   checks: CheckResult[],
 *   kind?: 'result' | 'redraw',
 *   seal?: SealPayload,
 *   draw?: DrawPayload,
 *   tickets?: number[],
 *   positions?: number[],
 *   sealedPositions?: number[],
 * }} DrawProofReport
 */

/**
 * Checks a draw proof (its parsed JSON). Never throws for a bad proof: the report says which check
 * failed and why.
 * @param {unknown} json
 * @returns {Promise<DrawProofReport>}
 */
export async function verifyDrawProof(json) {
  const runner = new CheckRunner(DRAW_CHECKS);
  const read = await runner.run('format', async () => {
    const o = readObject(json, 'proof', [
      'format',
      'seal',
      'kind',
      'draw',
      'winners',
      'excluded',
      'lastRange',
    ]);
    if (o.format !== DRAW_PROOF_FORMAT)
      throw new VerificationFailure(`proof.format must be ${DRAW_PROOF_FORMAT}`);
    if (o.kind !== 'result' && o.kind !== 'redraw')
      throw new VerificationFailure("proof.kind must be 'result' or 'redraw'");
    const kind = /** @type {'result' | 'redraw'} */ (o.kind);
    const value = {
      kind,
      seal: readSealPayload(o.seal, 'proof.seal'),
      draw: readDrawPayload(o.draw, kind, 'proof.draw'),
      winners: readArray(o.winners, 'proof.winners', (v) => v),
      excluded: readArray(o.excluded, 'proof.excluded', (v) => v),
      lastRange: o.lastRange === null ? null : readRangeLeafProof(o.lastRange, 'proof.lastRange'),
    };
    if (!SEAL_ALGORITHMS.includes(value.seal.algorithm))
      throw new VerificationFailure(`unknown seal algorithm ${JSON.stringify(value.seal.algorithm)}`);
    if (value.draw.algorithm !== DRAW_ALGORITHM)
      throw new VerificationFailure(`unknown draw algorithm ${JSON.stringify(value.draw.algorithm)}`);
    return {
      value,
      detail: `${DRAW_PROOF_FORMAT}, a ${kind === 'result' ? 'draw' : 'redraw'} of ${value.draw.k} winner(s)`,
    };
  });

  const seal = read?.seal;
  const draw = read?.draw;
  const c = seal && { count: seal.count, rangeCount: seal.rangeCount, root: seal.root };

  await runner.run('seal-link', async () => {
    if (!read || !seal || !draw || !c) throw new Error('unreachable');
    if (draw.sealId !== seal.sealId || draw.raffleId !== seal.raffleId)
      throw new VerificationFailure('the draw is not from this seal');
    if (!seal.prizeIds.includes(draw.prizeId))
      throw new VerificationFailure(`seal ${seal.sealId} is not sealed for prize ${draw.prizeId}`);
    for (const key of /** @type {const} */ (['count', 'rangeCount', 'root'])) {
      if (draw.sealed[key] !== c[key])
        throw new VerificationFailure(`draw.sealed.${key} differs from the seal’s`);
    }
    return {
      value: true,
      detail: `seal ${seal.sealId} of raffle ${seal.raffleId}: ${seal.count.toLocaleString('en-US')} tickets in ${seal.rangeCount.toLocaleString('en-US')} ranges, root ${seal.root}`,
    };
  });

  await runner.run('last-range', async () => {
    if (!read || !c) throw new Error('unreachable');
    const last = read.lastRange;
    if (last === null) {
      if (c.rangeCount !== 0) throw new VerificationFailure('lastRange is missing');
      return { value: true, detail: 'the set is empty' };
    }
    await verifyRangeLeaf(last, c, 'proof.lastRange');
    if (last.leafIndex !== c.rangeCount - 1)
      throw new VerificationFailure(
        `lastRange is leaf ${last.leafIndex}, not the last leaf ${c.rangeCount - 1}`,
      );
    if (last.range.offset + size(last.range) !== c.count)
      throw new VerificationFailure(`the last range does not end at count ${c.count}`);
    return {
      value: true,
      detail: `leaf ${last.leafIndex} (tickets ${last.range.first}-${last.range.last}, offset ${last.range.offset}) is in the tree and ends at ${c.count}`,
    };
  });

  const pool = await runner.run('excluded', async () => {
    if (!read || !draw || !c) throw new Error('unreachable');
    if (read.excluded.length !== draw.excluded.length)
      throw new VerificationFailure(
        `${draw.excluded.length} excluded tickets but ${read.excluded.length} proofs`,
      );
    const positions = [];
    for (const [i, t] of draw.excluded.entries())
      positions.push(await verifyMembership(read.excluded[i], c, t, `proof.excluded[${i}]`));
    const value = new DrawPool(c.count, positions);
    return {
      value,
      detail: `excluded: ${list(draw.excluded)}; the pool holds ${value.size.toLocaleString('en-US')} tickets`,
    };
  });

  const replay = await runner.run('rng-replay', async () => {
    if (!draw || !pool) throw new Error('unreachable');
    const positions = replayPositions({ pool, k: draw.k, repeats: draw.repeats, rngCalls: draw.rngCalls });
    positions.forEach((p, i) => {
      if (p !== draw.positions[i])
        throw new VerificationFailure(
          `winner ${i + 1}: the RNG calls give pool position ${p}, the draw says ${draw.positions[i]}`,
        );
    });
    const bytes = draw.rngCalls.reduce((n, call) => n + call.byteCount, 0);
    return {
      value: { positions, sealedPositions: positions.map((p) => pool.sealedPosition(p)) },
      detail: `${draw.rngCalls.length} RNG call(s), ${bytes} byte(s) from ${draw.rng.provider}${draw.rng.certified ? '' : ' (not certified)'}: pool position(s) ${list(positions)}`,
    };
  });

  await runner.run('winners', async () => {
    if (!read || !draw || !c || !replay) throw new Error('unreachable');
    if (read.winners.length !== draw.tickets.length)
      throw new VerificationFailure(`${draw.tickets.length} winners but ${read.winners.length} proofs`);
    for (const [i, t] of draw.tickets.entries()) {
      const position = await verifyMembership(read.winners[i], c, t, `proof.winners[${i}]`);
      if (position !== replay.sealedPositions[i])
        throw new VerificationFailure(
          `winner ${i + 1}: ticket ${t} is at sealed position ${position}, the draw selected position ${replay.sealedPositions[i]}`,
        );
    }
    return {
      value: true,
      detail: `winning ticket(s) ${list(draw.tickets)} at sealed position(s) ${list(replay.sealedPositions)}`,
    };
  });

  return {
    ok: !runner.failed,
    checks: runner.results,
    ...(read ? { kind: read.kind, seal: read.seal, draw: read.draw } : {}),
    ...(replay && !runner.failed ? { tickets: [...(draw?.tickets ?? [])], ...replay } : {}),
  };
}
