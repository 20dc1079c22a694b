// @ts-check
// The journal side of a draw's verification (docs/ledger-format.md): an entry's hash recomputed from
// the RFC 8785 canonical JSON of its hashed fields, its RFC 9162 inclusion in the tree of a C2SP
// checkpoint, and the checkpoint's signed-note Ed25519 signature (WebCrypto) by the ledger's key.

import { base64ToBytes, bytesToHex, hexToBytes, isHashHex, utf8 } from './bytes.js';
import { leafHash, sha256, verifyInclusion, VerificationFailure } from './merkle.js';
import { isEntryTime, readArray, readCount, readObject } from './proof-fields.js';

/**
 * RFC 8785 canonical JSON of a JSON value: members sorted by name as UTF-16 code units (what
 * Array.prototype.sort does with strings), no whitespace, strings and numbers as ECMAScript's
 * JSON.stringify writes them. The journal refuses non-finite numbers, -0 and numbers beyond
 * 2^53 - 1, so those are refused here too.
 * @param {unknown} value
 * @returns {string}
 */
export function canonicalJson(value) {
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'number') {
    if (!Number.isFinite(value) || Object.is(value, -0) || Math.abs(value) > Number.MAX_SAFE_INTEGER)
      throw new VerificationFailure(`the number ${value} has no canonical journal form`);
    return JSON.stringify(value);
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (typeof value === 'object') {
    const record = /** @type {Record<string, unknown>} */ (value);
    return `{${Object.keys(record)
      .sort()
      .map((k) => `${JSON.stringify(k)}:${canonicalJson(record[k])}`)
      .join(',')}}`;
  }
  throw new VerificationFailure(`a ${typeof value} is not a JSON value`);
}

/**
 * @typedef {{ seq: number, type: string, subject: string | null, payload: Record<string, unknown>,
 *   time: string, prevHash: string, hash: string }} JournalEntry
 * @typedef {{ leafIndex: number, treeSize: number, leafHash: string, path: string[] }} InclusionProof
 * @typedef {{ origin: string, size: number, rootHash: Uint8Array, extensions: string[] }} Checkpoint
 */

/** @param {unknown} value @param {string} field @returns {JournalEntry} */
export function readJournalEntry(value, field) {
  const o = readObject(value, field, ['seq', 'type', 'subject', 'payload', 'time', 'prevHash', 'hash']);
  const seq = readCount(o.seq, `${field}.seq`);
  if (typeof o.type !== 'string' || !/^[A-Z][A-Z0-9_]{0,63}$/.test(o.type))
    throw new VerificationFailure(`${field}.type is not an entry type`);
  if (
    o.subject !== null &&
    (typeof o.subject !== 'string' || o.subject.length === 0 || o.subject.length > 256)
  )
    throw new VerificationFailure(`${field}.subject must be null or a string of 1-256 characters`);
  if (typeof o.payload !== 'object' || o.payload === null || Array.isArray(o.payload))
    throw new VerificationFailure(`${field}.payload must be a JSON object`);
  if (!isEntryTime(o.time))
    throw new VerificationFailure(`${field}.time must be a UTC ISO-8601 time with milliseconds`);
  if (!isHashHex(o.prevHash) || !isHashHex(o.hash))
    throw new VerificationFailure(`${field}.prevHash and .hash must be 64 lowercase hex digits`);
  return {
    seq,
    type: o.type,
    subject: /** @type {string | null} */ (o.subject),
    payload: /** @type {Record<string, unknown>} */ (o.payload),
    time: o.time,
    prevHash: o.prevHash,
    hash: o.hash,
  };
}

/** @param {unknown} value @param {string} field @returns {InclusionProof} */
export function readInclusionProof(value, field) {
  const o = readObject(value, field, ['leafIndex', 'treeSize', 'leafHash', 'path']);
  if (!isHashHex(o.leafHash))
    throw new VerificationFailure(`${field}.leafHash must be 64 lowercase hex digits`);
  return {
    leafIndex: readCount(o.leafIndex, `${field}.leafIndex`),
    treeSize: readCount(o.treeSize, `${field}.treeSize`),
    leafHash: o.leafHash,
    path: readArray(o.path, `${field}.path`, (h, f) => {
      if (!isHashHex(h)) throw new VerificationFailure(`${f} must be 64 lowercase hex digits`);
      return h;
    }),
  };
}

