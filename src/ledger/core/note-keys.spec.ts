import {
  formatSignerKey,
  formatVerifierKey,
  generateNoteKeys,
  isValidKeyName,
  NoteKeyError,
  noteKeyId,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyOf,
} from './note-keys.js';
import { ENOCH, GO_SUMDB, PETER } from './testing/note-vectors.js';

describe('note keys', () => {
  it('parses the x/mod example keys', () => {
    const verifier = parseVerifierKey(PETER.verifierKey);
    expect(verifier.name).toBe('PeterNeumann');
    expect(verifier.keyId).toBe(0xc74f20a3);
    const signer = parseSignerKey(PETER.signerKey);
    expect(signer).toMatchObject({ name: 'PeterNeumann', keyId: 0xc74f20a3 });
    expect(verifierKeyOf(signer)).toBe(PETER.verifierKey);
    expect(parseVerifierKey(ENOCH.verifierKey).keyId).toBe(0xaf0cfe78);
    expect(parseVerifierKey(GO_SUMDB.verifierKey).keyId).toBe(0x033de0ae);
  });

  it('derives the key ID from name and public key', () => {
    const verifier = parseVerifierKey(PETER.verifierKey);
    expect(noteKeyId('PeterNeumann', verifier.publicKey)).toBe(0xc74f20a3);
    expect(noteKeyId('PeterNeumann2', verifier.publicKey)).not.toBe(0xc74f20a3);
    expect(formatVerifierKey('PeterNeumann', verifier.publicKey)).toBe(PETER.verifierKey);
    const seed = Buffer.from(PETER.signerKey.split('+').slice(4).join('+'), 'base64').subarray(1);
    expect(formatSignerKey('PeterNeumann', seed)).toBe(PETER.signerKey);
  });

  it('rejects every substring and every one-byte change of a verifier key (as x/mod does)', () => {
    const key = PETER.verifierKey;
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i === 0 && j === key.length) continue;
        expect(() => parseVerifierKey(key.slice(i, j))).toThrow(NoteKeyError);
      }
    }
    for (let i = 0; i < key.length; i++) {
      const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expect(() => parseVerifierKey(changed)).toThrow(NoteKeyError);
    }
    // Wrong key length and unknown algorithm, each with a key ID adjusted to match (from note_test.go).
    expect(() =>
      parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY=='),
    ).toThrow(NoteKeyError);
    expect(() =>
      parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW'),
    ).toThrow(/unknown signature type/);
  });

  it('rejects every substring and every one-byte change of a signer key (as x/mod does)', () => {
    const key = PETER.signerKey;
    for (let i = 0; i <= key.length; i++) {
      for (let j = i + 1; j <= key.length; j++) {
        if (i === 0 && j === key.length) continue;
        expect(() => parseSignerKey(key.slice(i, j))).toThrow(NoteKeyError);
      }
    }
    for (let i = 0; i < key.length; i++) {
      const changed = key.slice(0, i) + String.fromCharCode(key.charCodeAt(i) + 1) + key.slice(i + 1);
      expect(() => parseSignerKey(changed)).toThrow(NoteKeyError);
    }
  });

  it('generates working key pairs', () => {
    const { signerKey, verifierKey } = generateNoteKeys('fairdraw.example/ledger');
    expect(signerKey).toMatch(/^PRIVATE\+KEY\+fairdraw\.example\/ledger\+[0-9a-f]{8}\+[A-Za-z0-9+/]{44}$/);
    const signer = parseSignerKey(signerKey);
    const verifier = parseVerifierKey(verifierKey);
    expect(verifierKeyOf(signer)).toBe(verifierKey);
    expect(signer.keyId).toBe(verifier.keyId);
    const message = Buffer.from('hi');
    const signature = Buffer.from(signer.sign(message));
    expect(verifier.verify(message, signature)).toBe(true);
    expect(verifier.verify(Buffer.from('ho'), signature)).toBe(false);
    signature[0] ^= 1;
    expect(verifier.verify(message, signature)).toBe(false);
    expect(verifier.verify(message, signature.subarray(1))).toBe(false);
    expect(generateNoteKeys('fairdraw.example/ledger').verifierKey).not.toBe(verifierKey);
  });

  it('validates key names like x/mod', () => {
    expect(['a', 'example.com/log42', 'é'].every(isValidKeyName)).toBe(true);
    for (const bad of ['', 'a b', 'a+b', 'a\u00a0b', 'a\u2003b', 'a\u0085b', 'a\nb', 'a\ud800']) {
      expect([bad, isValidKeyName(bad)]).toEqual([bad, false]);
    }
    expect(() => generateNoteKeys('bad name')).toThrow(NoteKeyError);
  });
});
