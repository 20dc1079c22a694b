// Addresses of perfect subtrees in a log Merkle tree, after transparency-dev/merkle compact/nodes.go.
//
// A node is (level, index): level is its height above the leaves, index its position on that level
// from the left. Node (level, index) is the perfect subtree over leaves [index * 2^level,
// (index + 1) * 2^level). Leaves are level 0. Example, labelled [level index]:
//
//           [2 0]
//          /     \
//       [1 0]     \
//       /   \      \
//   [0 0]  [0 1]  [0 2]
//
// Only perfect subtrees have a fixed hash: the hash of (level, index) never changes once the tree
// holds its last leaf, so it can be stored once and looked up forever.

import { bitLength, lowBits, onesCount, shiftLeft, shiftRight, trailingZeros, xor } from './bits.js';

export interface NodeId {
  readonly level: number;
  readonly index: number;
}

export function nodeId(level: number, index: number): NodeId {
  return { level, index };
}

export function parentOf(id: NodeId): NodeId {
  return { level: id.level + 1, index: shiftRight(id.index, 1) };
}

export function siblingOf(id: NodeId): NodeId {
  return { level: id.level, index: id.index % 2 === 0 ? id.index + 1 : id.index - 1 };
}

/** The leaf range [begin, end) under the node. */
export function coverageOf(id: NodeId): [begin: number, end: number] {
  return [shiftLeft(id.index, id.level), shiftLeft(id.index + 1, id.level)];
}

/**
 * Splits [begin, end) into the fewest perfect subtrees. Returns bitmasks: bit k of `left` is a subtree
 * of size 2^k on the left border (read from low to high bits), bit k of `right` one on the right
 * border (read from high to low bits). Port of compact.Decompose.
 */
export function decompose(begin: number, end: number): { left: number; right: number } {
  if (begin === 0) return { left: 0, right: end };
  const before = begin - 1;
  // Only nodes strictly below the point where the paths to leaves begin-1 and end diverge lie in the range.
  const d = bitLength(xor(before, end)) - 1;
  const mask = 2 ** d - 1;
  // Left: the zero bits of begin-1 below d; right: the one bits of end below d.
  return { left: mask - lowBits(before, d), right: lowBits(end, d) };
}

/** Number of perfect subtrees covering [begin, end). */
export function rangeSize(begin: number, end: number): number {
  const { left, right } = decompose(begin, end);
  return onesCount(left) + onesCount(right);
}

/** The perfect subtrees covering [begin, end), ordered left to right. Port of compact.RangeNodes. */
export function rangeNodes(begin: number, end: number): NodeId[] {
  let { left, right } = decompose(begin, end);
  const ids: NodeId[] = [];
  let pos = begin;
  // Left border: from lower to upper levels.
  while (left !== 0) {
    const level = trailingZeros(left);
    const size = 2 ** level;
    ids.push({ level, index: shiftRight(pos, level) });
    pos += size;
    left -= size;
  }
  // Right border: from upper to lower levels.
  while (right !== 0) {
    const level = bitLength(right) - 1;
    const size = 2 ** level;
    ids.push({ level, index: shiftRight(pos, level) });
    pos += size;
    right -= size;
  }
  return ids;
}
