import {
  CheckpointError,
  checkpointTime,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  readCheckpoint,
  signCheckpoint,
  timeExtension,
} from './checkpoint.js';
import { generateNoteKeys, parseSignerKey, parseVerifierKey } from './note-keys.js';
import { leafHash } from './rfc9162.js';
import { NoteError } from './signed-note.js';
import { GO_SUMDB, GO_TLOG_TREE } from './testing/note-vectors.js';

describe('checkpoints', () => {
  it('formats a tree head exactly as x/mod/sumdb/tlog FormatTree does', () => {
    const rootHash = leafHash(Buffer.from(GO_TLOG_TREE.leafData));
    const text = formatCheckpoint({
      origin: 'go.sum database tree',
      size: GO_TLOG_TREE.size,
      rootHash,
      extensions: [],
    });
    expect(text).toBe(GO_TLOG_TREE.text);
    expect(parseCheckpoint(text)).toEqual({
      origin: 'go.sum database tree',
      size: GO_TLOG_TREE.size,
      rootHash,
      extensions: [],
    });
  });

  it('reads a signed checkpoint without its key, as the anchors keep them', () => {
    const signed = `${GO_SUMDB.body}\n${GO_SUMDB.signatureLine}`;
    const { checkpoint, note } = readCheckpoint(signed);
    expect(checkpoint).toEqual(openCheckpoint(signed, [parseVerifierKey(GO_SUMDB.verifierKey)]).checkpoint);
    expect(note.unverified.map((s) => s.name)).toEqual(['sum.golang.org']);
    expect(() => readCheckpoint(GO_SUMDB.body)).toThrow(NoteError);
    expect(() => readCheckpoint(`not\na checkpoint\n\n${GO_SUMDB.signatureLine}`)).toThrow(CheckpointError);
  });

  it('verifies a real sum.golang.org checkpoint with its published key', () => {
    const { checkpoint, note } = openCheckpoint(`${GO_SUMDB.body}\n${GO_SUMDB.signatureLine}`, [
      parseVerifierKey(GO_SUMDB.verifierKey),
    ]);
    expect(checkpoint.origin).toBe('go.sum database tree');
    expect(checkpoint.size).toBe(30055305);
    expect(checkpoint.rootHash.toString('base64')).toBe('mXfgRcJ0bG0j3CPdKwgGWtUzBUbX67saZGRmFuJGGsM=');
    expect(note.verified.map((s) => s.name)).toEqual(['sum.golang.org']);
    // Formatting the parsed checkpoint gives back the signed bytes.
    expect(formatCheckpoint(checkpoint)).toBe(GO_SUMDB.body);
    // One changed digit of the size breaks the signature.
    expect(() =>
      openCheckpoint(`${GO_SUMDB.body.replace('30055305', '30055306')}\n${GO_SUMDB.signatureLine}`, [
        parseVerifierKey(GO_SUMDB.verifierKey),
      ]),
    ).toThrow(expect.objectContaining({ reason: 'INVALID_SIGNATURE' }));
  });

  it('signs and opens our checkpoints, with a time extension line', () => {
    const keys = generateNoteKeys('fairdraw.example/ledger');
    const rootHash = leafHash(Buffer.from('root'));
    const checkpoint = {
      origin: 'fairdraw.example/ledger',
      size: 1000,
      rootHash,
      extensions: [timeExtension('2026-11-23T08:00:00.000Z')],
    };
    const signed = signCheckpoint(checkpoint, [parseSignerKey(keys.signerKey)]);
    expect(
      signed.startsWith(
        `fairdraw.example/ledger\n1000\n${rootHash.toString('base64')}\ntime 2026-11-23T08:00:00.000Z\n\n\u2014 fairdraw.example/ledger `,
      ),
    ).toBe(true);
    const opened = openCheckpoint(signed, [parseVerifierKey(keys.verifierKey)]);
    expect(opened.checkpoint).toEqual(checkpoint);
    expect(checkpointTime(opened.checkpoint)).toBe('2026-11-23T08:00:00.000Z');
    expect(checkpointTime({ ...checkpoint, extensions: [] })).toBeUndefined();
    expect(() => checkpointTime({ ...checkpoint, extensions: ['time yesterday'] })).toThrow(CheckpointError);
    expect(() =>
      openCheckpoint(signed, [parseVerifierKey(generateNoteKeys('fairdraw.example/ledger').verifierKey)]),
    ).toThrow(NoteError);
  });

  it('rejects malformed checkpoint text', () => {
    const root = leafHash(Buffer.from('r')).toString('base64');
    const bad = [
      `origin\n5\n${root}`,
      `origin\n5\n`,
      `\n5\n${root}\n`,
      `origin\n05\n${root}\n`,
      `origin\n-5\n${root}\n`,
      `origin\n0x5\n${root}\n`,
      `origin\n9007199254740992\n${root}\n`,
      `origin\n5\n${root.slice(0, -1)}\n`,
      `origin\n5\n${Buffer.alloc(31).toString('base64')}\n`,
      `origin\n5\n${root}\n\n`,
      `origin\n5\n${root}\next\n\nmore\n`,
    ];
    for (const text of bad) expect(() => parseCheckpoint(text)).toThrow(CheckpointError);
    expect(parseCheckpoint(`any origin at all\n0\n${root}\nopaque ext\n`).extensions).toEqual(['opaque ext']);
  });

  it('refuses to format what it could not parse back', () => {
    const rootHash = leafHash(Buffer.from('r'));
    const base = { origin: 'fairdraw.example/ledger', size: 5, rootHash, extensions: [] as string[] };
    expect(() => formatCheckpoint({ ...base, origin: '' })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ ...base, origin: 'two\nlines' })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ ...base, size: -1 })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ ...base, rootHash: rootHash.subarray(1) })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ ...base, extensions: [''] })).toThrow(CheckpointError);
    expect(() => formatCheckpoint({ ...base, extensions: ['a\nb'] })).toThrow(CheckpointError);
    expect(() => timeExtension('2026-11-23')).toThrow(CheckpointError);
  });
});
