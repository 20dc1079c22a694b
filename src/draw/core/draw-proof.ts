// The proof of one draw (GET /v1/draws/{id}/proof; docs/draws.md section 6): the seal and draw
// records as journaled, membership proofs of the winners and of the excluded tickets, and the last
// range leaf (which ties the count to the root). With it anyone can recompute the draw without the
// ticket list: replay the RNG calls to pool positions, map them to sealed positions past the excluded
// ones, and check that each winner's proven position is that position.

import { DRAW_ALGORITHM, SEAL_ALGORITHMS } from './draw-algorithm.js';
import {
  type DrawRecord,
  type DrawRedrawnPayload,
  type DrawResultPayload,
  type DrawSealedPayload,
  readDrawRedrawn,
  readDrawResult,
  readDrawSealed,
} from './draw-entries.js';
import { DrawFormatError } from './draw-format-error.js';
import { DrawPool } from './draw-pool.js';
import { DrawReplayError } from './draw-replay-error.js';
import { readArray, readObject } from './json-fields.js';
import { verifyMembershipProof } from './membership-proof.js';
import { verifyRangeLeafProof } from './range-leaf-proof.js';
import { replayPositions } from './replay-winners.js';
import type { SealedSet } from './sealed-set.js';
import type { SetCommitment } from './set-commitment.js';
import { SetProofError } from './set-proof-error.js';
import { type MembershipProof, type RangeLeafProof, readRangeLeafProof } from './set-proof-json.js';

export const DRAW_PROOF_FORMAT = 'fairdraw-draw-proof-v1';

export interface DrawProof {
  format: typeof DRAW_PROOF_FORMAT;
  /** The DRAW_SEALED payload. */
  seal: DrawSealedPayload;
  /** 'result' for a DRAW_RESULT payload, 'redraw' for a DRAW_REDRAWN one. */
  kind: DrawRecord['kind'];
  draw: DrawResultPayload | DrawRedrawnPayload;
  /** One per winning ticket, in prize order. */
  winners: MembershipProof[];
  /** One per excluded ticket, in the order of draw.excluded. */
  excluded: MembershipProof[];
  /** The last range leaf of the set (null only for an empty set). */
  lastRange: RangeLeafProof | null;
}

export class DrawProofError extends Error {
  override readonly name = 'DrawProofError';
}

export function buildDrawProof(set: SealedSet, seal: DrawSealedPayload, record: DrawRecord): DrawProof {
  return {
    format: DRAW_PROOF_FORMAT,
    seal,
    kind: record.kind,
    draw: record.payload,
    winners: record.payload.tickets.map((t) => set.membershipProof(t)),
    excluded: record.payload.excluded.map((t) => set.membershipProof(t)),
    lastRange: set.rangeCount === 0 ? null : set.leafProof(set.rangeCount - 1),
  };
}

function fail(message: string): never {
  throw new DrawProofError(message);
}

/** Checks a draw proof (its JSON form) end to end; returns the verified winners. Throws DrawProofError. */
export function verifyDrawProof(json: unknown): {
  tickets: number[];
  positions: number[];
  sealedPositions: number[];
} {
  let proof: Omit<DrawProof, 'winners' | 'excluded'> & { winners: unknown[]; excluded: unknown[] };
  try {
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
      throw new DrawFormatError('proof.format', `must be ${DRAW_PROOF_FORMAT}`);
    if (o.kind !== 'result' && o.kind !== 'redraw')
      throw new DrawFormatError('proof.kind', "must be 'result' or 'redraw'");
    proof = {
      format: DRAW_PROOF_FORMAT,
      seal: readDrawSealed(o.seal),
      kind: o.kind,
      draw: o.kind === 'result' ? readDrawResult(o.draw) : readDrawRedrawn(o.draw),
      winners: readArray(o.winners, 'proof.winners', (v) => v),
      excluded: readArray(o.excluded, 'proof.excluded', (v) => v),
      lastRange: o.lastRange === null ? null : readRangeLeafProof(o.lastRange, 'proof.lastRange'),
    };
  } catch (error) {
    if (error instanceof DrawFormatError) fail(`malformed proof: ${error.message}`);
    throw error;
  }
  const { seal, draw } = proof;
  const commitment: SetCommitment = { count: seal.count, rangeCount: seal.rangeCount, root: seal.root };
  if (!SEAL_ALGORITHMS.includes(seal.algorithm))
    fail(`unknown seal algorithm ${JSON.stringify(seal.algorithm)}`);
  if (draw.algorithm !== DRAW_ALGORITHM) fail(`unknown draw algorithm ${JSON.stringify(draw.algorithm)}`);
  if (draw.sealId !== seal.sealId || draw.raffleId !== seal.raffleId) fail('the draw is not from this seal');
  if (!seal.prizeIds.includes(draw.prizeId))
    fail(`seal ${seal.sealId} is not sealed for prize ${draw.prizeId}`);
  for (const key of ['count', 'rangeCount', 'root'] as const) {
    if (draw.sealed[key] !== commitment[key]) fail(`draw.sealed.${key} differs from the seal's`);
  }

  try {
    // The count the RNG range depends on: the last leaf must end exactly at it.
    if (proof.lastRange === null) {
      if (commitment.rangeCount !== 0) fail('lastRange is missing');
    } else {
      const last = proof.lastRange;
      verifyRangeLeafProof(last, commitment, 'proof.lastRange');
      if (last.leafIndex !== commitment.rangeCount - 1)
        fail(`lastRange is leaf ${last.leafIndex}, not the last leaf ${commitment.rangeCount - 1}`);
      if (last.range.offset + (last.range.last - last.range.first + 1) !== commitment.count)
        fail(`the last range does not end at count ${commitment.count}`);
    }
    if (proof.excluded.length !== draw.excluded.length)
      fail(`${draw.excluded.length} excluded tickets but ${proof.excluded.length} proofs`);
    const excludedPositions = draw.excluded.map((t, i) =>
      verifyMembershipProof(proof.excluded[i], commitment, t, `proof.excluded[${i}]`),
    );
    const pool = DrawPool.of(commitment.count, excludedPositions);
    const positions = replayPositions({ pool, k: draw.k, repeats: draw.repeats, rngCalls: draw.rngCalls });
    positions.forEach((p, i) => {
      if (p !== draw.positions[i])
        fail(`winner ${i + 1}: the RNG calls give pool position ${p}, the draw says ${draw.positions[i]}`);
    });
    const sealedPositions = positions.map((p) => pool.sealedPosition(p));
    if (proof.winners.length !== draw.tickets.length)
      fail(`${draw.tickets.length} winners but ${proof.winners.length} proofs`);
    draw.tickets.forEach((t, i) => {
      const position = verifyMembershipProof(proof.winners[i], commitment, t, `proof.winners[${i}]`);
      if (position !== sealedPositions[i]) {
        fail(
          `winner ${i + 1}: ticket ${t} is at sealed position ${position}, the draw selected position ${sealedPositions[i]}`,
        );
      }
    });
    return { tickets: [...draw.tickets], positions, sealedPositions };
  } catch (error) {
    if (error instanceof SetProofError || error instanceof DrawReplayError) fail(error.message);
    if (error instanceof RangeError) fail(error.message);
    throw error;
  }
}
