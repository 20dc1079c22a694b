// What a seal publishes about its set, and what every proof is checked against: the number of
// tickets, the number of range leaves (the Merkle tree size) and the RFC 9162 root, lowercase hex.

import { emptyRoot, toHex } from '../../ledger/core/index.js';
import { DrawFormatError } from './draw-format-error.js';
import { readCount, readHash, readObject } from './json-fields.js';

export interface SetCommitment {
  count: number;
  rangeCount: number;
  root: string;
}

/** Root of the empty set: the RFC 9162 root of no leaves, SHA-256 of the empty string. */
export const EMPTY_SET_ROOT = toHex(emptyRoot());

/** Reads a commitment ({count, rangeCount, root}) and checks that its parts agree with each other. */
export function readSetCommitment(value: unknown, field = 'sealed'): SetCommitment {
  const o = readObject(value, field, ['count', 'rangeCount', 'root']);
  const commitment = {
    count: readCount(o.count, `${field}.count`),
    rangeCount: readCount(o.rangeCount, `${field}.rangeCount`),
    root: readHash(o.root, `${field}.root`),
  };
  checkSetCommitment(commitment, field);
  return commitment;
}

/** count = 0 exactly when there are no ranges (then the root is the empty root); never more ranges than tickets. */
export function checkSetCommitment(c: SetCommitment, field = 'sealed'): void {
  if ((c.count === 0) !== (c.rangeCount === 0)) {
    throw new DrawFormatError(
      field,
      `count ${c.count} and rangeCount ${c.rangeCount}: both must be 0, or neither`,
    );
  }
  if (c.rangeCount > c.count) {
    throw new DrawFormatError(field, `rangeCount ${c.rangeCount} exceeds count ${c.count}`);
  }
  if (c.rangeCount === 0 && c.root !== EMPTY_SET_ROOT) {
    throw new DrawFormatError(`${field}.root`, `the empty set has root ${EMPTY_SET_ROOT}`);
  }
}

/**
 * The commitment a proof is checked against, read from anything that has one (a journaled payload,
 * a SealedSet): exactly its three fields, type-checked and consistent.
 */
export function trustedCommitment(c: SetCommitment): SetCommitment {
  return readSetCommitment({ count: c.count, rangeCount: c.rangeCount, root: c.root }, 'commitment');
}
