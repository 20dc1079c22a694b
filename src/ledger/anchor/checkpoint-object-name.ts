const TREE_SIZE_DIGITS = 20;
const OBJECT_NAME = /^checkpoints\/(\d{20})\.note$/;

export const CHECKPOINTS_FOLDER = 'checkpoints/';

/** Zero-padded to 20 digits (enough for 2^64) so that lexicographic order is numeric order. */
export function checkpointObjectName(treeSize: number): string {
  assertTreeSize(treeSize);
  return `${CHECKPOINTS_FOLDER}${String(treeSize).padStart(TREE_SIZE_DIGITS, '0')}.note`;
}

/** The tree size a name stands for, or null for anything else (temporary files, stray objects). */
export function treeSizeFromObjectName(name: string): number | null {
  const match = OBJECT_NAME.exec(name);
  if (match === null) return null;
  const treeSize = Number(match[1]);
  return Number.isSafeInteger(treeSize) ? treeSize : null;
}

export function assertTreeSize(treeSize: number): void {
  if (!Number.isSafeInteger(treeSize) || treeSize < 0) {
    throw new RangeError(`tree size must be a non-negative safe integer, got ${treeSize}`);
  }
}
