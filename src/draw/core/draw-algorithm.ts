// Names of the algorithms, journaled with every seal and draw so that a record says how to recompute
// it. A change to either algorithm gets a new name; verifiers refuse names they do not implement.

/** How a draw set is sealed and committed to (docs/draws.md sections 1-2). */
export const SEAL_ALGORITHM =
  'fairdraw-seal-v1: sold minus voided ticket numbers as maximal ranges {first,last,offset}, RFC 9162 Merkle root over their canonical JSON';

/**
 * How a set sealed during sales (an early bird) is sealed since offline sales count by the time the
 * device recorded them (docs/draws.md section 1.1): as v1, plus the sales recorded at a device before
 * `cutoff.time` that were journaled (uploaded) at `cutoff.treeSize <= seq < ledger.treeSize`.
 */
export const SEAL_ALGORITHM_DEVICE_TIME =
  'fairdraw-seal-v2: as fairdraw-seal-v1, with sales recorded at a device before cutoff.time and journaled before ledger.treeSize in';

/** The seal algorithms a verifier implements. */
export const SEAL_ALGORITHMS: readonly string[] = [SEAL_ALGORITHM, SEAL_ALGORITHM_DEVICE_TIME];

/** How winners are drawn from a sealed set (docs/draws.md section 4). */
export const DRAW_ALGORITHM =
  'fairdraw-draw-v1: rejection sampling (docs/rng.md) over positions in ticket-number order of the sealed ranges, excluded tickets skipped';
