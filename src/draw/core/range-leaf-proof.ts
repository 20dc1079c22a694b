// Building and checking one range leaf's inclusion in a sealed set's Merkle tree: the step shared by
// membership and non-membership proofs.

import { ProofError, toHex, verifyInclusion } from '../../ledger/core/index.js';
import { rangeLeafHash } from './range-leaf.js';
import type { RangeTree } from './range-tree.js';
import type { SealedRanges } from './sealed-ranges.js';
import type { SetCommitment } from './set-commitment.js';
import { SetProofError } from './set-proof-error.js';
import type { RangeLeafProof } from './set-proof-json.js';

export function buildRangeLeafProof(
  ranges: SealedRanges,
  tree: RangeTree,
  leafIndex: number,
): RangeLeafProof {
  return { leafIndex, range: ranges.range(leafIndex), path: tree.inclusionPath(leafIndex).map(toHex) };
}

/**
 * Checks that the leaf is leaf `leafIndex` of the committed tree and that its range fits in the
 * count. The leaf hash is recomputed from the range, never taken from the proof.
 */
export function verifyRangeLeafProof(leaf: RangeLeafProof, commitment: SetCommitment, field: string): void {
  const { first, last, offset } = leaf.range;
  if (offset + (last - first + 1) > commitment.count) {
    throw new SetProofError(
      'BAD_OFFSET',
      `${field}: range ${first}-${last} at offset ${offset} ends beyond the set's ${commitment.count} tickets`,
    );
  }
  try {
    verifyInclusion(
      leaf.leafIndex,
      commitment.rangeCount,
      rangeLeafHash(leaf.range),
      leaf.path.map((h) => Buffer.from(h, 'hex')),
      Buffer.from(commitment.root, 'hex'),
    );
  } catch (error) {
    if (error instanceof ProofError) {
      throw new SetProofError(
        'INCLUSION_FAILED',
        `${field}: leaf ${leaf.leafIndex} is not in the set's tree: ${error.message}`,
      );
    }
    throw error;
  }
}
