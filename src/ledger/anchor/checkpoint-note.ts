import { createHash } from 'node:crypto';

import { CheckpointError, readCheckpoint } from '../core/checkpoint.js';
import { NoteError } from '../core/signed-note.js';
import type { AnchoredCheckpoint } from './checkpoint-anchor.js';
import { InvalidCheckpointError } from './anchor-errors.js';

const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads what the anchor needs (tree size and root hash) from a C2SP tlog-checkpoint in a signed
 * note, parsed by the ledger core exactly as verifiers parse it. Signatures are the verifier's
 * business, not the anchor's: they are not checked here.
 */
export function checkpointFromNote(note: string): AnchoredCheckpoint {
  try {
    const { checkpoint } = readCheckpoint(note);
    return { treeSize: checkpoint.size, rootHash: checkpoint.rootHash.toString('hex'), note };
  } catch (error) {
    if (error instanceof NoteError || error instanceof CheckpointError) {
      throw new InvalidCheckpointError(`not a signed checkpoint note: ${error.message}`);
    }
    throw error;
  }
}

/** Refuses a checkpoint whose declared size or root is not the one its note signs. */
export function assertCheckpointMatchesNote(checkpoint: AnchoredCheckpoint): void {
  const fromNote = checkpointFromNote(checkpoint.note);
  if (fromNote.treeSize !== checkpoint.treeSize || fromNote.rootHash !== checkpoint.rootHash) {
    throw new InvalidCheckpointError(
      `checkpoint declares tree size ${checkpoint.treeSize} and root ${checkpoint.rootHash} ` +
        `but its note signs tree size ${fromNote.treeSize} and root ${fromNote.rootHash}`,
    );
  }
}

export function noteBytes(note: string): Buffer {
  return Buffer.from(note, 'utf8');
}

/** Fails on bytes that are not UTF-8, rather than silently replacing them and changing the evidence. */
export function noteFromBytes(bytes: Uint8Array): string {
  return strictUtf8.decode(bytes);
}

export function sha256Hex(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
