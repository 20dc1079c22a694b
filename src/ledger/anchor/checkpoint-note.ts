import { createHash } from 'node:crypto';

import type { AnchoredCheckpoint } from './checkpoint-anchor.js';
import { InvalidCheckpointError } from './anchor-errors.js';

const DECIMAL = /^(0|[1-9][0-9]*)$/;
const BASE64 = /^[A-Za-z0-9+/]+={0,2}$/;
const SHA256_BYTES = 32;
const strictUtf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/**
 * Reads only what the anchor needs from a C2SP tlog-checkpoint note (line 2: decimal tree size,
 * line 3: base64 root hash). Signatures are the verifier's business, not the anchor's.
 */
export function checkpointFromNote(note: string): AnchoredCheckpoint {
  const [origin, sizeLine, rootLine] = note.split('\n');
  if (!origin || sizeLine === undefined || rootLine === undefined) {
    throw new InvalidCheckpointError('checkpoint note must have an origin, a tree size and a root hash line');
  }
  if (!DECIMAL.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) {
    throw new InvalidCheckpointError(`checkpoint note tree size line is not a decimal size: ${sizeLine}`);
  }
  const root = BASE64.test(rootLine) ? Buffer.from(rootLine, 'base64') : Buffer.alloc(0);
  if (root.length !== SHA256_BYTES || root.toString('base64') !== rootLine) {
    throw new InvalidCheckpointError(
      `checkpoint note root hash line is not a base64 SHA-256 hash: ${rootLine}`,
    );
  }
  return { treeSize: Number(sizeLine), rootHash: root.toString('hex'), note };
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
