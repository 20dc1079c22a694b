// Ed25519 keys for signed notes in the text forms of golang.org/x/mod/sumdb/note and C2SP
// signed-note:
//
//   verifier key  <name>+<key ID, 8 hex digits>+<base64(0x01 || 32-byte public key)>
//   signer key    PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || 32-byte private seed)>
//   key ID        first 4 bytes, big-endian, of SHA-256(name || 0x0A || 0x01 || public key)
//
// The signer key is a secret: anyone holding it can sign checkpoints.

import {
  createPrivateKey,
  createPublicKey,
  generateKeyPairSync,
  hash,
  type KeyObject,
  sign,
  verify,
} from 'node:crypto';
import { EncodingError, fromBase64Strict, toBase64 } from './encoding.js';
import { hasLoneSurrogate } from './text.js';

/** Signature type byte of Ed25519 in signed notes. */
export const ED25519_SIGNATURE_TYPE = 0x01;
const ED25519_KEY_SIZE = 32;
const ED25519_SIGNATURE_SIZE = 64;

// DER prefixes that wrap a raw 32-byte Ed25519 key as PKCS#8 (private) or SPKI (public).
const PKCS8_ED25519_PREFIX = Buffer.from('302e020100300506032b657004220420', 'hex');
const SPKI_ED25519_PREFIX = Buffer.from('302a300506032b6570032100', 'hex');

export class NoteKeyError extends Error {
  override readonly name = 'NoteKeyError';
}

export interface NoteSigner {
  readonly name: string;
  readonly keyId: number;
  /** The raw 32-byte Ed25519 public key, from which keyId derives. */
  readonly publicKey: Buffer;
  /** Signs the note text (its UTF-8 bytes); returns the 64-byte Ed25519 signature. */
  sign(message: Uint8Array): Uint8Array;
}

export interface NoteVerifier {
  readonly name: string;
  readonly keyId: number;
  /** The raw 32-byte Ed25519 public key. */
  readonly publicKey: Buffer;
  verify(message: Uint8Array, signature: Uint8Array): boolean;
}

/** Key names must be non-empty, with no Unicode white space and no '+' (Go's unicode.IsSpace set). */
export function isValidKeyName(name: unknown): name is string {
  return (
    typeof name === 'string' &&
    name.length > 0 &&
    !/\p{White_Space}/u.test(name) &&
    !name.includes('+') &&
    !hasLoneSurrogate(name)
  );
}

/** SHA-256(name || '\n' || 0x01 || publicKey)[:4] as an unsigned 32-bit integer. */
export function noteKeyId(name: string, publicKey: Uint8Array): number {
  const digest = hash(
    'sha256',
    Buffer.concat([Buffer.from(`${name}\n`, 'utf8'), Buffer.from([ED25519_SIGNATURE_TYPE]), publicKey]),
    'buffer',
  );
  return digest.readUInt32BE(0);
}

export function formatKeyId(keyId: number): string {
  return keyId.toString(16).padStart(8, '0');
}

function privateKeyFromSeed(seed: Uint8Array): KeyObject {
  return createPrivateKey({ key: Buffer.concat([PKCS8_ED25519_PREFIX, seed]), format: 'der', type: 'pkcs8' });
}

function publicKeyObject(publicKey: Uint8Array): KeyObject {
  return createPublicKey({
    key: Buffer.concat([SPKI_ED25519_PREFIX, publicKey]),
    format: 'der',
    type: 'spki',
  });
}

function rawPublicKey(key: KeyObject): Buffer {
  return createPublicKey(key).export({ format: 'der', type: 'spki' }).subarray(SPKI_ED25519_PREFIX.length);
}

function checkName(name: string): void {
  if (!isValidKeyName(name))
    throw new NoteKeyError(
      `invalid key name ${JSON.stringify(name)}: it must be non-empty, without spaces or '+'`,
    );
}

export function formatVerifierKey(name: string, publicKey: Uint8Array): string {
  checkName(name);
  if (publicKey.length !== ED25519_KEY_SIZE)
    throw new NoteKeyError(`an Ed25519 public key is ${ED25519_KEY_SIZE} bytes`);
  const encoded = toBase64(Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), publicKey]));
  return `${name}+${formatKeyId(noteKeyId(name, publicKey))}+${encoded}`;
}

