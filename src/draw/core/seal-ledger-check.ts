// Checks the journal state a seal says it read: the root of the first ledger.treeSize entries, and
// the signed checkpoint of that size if one is journaled.

import {
  CheckpointError,
  NoteError,
  type NoteVerifier,
  openCheckpoint,
  parseCheckpoint,
  toHex,
} from '../../ledger/core/index.js';
import type { DrawSealedPayload } from './draw-entries.js';
import type { JournalRootHistory } from './journal-root-history.js';

export interface SealLedgerCheck {
  problems: string[];
  notChecked: string[];
}

/** The checkpoint text of a signed note: everything up to the last empty line. */
function noteText(note: string): string {
  const end = note.lastIndexOf('\n\n');
  if (end < 0) throw new CheckpointError('not a signed note: no empty line before the signatures');
  return note.slice(0, end + 1);
}

export function checkSealLedger(
  seal: DrawSealedPayload,
  sealSeq: number,
  history: JournalRootHistory | undefined,
  verifiers: readonly NoteVerifier[] | undefined,
): SealLedgerCheck {
  const result: SealLedgerCheck = { problems: [], notChecked: [] };
  const { treeSize, rootHash, checkpoint } = seal.ledger;
  const name = `seal ${seal.sealId}`;
  if (treeSize > sealSeq) {
    result.problems.push(
      `${name} says it read the journal at tree size ${treeSize}, after its own entry ${sealSeq}`,
    );
    return result;
  }
  const root = history?.rootAt(treeSize);
  if (root === undefined) {
    result.notChecked.push(
      `${name} (entry ${sealSeq}): journal root at tree size ${treeSize} not available to compare`,
    );
  } else if (toHex(root) !== rootHash) {
    result.problems.push(
      `${name}: journal root at tree size ${treeSize} is ${toHex(root)}, the seal says ${rootHash}`,
    );
  }
  if (checkpoint === null) return result;
  try {
    const parsed = verifiers
      ? openCheckpoint(checkpoint, verifiers).checkpoint
      : parseCheckpoint(noteText(checkpoint));
    if (!verifiers)
      result.notChecked.push(
        `${name} (entry ${sealSeq}): checkpoint signature not checked (no verifier key given)`,
      );
    if (parsed.size !== treeSize || toHex(parsed.rootHash) !== rootHash) {
      result.problems.push(
        `${name}: its checkpoint signs tree size ${parsed.size} with root ${toHex(parsed.rootHash)}, the seal says ${treeSize} and ${rootHash}`,
      );
    }
  } catch (error) {
    if (!(error instanceof CheckpointError || error instanceof NoteError)) throw error;
    result.problems.push(`${name}: checkpoint is not valid: ${error.message}`);
  }
  return result;
}
