// Names of the algorithms, journaled with every seal and draw so that a record says how to recompute
// it. A change to either algorithm gets a new name; verifiers refuse names they do not implement.

/** How a draw set is sealed and committed to (docs/draws.md sections 1-2). */
export const SEAL_ALGORITHM =
  'fairdraw-seal-v1: sold minus voided ticket numbers as maximal ranges {first,last,offset}, RFC 9162 Merkle root over their canonical JSON';

/** How winners are drawn from a sealed set (docs/draws.md section 4). */
export const DRAW_ALGORITHM =
  'fairdraw-draw-v1: rejection sampling (docs/rng.md) over positions in ticket-number order of the sealed ranges, excluded tickets skipped';
