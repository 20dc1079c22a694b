import { InvalidCheckpointError } from './anchor-errors.js';
import { assertCheckpointMatchesNote, checkpointFromNote, noteFromBytes } from './checkpoint-note.js';
import { signedCheckpoint } from './testing/signed-checkpoint-note.js';

const ROOT_B64 = Buffer.alloc(32, 0xab).toString('base64');

describe('checkpointFromNote', () => {
  // A well-formed signature line by a key the anchor does not know: anchors keep notes, verifiers judge them.
  const SIGNATURE = `\u2014 example.com/log ${Buffer.alloc(68, 7).toString('base64')}\n`;

  it('reads the tree size and the root hash (base64 to lowercase hex) of a signed note', () => {
    const note = `example.com/log\n42\n${ROOT_B64}\n\n${SIGNATURE}`;
    expect(checkpointFromNote(note)).toEqual({ treeSize: 42, rootHash: 'ab'.repeat(32), note });
  });

  it('reads the notes the signing fixture makes', () => {
    const checkpoint = signedCheckpoint(7);
    expect(checkpointFromNote(checkpoint.note)).toEqual(checkpoint);
  });

  it.each([
    ['no root line', 'origin\n42'],
    ['empty origin', `\n42\n${ROOT_B64}\n`],
    ['leading zero', `origin\n042\n${ROOT_B64}\n`],
    ['negative size', `origin\n-1\n${ROOT_B64}\n`],
    ['size beyond 2^53', `origin\n18446744073709551615\n${ROOT_B64}\n`],
    ['root not base64', 'origin\n1\nnot base64!\n'],
    ['root of 31 bytes', `origin\n1\n${Buffer.alloc(31).toString('base64')}\n`],
    ['unpadded root', `origin\n1\n${ROOT_B64.replace(/=+$/, '')}\n`],
    ['an extension line that is empty', `origin\n1\n${ROOT_B64}\n\nmore\n`],
  ])('refuses a note with %s', (_case, text) => {
    expect(() => checkpointFromNote(`${text}\n${SIGNATURE}`)).toThrow(InvalidCheckpointError);
  });

  it('refuses a checkpoint that is not in a signed note', () => {
    const text = `origin\n1\n${ROOT_B64}\n`;
    expect(() => checkpointFromNote(text)).toThrow(/no blank line before the signatures/);
    expect(() => checkpointFromNote(`${text}\n\u2014 origin AAAA\n`)).toThrow(/bad signature line/);
    expect(() => checkpointFromNote(`${text}\n${SIGNATURE}`)).not.toThrow();
  });
});

describe('assertCheckpointMatchesNote', () => {
  it('refuses a checkpoint whose declared size or root differs from its note', () => {
    const checkpoint = signedCheckpoint(5);
    expect(() => assertCheckpointMatchesNote(checkpoint)).not.toThrow();
    expect(() => assertCheckpointMatchesNote({ ...checkpoint, treeSize: 6 })).toThrow(InvalidCheckpointError);
    expect(() => assertCheckpointMatchesNote({ ...checkpoint, rootHash: '00'.repeat(32) })).toThrow(
      InvalidCheckpointError,
    );
  });
});

describe('noteFromBytes', () => {
  it('keeps a byte order mark and refuses bytes that are not UTF-8', () => {
    expect(noteFromBytes(Buffer.from('\ufeffa', 'utf8'))).toBe('\ufeffa');
    expect(() => noteFromBytes(Buffer.from([0x61, 0xff]))).toThrow();
  });
});
