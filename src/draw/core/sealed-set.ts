// A sealed draw set: the canonical ranges, their Merkle tree, and the commitment a seal journals.

import { toHex } from '../../ledger/core/index.js';
import { buildMembershipProof } from './membership-proof.js';
import { buildNonMembershipProof } from './non-membership-proof.js';
import { buildRangeLeafProof } from './range-leaf-proof.js';
import { RangeTree } from './range-tree.js';
import type { SealedRanges } from './sealed-ranges.js';
import type { SetCommitment } from './set-commitment.js';
import type { MembershipProof, NonMembershipProof, RangeLeafProof } from './set-proof-json.js';

export class SealedSet implements SetCommitment {
  /** Lowercase hex RFC 9162 root over the range leaves. */
  readonly root: string;
  private readonly tree: RangeTree;

  constructor(readonly ranges: SealedRanges) {
    this.tree = new RangeTree(ranges);
    this.root = toHex(this.tree.root);
  }

  get count(): number {
    return this.ranges.count;
  }

  get rangeCount(): number {
    return this.ranges.rangeCount;
  }

  /** {count, rangeCount, root}: what DRAW_SEALED journals and proofs are checked against. */
  get commitment(): SetCommitment {
    return { count: this.count, rangeCount: this.rangeCount, root: this.root };
  }

  membershipProof(ticket: number): MembershipProof {
    return buildMembershipProof(this.ranges, this.tree, ticket);
  }

  nonMembershipProof(ticket: number): NonMembershipProof {
    return buildNonMembershipProof(this.ranges, this.tree, ticket);
  }

  /** Range leaf `index` with its inclusion path. */
  leafProof(index: number): RangeLeafProof {
    return buildRangeLeafProof(this.ranges, this.tree, index);
  }
}

/** Seals canonical ranges: computes the Merkle root and keeps what proofs need. */
export function sealSet(ranges: SealedRanges): SealedSet {
  return new SealedSet(ranges);
}
