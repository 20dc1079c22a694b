// Transparency log checkpoints (C2SP tlog-checkpoint): the note text
//
//   <origin>\n                 who issued it, e.g. "fairdraw.example/ledger"
//   <tree size>\n              decimal, no leading zeros
//   <base64 root hash>\n       RFC 9162 root of the tree at that size
//   <extension line>\n ...     optional, opaque, non-empty
//
// signed as a signed note. Fairdraw may add one extension line "time <UTC ISO-8601>" saying when the
// checkpoint was made. The spec does not recommend extension lines because log monitors cannot audit
// them (and ML-DSA cosignatures do not cover them), so the time is informational only: nothing that
// verifies a checkpoint depends on it.

import { isSafeCount } from './bits.js';
import { EncodingError, fromBase64Strict, toBase64 } from './encoding.js';
import { isEntryTime } from './entry.js';
import type { NoteSigner, NoteVerifier } from './note-keys.js';
import { HASH_SIZE } from './rfc9162.js';
import { type OpenedNote, openNote, readNote, signNote } from './signed-note.js';
import { hasControlCharacter } from './text.js';

export interface Checkpoint {
  origin: string;
  size: number;
  rootHash: Buffer;
  /** Extension lines after the root hash, without their newlines. */
  extensions: string[];
}

export class CheckpointError extends Error {
  override readonly name = 'CheckpointError';
}

const TIME_PREFIX = 'time ';
const DECIMAL = /^(?:0|[1-9][0-9]*)$/;

/** The extension line Fairdraw uses to date a checkpoint. */
export function timeExtension(time: string): string {
  if (!isEntryTime(time))
    throw new CheckpointError(
      `checkpoint time must be UTC ISO-8601 with milliseconds, got ${JSON.stringify(time)}`,
    );
  return `${TIME_PREFIX}${time}`;
}

/** The time of a checkpoint's "time" extension line, if it has one. */
export function checkpointTime(checkpoint: Checkpoint): string | undefined {
  const line = checkpoint.extensions.find((l) => l.startsWith(TIME_PREFIX));
  if (line === undefined) return undefined;
  const time = line.slice(TIME_PREFIX.length);
  if (!isEntryTime(time)) throw new CheckpointError(`malformed time extension ${JSON.stringify(line)}`);
  return time;
}

/**
 * The note text of a checkpoint. The spec recommends (SHOULD) an origin that is a schema-less URL
 * without spaces or '+', so that it can also be the signing key's name; it requires (MUST) only a
 * non-empty line, which is what is enforced here.
 */
export function formatCheckpoint(checkpoint: Checkpoint): string {
  const { origin, size, rootHash, extensions } = checkpoint;
  if (origin.length === 0 || hasControlCharacter(origin)) {
    throw new CheckpointError(
      `origin ${JSON.stringify(origin)} must be non-empty, without newlines or control characters`,
    );
  }
  if (!isSafeCount(size)) throw new CheckpointError('tree size must be an integer between 0 and 2^53-1');
  if (rootHash.length !== HASH_SIZE) throw new CheckpointError(`root hash must be ${HASH_SIZE} bytes`);
  for (const line of extensions) {
    if (line.length === 0 || hasControlCharacter(line)) {
      throw new CheckpointError('extension lines must be non-empty and hold no newline or control character');
    }
  }
  return [origin, String(size), toBase64(rootHash), ...extensions].map((line) => `${line}\n`).join('');
}

/** Parses checkpoint note text (the part a signature covers). */
export function parseCheckpoint(text: string): Checkpoint {
  if (!text.endsWith('\n')) throw new CheckpointError('checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3) throw new CheckpointError('checkpoint needs origin, tree size and root hash lines');
  if (lines.some((line) => line.length === 0))
    throw new CheckpointError('checkpoint lines must be non-empty');
  const [origin, sizeText, rootText, ...extensions] = lines;
  if (!DECIMAL.test(sizeText))
    throw new CheckpointError(`tree size ${JSON.stringify(sizeText)} is not a decimal number`);
  const size = Number(sizeText);
  if (!isSafeCount(size)) throw new CheckpointError(`tree size ${sizeText} is beyond 2^53-1`);
  let rootHash: Buffer;
  try {
    rootHash = fromBase64Strict(rootText, 'root hash');
  } catch (error) {
    if (error instanceof EncodingError) throw new CheckpointError(error.message);
    throw error;
  }
  if (rootHash.length !== HASH_SIZE)
    throw new CheckpointError(`root hash is ${rootHash.length} bytes, want ${HASH_SIZE}`);
  return { origin, size, rootHash, extensions };
}

/** Formats and signs a checkpoint; returns the signed note. */
export function signCheckpoint(checkpoint: Checkpoint, signers: readonly NoteSigner[]): string {
  return signNote(formatCheckpoint(checkpoint), signers);
}

/**
 * Opens a signed checkpoint: checks the note's signatures (NoteError) and parses its text
 * (CheckpointError).
 */
export function openCheckpoint(
  signedNote: string | Uint8Array,
  verifiers: readonly NoteVerifier[],
): { checkpoint: Checkpoint; note: OpenedNote } {
  const note = openNote(signedNote, verifiers);
  return { checkpoint: parseCheckpoint(note.text), note };
}

/**
 * Reads a signed checkpoint without checking its signatures (NoteError MALFORMED if it is not a
 * signed note, CheckpointError if its text is not a checkpoint): for stores that keep checkpoints,
 * such as the anchors, and leave judging them to verifiers.
 */
export function readCheckpoint(signedNote: string | Uint8Array): {
  checkpoint: Checkpoint;
  note: OpenedNote;
} {
  const note = readNote(signedNote);
  return { checkpoint: parseCheckpoint(note.text), note };
}