/** SHA-256(0x00 || UTF-8(JCS({seq, type, subject, payload, time, prevHash}))) as hex. @param {JournalEntry} entry */
export async function entryHash(entry) {
  const { seq, type, subject, payload, time, prevHash } = entry;
  return bytesToHex(await leafHash(utf8(canonicalJson({ seq, type, subject, payload, time, prevHash }))));
}

/**
 * Checks that the entry's hash is its content's and that it is leaf `entry.seq` of the checkpoint's tree.
 * @param {JournalEntry} entry @param {InclusionProof} inclusion @param {Checkpoint} checkpoint @param {string} field
 */
export async function verifyEntryInCheckpoint(entry, inclusion, checkpoint, field) {
  const recomputed = await entryHash(entry);
  if (recomputed !== entry.hash)
    throw new VerificationFailure(
      `${field}: the entry’s content hashes to ${recomputed}, not to its recorded hash ${entry.hash}`,
    );
  if (inclusion.leafIndex !== entry.seq || inclusion.leafHash !== recomputed)
    throw new VerificationFailure(
      `${field}: the inclusion proof is for another entry (leaf ${inclusion.leafIndex})`,
    );
  if (inclusion.treeSize !== checkpoint.size)
    throw new VerificationFailure(
      `${field}: the inclusion proof is for tree size ${inclusion.treeSize}, the checkpoint is of size ${checkpoint.size}`,
    );
  try {
    await verifyInclusion(
      entry.seq,
      checkpoint.size,
      hexToBytes(recomputed),
      inclusion.path.map(hexToBytes),
      checkpoint.rootHash,
    );
  } catch (error) {
    if (error instanceof VerificationFailure)
      throw new VerificationFailure(
        `${field}: entry ${entry.seq} is not in the checkpoint’s tree: ${error.message}`,
      );
    throw error;
  }
}

const SIGNATURE_PREFIX = '\u2014 ';
// eslint-disable-next-line no-control-regex
const CONTROL_BUT_NEWLINE = /[\u0000-\u0009\u000b-\u001f]/;
const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** @param {unknown} name @returns {name is string} */
function isKeyName(name) {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !/\p{White_Space}/u.test(name) &&
    !name.includes('+') &&
    !LONE_SURROGATE.test(name)
  );
}

/** @param {string} name @param {Uint8Array} publicKey */
async function keyId(name, publicKey) {
  const digest = await sha256(new Uint8Array([...utf8(`${name}\n`), 1, ...publicKey]));
  return new DataView(digest.buffer).getUint32(0);
}

/**
 * @typedef {{ name: string, keyId: number, publicKey: Uint8Array }} VerifierKey
 */

/**
 * Parses a signed-note verifier key, "<name>+<key ID, 8 hex digits>+<base64(0x01 || Ed25519 key)>".
 * @param {string} text @returns {Promise<VerifierKey>}
 */
export async function parseVerifierKey(text) {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) throw new VerificationFailure('the verifier key is not of the form name+id+key');
  const name = text.slice(0, first);
  const id = text.slice(first + 1, second);
  const key = base64ToBytes(text.slice(second + 1));
  if (!isKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(id) || key === undefined)
    throw new VerificationFailure('the verifier key is malformed');
  if (key.length !== 33 || key[0] !== 1)
    throw new VerificationFailure('the verifier key is not an Ed25519 key');
  const publicKey = key.subarray(1);
  if ((await keyId(name, publicKey)) !== parseInt(id, 16))
    throw new VerificationFailure('the verifier key’s ID does not match its name and public key');
  return { name, keyId: parseInt(id, 16), publicKey };
}

