// Signed notes (C2SP signed-note; reference implementation golang.org/x/mod/sumdb/note):
//
//   <text, one or more lines, each ending in \n>
//   <empty line>
//   — <key name> <base64(4-byte big-endian key ID || signature)>\n     (one line per signature)
//
// The signature covers the text including its final newline but not the empty separator line. Open
// follows x/mod's Open rule for rule: unknown keys are ignored, a known key with a bad signature
// rejects the whole note, and at least one known key must have signed.

import { fromBase64Strict, toBase64 } from './encoding.js';
import { formatKeyId, isValidKeyName, type NoteSigner, type NoteVerifier } from './note-keys.js';
import { hasControlCharacter, hasLoneSurrogate } from './text.js';

export interface NoteSignature {
  name: string;
  keyId: number;
  /** base64(key ID || signature), as on the signature line. */
  base64: string;
}

export interface OpenedNote {
  /** The signed text, ending in '\n'. */
  text: string;
  /** Signatures by the given verifier keys, each checked. */
  verified: NoteSignature[];
  /** Signatures by keys we were not given; ignored, as the spec requires. */
  unverified: NoteSignature[];
}

export type NoteErrorReason =
  /** Not a signed note: bad UTF-8, control characters, no signature block, bad signature line... */
  | 'MALFORMED'
  /** Well formed, but no signature by any of the given keys. */
  | 'UNVERIFIED'
  /** A given key's signature does not verify. */
  | 'INVALID_SIGNATURE'
  /** Two of the given verifier keys share name and key ID. */
  | 'AMBIGUOUS_KEY';

export class NoteError extends Error {
  override readonly name = 'NoteError';

  constructor(
    readonly reason: NoteErrorReason,
    message: string,
    /** For UNVERIFIED: the parsed note, to show who did sign it. */
    readonly note?: OpenedNote,
  ) {
    super(message);
  }
}

/** Notes with more signatures are rejected, as in x/mod (the spec asks verifiers to accept at least 16). */
export const MAX_NOTE_SIGNATURES = 100;
const SIGNATURE_PREFIX = '\u2014 ';

function malformed(detail: string): NoteError {
  return new NoteError('MALFORMED', `malformed note: ${detail}`);
}

function decodeMessage(message: string | Uint8Array): string {
  if (typeof message === 'string') {
    if (hasLoneSurrogate(message)) throw malformed('not valid Unicode');
    return message;
  }
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(message);
  } catch {
    throw malformed('not valid UTF-8');
  }
}

/** Checks that text can be the text of a signed note. */
function checkText(text: string): void {
  if (!text.endsWith('\n')) throw malformed('text must end with a newline');
  if (hasControlCharacter(text, true)) throw malformed('text contains a control character');
  if (hasLoneSurrogate(text)) throw malformed('text is not valid Unicode');
}

/** Formats one signature line, "— <name> <base64(key ID || signature)>\n". */
export function formatSignatureLine(name: string, keyId: number, signature: Uint8Array): string {
  if (!isValidKeyName(name)) throw new NoteError('MALFORMED', `invalid signer name ${JSON.stringify(name)}`);
  const idBytes = Buffer.alloc(4);
  idBytes.writeUInt32BE(keyId >>> 0);
  return `${SIGNATURE_PREFIX}${name} ${toBase64(Buffer.concat([idBytes, signature]))}\n`;
}

/** Signs `text` (which must end in '\n') with each signer; returns the signed note. */
export function signNote(text: string, signers: readonly NoteSigner[]): string {
  checkText(text);
  if (signers.length === 0) throw new NoteError('MALFORMED', 'a signed note needs at least one signer');
  const message = Buffer.from(text, 'utf8');
  const lines = signers.map((s) => formatSignatureLine(s.name, s.keyId, s.sign(message)));
  return `${text}\n${lines.join('')}`;
}

function findVerifier(
  verifiers: readonly NoteVerifier[],
  name: string,
  keyId: number,
): NoteVerifier | undefined {
  const matches = verifiers.filter((v) => v.name === name && v.keyId === keyId);
  if (matches.length > 1) throw new NoteError('AMBIGUOUS_KEY', `ambiguous key ${name}+${formatKeyId(keyId)}`);
  return matches[0];
}

/**
 * Parses a signed note and checks its signatures against the given verifier keys. Throws NoteError:
 * MALFORMED, INVALID_SIGNATURE (a known key's signature fails), AMBIGUOUS_KEY, or UNVERIFIED (no
 * known key signed; the error carries the parsed note).
 */
export function openNote(message: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const note = parseNote(message, verifiers);
  if (note.verified.length === 0)
    throw new NoteError('UNVERIFIED', 'note has no verifiable signatures', note);
  return note;
}

/**
 * Parses a signed note by the same rules as openNote, checking no signature: every signature is
 * listed as unverified. For stores that keep notes (checkpoint anchors) and leave judging them to
 * verifiers. Throws NoteError MALFORMED.
 */
export function readNote(message: string | Uint8Array): OpenedNote {
  return parseNote(message, []);
}

/** openNote without its final rule that a known key must have signed. */
function parseNote(message: string | Uint8Array, verifiers: readonly NoteVerifier[]): OpenedNote {
  const msg = decodeMessage(message);
  if (hasControlCharacter(msg, true)) throw malformed('contains a control character');
  const split = msg.lastIndexOf('\n\n');
  if (split < 0) throw malformed('no blank line before the signatures');
  const text = msg.slice(0, split + 1);
  let block = msg.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n'))
    throw malformed('signature block must be non-empty and end with a newline');

  const note: OpenedNote = { text, verified: [], unverified: [] };
  const textBytes = Buffer.from(text, 'utf8');
  const seenVerified = new Set<string>();
  const seenUnverified = new Set<string>();
  let count = 0;
  while (block.length > 0) {
    const end = block.indexOf('\n');
    const line = block.slice(0, end);
    block = block.slice(end + 1);
    if (!line.startsWith(SIGNATURE_PREFIX)) throw malformed(`not a signature line: ${JSON.stringify(line)}`);
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(' ');
    const name = space < 0 ? body : body.slice(0, space);
    const encoded = space < 0 ? '' : body.slice(space + 1);
    let raw: Buffer;
    try {
      raw = fromBase64Strict(encoded);
    } catch {
      throw malformed(`signature of ${JSON.stringify(name)} is not base64`);
    }
    if (!isValidKeyName(name) || encoded === '' || raw.length < 5)
      throw malformed(`bad signature line: ${JSON.stringify(line)}`);
    if (++count > MAX_NOTE_SIGNATURES) throw malformed(`more than ${MAX_NOTE_SIGNATURES} signatures`);

    const keyId = raw.readUInt32BE(0);
    const signature: NoteSignature = { name, keyId, base64: encoded };
    const verifier = findVerifier(verifiers, name, keyId);
    if (!verifier) {
      if (!seenUnverified.has(body)) note.unverified.push(signature);
      seenUnverified.add(body);
      continue;
    }
    const key = `${name}+${keyId}`;
    if (seenVerified.has(key)) continue;
    seenVerified.add(key);
    if (!verifier.verify(textBytes, raw.subarray(4))) {
      throw new NoteError('INVALID_SIGNATURE', `invalid signature for key ${name}+${formatKeyId(keyId)}`);
    }
    note.verified.push(signature);
  }
  return note;
}
