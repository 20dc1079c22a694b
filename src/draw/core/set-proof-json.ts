// JSON shapes of the proofs about a sealed set (docs/draws.md section 3). Hashes are lowercase hex.

import { isHashHex } from '../../ledger/core/index.js';
import { DrawFormatError } from './draw-format-error.js';
import { readArray, readCount, readObject, readTicket } from './json-fields.js';
import type { SealedRange } from './sealed-ranges.js';

/** One range leaf and its RFC 9162 inclusion path in the tree of `rangeCount` leaves. */
export interface RangeLeafProof {
  leafIndex: number;
  range: SealedRange;
  path: string[];
}

/** `ticket` is in the set, at 0-based `position` (ticket-number order). */
export interface MembershipProof {
  ticket: number;
  position: number;
  rangeCount: number;
  leaf: RangeLeafProof;
}

/**
 * `ticket` is not in the set: `below` is the last range under it and `above` the first range over it,
 * neighbours in the tree; null at either end of the set (both null for the empty set).
 */
export interface NonMembershipProof {
  ticket: number;
  rangeCount: number;
  below: RangeLeafProof | null;
  above: RangeLeafProof | null;
}

export function readSealedRange(value: unknown, field: string): SealedRange {
  const o = readObject(value, field, ['first', 'last', 'offset']);
  const range = {
    first: readTicket(o.first, `${field}.first`),
    last: readTicket(o.last, `${field}.last`),
    offset: readCount(o.offset, `${field}.offset`),
  };
  if (range.first > range.last) throw new DrawFormatError(field, 'first must not exceed last');
  return range;
}

export function readRangeLeafProof(value: unknown, field: string): RangeLeafProof {
  const o = readObject(value, field, ['leafIndex', 'range', 'path']);
  return {
    leafIndex: readCount(o.leafIndex, `${field}.leafIndex`),
    range: readSealedRange(o.range, `${field}.range`),
    path: readArray(o.path, `${field}.path`, (h, f) => {
      if (!isHashHex(h)) throw new DrawFormatError(f, 'must be 64 lowercase hex digits');
      return h;
    }),
  };
}

export function readMembershipProof(value: unknown, field = 'proof'): MembershipProof {
  const o = readObject(value, field, ['ticket', 'position', 'rangeCount', 'leaf']);
  return {
    ticket: readTicket(o.ticket, `${field}.ticket`),
    position: readCount(o.position, `${field}.position`),
    rangeCount: readCount(o.rangeCount, `${field}.rangeCount`),
    leaf: readRangeLeafProof(o.leaf, `${field}.leaf`),
  };
}

export function readNonMembershipProof(value: unknown, field = 'proof'): NonMembershipProof {
  const o = readObject(value, field, ['ticket', 'rangeCount', 'below', 'above']);
  return {
    ticket: readTicket(o.ticket, `${field}.ticket`),
    rangeCount: readCount(o.rangeCount, `${field}.rangeCount`),
    below: o.below === null ? null : readRangeLeafProof(o.below, `${field}.below`),
    above: o.above === null ? null : readRangeLeafProof(o.above, `${field}.above`),
  };
}
