// One error type for everything that builds or checks a Merkle proof, with a machine-readable reason.

export type ProofErrorReason =
  /** A size or index is not an integer in [0, 2^53-1]. */
  | 'INVALID_ARGUMENT'
  /** leafIndex >= treeSize. */
  | 'INDEX_OUT_OF_RANGE'
  /** size1 > size2 in a consistency proof. */
  | 'SIZE_ORDER'
  /** A consistency proof from the empty tree: meaningless, every tree extends it. */
  | 'EMPTY_TREE'
  /** A leaf or proof hash that is not 32 bytes. */
  | 'BAD_HASH_LENGTH'
  /** The proof has the wrong number of hashes for these sizes. */
  | 'WRONG_PROOF_LENGTH'
  /** The proof is well formed but leads to a different root. */
  | 'ROOT_MISMATCH'
  /** The hashes handed to rehash do not match the plan. */
  | 'WRONG_HASH_COUNT'
  /** A proof in JSON form does not have the documented shape. */
  | 'MALFORMED_PROOF';

export class ProofError extends Error {
  override readonly name = 'ProofError';

  constructor(
    readonly reason: ProofErrorReason,
    message: string,
  ) {
    super(message);
  }
}