/**
 * Opens a C2SP signed note: its text and signature lines (the rules of golang.org/x/mod/sumdb/note).
 * With a verifier key, that key's signature must be present and valid; other keys' signatures are
 * ignored. Without one, `verified` is null: nothing about the signatures is claimed.
 * @param {string} note @param {VerifierKey | null} key
 * @returns {Promise<{ text: string, signers: string[], verified: boolean | null }>}
 */
export async function openSignedNote(note, key) {
  if (CONTROL_BUT_NEWLINE.test(note) || LONE_SURROGATE.test(note))
    throw new VerificationFailure('the signed note holds control characters or invalid Unicode');
  const split = note.lastIndexOf('\n\n');
  if (split < 0) throw new VerificationFailure('the signed note has no blank line before its signatures');
  const text = note.slice(0, split + 1);
  const block = note.slice(split + 2);
  if (block.length === 0 || !block.endsWith('\n'))
    throw new VerificationFailure('the signature block of the note must be non-empty and end with a newline');
  const lines = block.slice(0, -1).split('\n');
  if (lines.length > 100) throw new VerificationFailure('the note has more than 100 signatures');
  const signers = [];
  let verified = false;
  for (const line of lines) {
    if (!line.startsWith(SIGNATURE_PREFIX))
      throw new VerificationFailure(`not a signature line: ${JSON.stringify(line)}`);
    const body = line.slice(SIGNATURE_PREFIX.length);
    const space = body.indexOf(' ');
    const name = space < 0 ? body : body.slice(0, space);
    const raw = space < 0 ? undefined : base64ToBytes(body.slice(space + 1));
    if (!isKeyName(name) || raw === undefined || raw.length < 5)
      throw new VerificationFailure(`bad signature line: ${JSON.stringify(line)}`);
    const id = new DataView(raw.buffer, raw.byteOffset).getUint32(0);
    signers.push(`${name}+${id.toString(16).padStart(8, '0')}`);
    if (key === null || name !== key.name || id !== key.keyId || verified) continue;
    const signature = raw.subarray(4);
    const publicKey = await globalThis.crypto.subtle.importKey(
      'raw',
      /** @type {BufferSource} */ (key.publicKey),
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    const valid =
      signature.length === 64 &&
      (await globalThis.crypto.subtle.verify(
        { name: 'Ed25519' },
        publicKey,
        /** @type {BufferSource} */ (signature),
        /** @type {BufferSource} */ (utf8(text)),
      ));
    if (!valid) throw new VerificationFailure(`the signature of ${name} does not verify`);
    verified = true;
  }
  if (key !== null && !verified)
    throw new VerificationFailure(
      `the note is not signed by ${key.name}+${key.keyId.toString(16).padStart(8, '0')}`,
    );
  return { text, signers, verified: key === null ? null : true };
}

/**
 * Parses the text of a C2SP tlog-checkpoint: origin, tree size, base64 root hash, extension lines.
 * @param {string} text @returns {Checkpoint}
 */
export function parseCheckpoint(text) {
  if (!text.endsWith('\n')) throw new VerificationFailure('the checkpoint text must end with a newline');
  const lines = text.slice(0, -1).split('\n');
  if (lines.length < 3 || lines.some((l) => l.length === 0))
    throw new VerificationFailure('the checkpoint needs non-empty origin, tree size and root hash lines');
  const [origin, sizeText, rootText, ...extensions] = lines;
  const size = Number(sizeText);
  if (!/^(?:0|[1-9][0-9]*)$/.test(sizeText) || !Number.isSafeInteger(size))
    throw new VerificationFailure(
      `the checkpoint's tree size ${JSON.stringify(sizeText)} is not a decimal number below 2^53`,
    );
  const rootHash = base64ToBytes(rootText);
  if (rootHash === undefined || rootHash.length !== 32)
    throw new VerificationFailure('the checkpoint’s root hash is not 32 bytes of canonical base64');
  return { origin, size, rootHash, extensions };
}
