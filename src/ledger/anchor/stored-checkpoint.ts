import type { AnchoredCheckpoint } from './checkpoint-anchor.js';
import { AnchorIntegrityError } from './anchor-errors.js';
import { checkpointFromNote, noteFromBytes } from './checkpoint-note.js';

/** What a stored object says, checked against the name it is stored under. */
export function checkpointStoredAt(
  location: string,
  treeSize: number,
  bytes: Uint8Array,
): AnchoredCheckpoint {
  let checkpoint: AnchoredCheckpoint;
  try {
    checkpoint = checkpointFromNote(noteFromBytes(bytes));
  } catch (error) {
    throw new AnchorIntegrityError(`anchored object is not a checkpoint note: ${String(error)}`, location);
  }
  if (checkpoint.treeSize !== treeSize) {
    throw new AnchorIntegrityError(
      `anchored note signs tree size ${checkpoint.treeSize} but is stored as tree size ${treeSize}`,
      location,
    );
  }
  return checkpoint;
}
