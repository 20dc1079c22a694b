import { createHash } from 'node:crypto';
import { dom } from 'ion-js';
import { checkBlock } from './block-checks.js';
import { readJournalBlock } from './journal-block.js';
import {
  blockHash,
  compareQldbHashes,
  dot,
  foldProof,
  ionHash,
  merkleRoot,
  revisionHash,
} from './qldb-hash.js';
import { REAL_BLOCK_SUMMARY, REAL_REVISION, realBlockAsExported } from './testing/aws-sample-block.js';

const hashOf = (label: string) => Buffer.from(label.padEnd(32, '.').slice(0, 32));

describe('QLDB hash rules against a block hashed by real QLDB', () => {
  // The values come from a QLDB stream record that AWS published in
  // aws-samples/amazon-qldb-streams-dmv-sample-lambda-python (tests/unit/fixtures.py); see
  // testing/aws-sample-block.ts for what was taken from it and how.
  const summary = dom.load(REAL_BLOCK_SUMMARY)!;
  const entries = summary
    .get('entriesHashList')!
    .elements()
    .map((hash) => Buffer.from(hash.uInt8ArrayValue()!));

  it('revision hash = dot(ionHash(metadata), ionHash(data)) reproduces the revision hash QLDB computed', () => {
    const revision = dom.load(REAL_REVISION)!;
    const hash = revisionHash(ionHash(revision.get('metadata')!), ionHash(revision.get('data')!));
    expect(hash.toString('base64')).toBe('vJFOcsNRM14gsIBSEnwPhMVgRAWf/4EUW5gPYbtmDv0=');
    // ...and it is the block's revisions entry (one revision, so the revisions Merkle root is its hash).
    expect(entries.some((entry) => entry.equals(hash))).toBe(true);
  });

  it("the Ion hash of transactionInfo is one of the block's entriesHashList", () => {
    const hash = ionHash(summary.get('transactionInfo')!);
    expect(hash.toString('base64')).toBe('Lz3XWBwtWyBA/Lhj+UoLhbajPQ8Mk9N4j0HJlrm2OTg=');
    expect(entries.some((entry) => entry.equals(hash))).toBe(true);
  });

  it("a statement's statementDigest is the Ion hash of the statement text", () => {
    const statement = summary.get('transactionInfo', 'statements', 0)!;
    expect(ionHash(statement.get('statement')!).toString('base64')).toBe(
      Buffer.from(statement.get('statementDigest')!.uInt8ArrayValue()!).toString('base64'),
    );
  });

  it('entriesHash is the Merkle root of entriesHashList, blockHash = dot(entriesHash, previousBlockHash)', () => {
    const entriesHash = merkleRoot(entries);
    expect(entriesHash.toString('base64')).toBe('RNGQGcOKCGLCo5S+hs1eboanNrocIzRiqzzq1s99G/Q=');
    const previous = Buffer.from(summary.get('previousBlockHash')!.uInt8ArrayValue()!);
    expect(blockHash(entriesHash, previous).toString('base64')).toBe(
      'lu425dAWsmvzxuNHTbn4ID4mLo0bWKkjLP2Uel4wrPQ=',
    );
  });

  it('the whole block, rebuilt in export form, passes every check of checkBlock', () => {
    const check = checkBlock(readJournalBlock(dom.load(realBlockAsExported())!));
    expect(check.problems).toEqual([]);
    expect(check.revisions).toEqual([{ index: 0, kind: 'document', status: 'verified' }]);
  });

  it('one changed character of the document is caught', () => {
    const tampered = realBlockAsExported().replace('"Lewis"', '"Lewls"');
    const check = checkBlock(readJournalBlock(dom.load(tampered)!));
    expect(check.problems.map((p) => p.kind)).toEqual(['REVISION_HASH_MISMATCH']);
  });
});

describe('dot', () => {
  it('compares signed bytes from the last byte: 0x80 (-128) sorts before 0x7f (127)', () => {
    const a = Buffer.alloc(32, 0);
    const b = Buffer.alloc(32, 0);
    a[31] = 0x80;
    b[31] = 0x7f;
    b[0] = 0xff; // earlier bytes only matter on a tie of the later ones
    expect(compareQldbHashes(a, b)).toBeLessThan(0);
    expect(dot(a, b)).toEqual(dot(b, a));
    expect(dot(a, b).toString('hex')).toBe(
      createHash('sha256')
        .update(Buffer.concat([a, b]))
        .digest('hex'),
    );
  });

  it('returns the other operand when one is empty', () => {
    const a = hashOf('a');
    expect(dot(a, Buffer.alloc(0))).toEqual(a);
    expect(dot(Buffer.alloc(0), a)).toEqual(a);
  });

  it('refuses hashes that are not 32 bytes', () => {
    expect(() => dot(Buffer.alloc(31), hashOf('a'))).toThrow(/31 bytes/);
  });
});

describe('merkleRoot', () => {
  const [a, b, c] = ['a', 'b', 'c'].map(hashOf);

  it('pairs from the left and carries an odd last hash up unchanged', () => {
    expect(merkleRoot([])).toEqual(Buffer.alloc(0));
    expect(merkleRoot([a])).toEqual(a);
    expect(merkleRoot([a, b, c])).toEqual(dot(dot(a, b), c));
  });
});

describe('foldProof', () => {
  it('combines the leaf with each proof hash in order', () => {
    const [leaf, p1, p2] = ['leaf', 'p1', 'p2'].map(hashOf);
    expect(foldProof(leaf, [p1, p2])).toEqual(dot(dot(leaf, p1), p2));
    expect(foldProof(leaf, [])).toEqual(leaf);
  });
});