export function formatSignerKey(name: string, seed: Uint8Array): string {
  checkName(name);
  if (seed.length !== ED25519_KEY_SIZE)
    throw new NoteKeyError(`an Ed25519 private seed is ${ED25519_KEY_SIZE} bytes`);
  const publicKey = rawPublicKey(privateKeyFromSeed(seed));
  const encoded = toBase64(Buffer.concat([Buffer.from([ED25519_SIGNATURE_TYPE]), seed]));
  return `PRIVATE+KEY+${name}+${formatKeyId(noteKeyId(name, publicKey))}+${encoded}`;
}

/** A new Ed25519 key pair for `name`, as signer key (secret) and verifier key (public). */
export function generateNoteKeys(name: string): { signerKey: string; verifierKey: string } {
  checkName(name);
  const { privateKey } = generateKeyPairSync('ed25519');
  const seed = privateKey.export({ format: 'der', type: 'pkcs8' }).subarray(PKCS8_ED25519_PREFIX.length);
  return {
    signerKey: formatSignerKey(name, seed),
    verifierKey: formatVerifierKey(name, rawPublicKey(privateKey)),
  };
}

/** Splits "a+b+rest" into [a, b, rest], like x/mod's chop applied twice: the key data may contain '+'. */
function splitKey(text: string): [string, string, string] {
  const first = text.indexOf('+');
  const second = first < 0 ? -1 : text.indexOf('+', first + 1);
  if (second < 0) return [text, '', ''];
  return [text.slice(0, first), text.slice(first + 1, second), text.slice(second + 1)];
}

/** Decodes "<name>+<hex id>+<base64 key>", checking everything that can be checked without the public key. */
function decodeKey(text: string, what: string): { name: string; keyId: number; material: Buffer } {
  const [name, id, data] = splitKey(text);
  if (!isValidKeyName(name) || !/^[0-9a-fA-F]{8}$/.test(id)) throw new NoteKeyError(`malformed ${what}`);
  let key: Buffer;
  try {
    key = fromBase64Strict(data, what);
  } catch (error) {
    if (error instanceof EncodingError) throw new NoteKeyError(`malformed ${what}: ${error.message}`);
    throw error;
  }
  if (key.length === 0) throw new NoteKeyError(`malformed ${what}`);
  if (key[0] !== ED25519_SIGNATURE_TYPE)
    throw new NoteKeyError(`${what} uses unknown signature type ${key[0]}`);
  if (key.length !== 1 + ED25519_KEY_SIZE) throw new NoteKeyError(`malformed ${what}: wrong key length`);
  return { name, keyId: parseInt(id, 16), material: key.subarray(1) };
}

/** Parses a verifier key "<name>+<hex id>+<base64(0x01 || public key)>". */
export function parseVerifierKey(vkey: string): NoteVerifier {
  const { name, keyId, material: publicKey } = decodeKey(vkey, 'verifier key');
  if (keyId !== noteKeyId(name, publicKey))
    throw new NoteKeyError('verifier key ID does not match its name and public key');
  let keyObject: KeyObject;
  try {
    keyObject = publicKeyObject(publicKey);
  } catch {
    throw new NoteKeyError('verifier key is not a valid Ed25519 public key');
  }
  return {
    name,
    keyId,
    publicKey,
    verify: (message, signature) =>
      signature.length === ED25519_SIGNATURE_SIZE && verify(null, message, keyObject, signature),
  };
}

/** Parses a signer key "PRIVATE+KEY+<name>+<hex id>+<base64(0x01 || seed)>". */
export function parseSignerKey(skey: string): NoteSigner {
  if (!skey.startsWith('PRIVATE+KEY+')) throw new NoteKeyError('malformed signer key');
  const { name, keyId, material: seed } = decodeKey(skey.slice('PRIVATE+KEY+'.length), 'signer key');
  const privateKey = privateKeyFromSeed(seed);
  const publicKey = rawPublicKey(privateKey);
  if (keyId !== noteKeyId(name, publicKey))
    throw new NoteKeyError('signer key ID does not match its name and public key');
  return { name, keyId, publicKey, sign: (message) => sign(null, message, privateKey) };
}

/** The verifier key that checks the signatures of a signer. */
export function verifierKeyOf(signer: NoteSigner): string {
  return formatVerifierKey(signer.name, signer.publicKey);
}
