// The leaf of a sealed set's Merkle tree: one range, as the UTF-8 of the RFC 8785 canonical JSON
// {"first":F,"last":L,"offset":O}. Its members are already in canonical (sorted) order and its
// values are integers below 2^53, which ECMAScript writes as plain digits, so a template literal
// gives exactly the canonical text (a spec proves it against the ledger's canonicalJson).

import { leafHashOfUtf8 } from '../../ledger/core/index.js';
import type { SealedRange } from './sealed-ranges.js';

/** The canonical JSON text of a range leaf. */
export function rangeLeafText(range: SealedRange): string {
  return `{"first":${range.first},"last":${range.last},"offset":${range.offset}}`;
}

/** RFC 9162 leaf hash: SHA-256(0x00 || UTF-8(rangeLeafText(range))). */
export function rangeLeafHash(range: SealedRange): Buffer {
  return leafHashOfUtf8(rangeLeafText(range));
}
