import { generateNoteKeys, parseSignerKey, parseVerifierKey } from './note-keys.js';
import { MAX_NOTE_SIGNATURES, NoteError, openNote, readNote, signNote } from './signed-note.js';
import { ENOCH, PETER } from './testing/note-vectors.js';

const peterVerifier = parseVerifierKey(PETER.verifierKey);
const enochVerifier = parseVerifierKey(ENOCH.verifierKey);
const peter = { name: 'PeterNeumann', keyId: 0xc74f20a3, base64: PETER.signatureBase64 };
const enoch = { name: 'EnochRoot', keyId: 0xaf0cfe78, base64: ENOCH.signatureBase64 };

function reasonOf(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (error instanceof NoteError) return error.reason;
    throw error;
  }
  return 'opened';
}

describe('signed notes', () => {
  it('signs exactly as golang.org/x/mod/sumdb/note does', () => {
    const signed = signNote(PETER.text, [parseSignerKey(PETER.signerKey)]);
    expect(signed).toBe(`${PETER.text}\n${PETER.signatureLine}`);
    expect(Buffer.from(signed, 'utf8').includes(Buffer.from([0xe2, 0x80, 0x94, 0x20]))).toBe(true); // "— " in UTF-8
  });

  it('opens a note, verifying known keys and ignoring unknown ones', () => {
    const msg = `${PETER.text}\n${PETER.signatureLine}${ENOCH.signatureLine}`;
    expect(openNote(msg, [peterVerifier])).toEqual({
      text: PETER.text,
      verified: [peter],
      unverified: [enoch],
    });
    expect(openNote(msg, [peterVerifier, enochVerifier])).toEqual({
      text: PETER.text,
      verified: [peter, enoch],
      unverified: [],
    });
    expect(openNote(Buffer.from(msg, 'utf8'), [enochVerifier]).verified).toEqual([enoch]);
  });

  it('requires at least one signature by a known key', () => {
    const msg = `${PETER.text}\n${PETER.signatureLine}${ENOCH.signatureLine}`;
    try {
      openNote(msg, []);
      throw new Error('opened');
    } catch (error) {
      expect(error).toMatchObject({ reason: 'UNVERIFIED', message: 'note has no verifiable signatures' });
      expect((error as NoteError).note).toEqual({
        text: PETER.text,
        verified: [],
        unverified: [peter, enoch],
      });
    }
    // A signature under a known name but another key ID is someone else's key: ignored.
    const otherId = PETER.signatureLine.replace('x08g', 'xxxx');
    expect(reasonOf(() => openNote(`${PETER.text}\n${otherId}`, [peterVerifier]))).toBe('UNVERIFIED');
    const misnamed = PETER.signatureLine.replace('PeterNeumann', 'CarmenSandiego');
    expect(reasonOf(() => openNote(`${PETER.text}\n${misnamed}`, [peterVerifier]))).toBe('UNVERIFIED');
  });

  it('reads a note without checking signatures, by the same rules', () => {
    const msg = `${PETER.text}\n${PETER.signatureLine}${ENOCH.signatureLine}`;
    expect(readNote(msg)).toEqual({ text: PETER.text, verified: [], unverified: [peter, enoch] });
    // A signature that would not verify is still only listed: judging it is a verifier's job.
    const forged = PETER.signatureLine.replace(/[A-Za-z0-9+/]{4}(=*)\n$/, 'AAAA$1\n');
    expect(readNote(`${PETER.text}\n${forged}`).text).toBe(PETER.text);
    expect(reasonOf(() => openNote(`${PETER.text}\n${forged}`, [peterVerifier]))).toBe('INVALID_SIGNATURE');
    expect(reasonOf(() => readNote(PETER.text))).toBe('MALFORMED');
    expect(reasonOf(() => readNote(`${PETER.text}\n\u2014 PeterNeumann AAAA\n`))).toBe('MALFORMED');
  });

  it('rejects the whole note when a known key signature is invalid', () => {
    const bad = PETER.signatureLine.slice(0, 60) + 'ABCD' + PETER.signatureLine.slice(60);
    expect(reasonOf(() => openNote(`${PETER.text}\n${bad}`, [peterVerifier]))).toBe('INVALID_SIGNATURE');
    const tampered = PETER.text.replace('cryptography', 'cryptographY');
    expect(reasonOf(() => openNote(`${tampered}\n${PETER.signatureLine}`, [peterVerifier]))).toBe(
      'INVALID_SIGNATURE',
    );
  });

  it('drops repeated signatures (x/mod Open semantics)', () => {
    const enochBad = ENOCH.signatureLine.slice(0, 60) + 'ABCD' + ENOCH.signatureLine.slice(60);
    const enochBadBase64 = enochBad.slice('\u2014 EnochRoot '.length, -1);
    const msg = `${PETER.text}\n${PETER.signatureLine}${PETER.signatureLine}${ENOCH.signatureLine}${ENOCH.signatureLine}${enochBad}`;
    const note = openNote(msg, [peterVerifier]);
    expect(note.verified).toEqual([peter]);
    expect(note.unverified).toEqual([enoch, { ...enoch, base64: enochBadBase64 }]);
  });

  it('refuses ambiguous verifier lists only when the ambiguous key signed', () => {
    expect(
      reasonOf(() =>
        openNote(`${PETER.text}\n${ENOCH.signatureLine}`, [enochVerifier, peterVerifier, enochVerifier]),
      ),
    ).toBe('AMBIGUOUS_KEY');
    expect(
      reasonOf(() =>
        openNote(`${PETER.text}\n${PETER.signatureLine}`, [enochVerifier, peterVerifier, enochVerifier]),
      ),
    ).toBe('opened');
  });

  it('rejects malformed notes (x/mod bad messages and more)', () => {
    const sig = PETER.signatureLine;
    const bad = [
      PETER.text,
      PETER.text + '\n',
      PETER.text + '\n' + sig.slice(0, -1),
      '\x01' + PETER.text + '\n' + sig,
      PETER.text +
        '\n' +
        '\u2014 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=',
      PETER.text + '\n' + sig + 'Unexpected line.\n',
      PETER.text + '\n' + sig.repeat(MAX_NOTE_SIGNATURES + 1),
      PETER.text + '\n' + '\u2014 PeterNeumann\n',
      PETER.text + '\n' + '\u2014 PeterNeumann AAAA\n',
      PETER.text + '\n' + '- PeterNeumann ' + PETER.signatureBase64 + '\n',
      PETER.text.replace('\n', '\r\n') + '\n' + sig,
    ];
    for (const msg of bad)
      expect([msg, reasonOf(() => openNote(msg, [peterVerifier]))]).toEqual([msg, 'MALFORMED']);
    const invalidUtf8 = Buffer.concat([Buffer.from([0xff]), Buffer.from(PETER.text + '\n' + sig)]);
    expect(reasonOf(() => openNote(invalidUtf8, [peterVerifier]))).toBe('MALFORMED');
    expect(reasonOf(() => openNote('x\ud800\n\n' + sig, [peterVerifier]))).toBe('MALFORMED');
  });

  it('signs with several keys and round-trips text with empty lines and Unicode', () => {
    const a = generateNoteKeys('a.example/log');
    const b = generateNoteKeys('b.example/witness');
    const text =
      'Ognuno sta solo sul cuor della terra\ntrafitto da un raggio di sole:\n\ned è subito sera.\n';
    const signed = signNote(text, [parseSignerKey(a.signerKey), parseSignerKey(b.signerKey)]);
    const note = openNote(signed, [parseVerifierKey(b.verifierKey), parseVerifierKey(a.verifierKey)]);
    expect(note.text).toBe(text);
    expect(note.verified.map((s) => s.name)).toEqual(['a.example/log', 'b.example/witness']);
    expect(() => signNote('no newline', [parseSignerKey(a.signerKey)])).toThrow(NoteError);
    expect(() => signNote('tab\there\n', [parseSignerKey(a.signerKey)])).toThrow(NoteError);
    expect(() => signNote('x\n', [])).toThrow(NoteError);
  });
});
