import { mkdtempSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dom } from 'ion-js';
import { parseQldbDigest } from './digest.js';
import {
  blocksOfObject,
  type IonFormat,
  rewriteObject,
  type SyntheticExport,
  writeObject,
  writeSyntheticExport,
} from './testing/synthetic-export.js';
import { type QldbExportReport, verifyQldbExport } from './verify-export.js';

const dirs: string[] = [];
function freshExport(
  format: IonFormat,
  options: Partial<Parameters<typeof writeSyntheticExport>[0]> = {},
): SyntheticExport {
  const dir = mkdtempSync(join(tmpdir(), 'qldb-export-'));
  dirs.push(dir);
  return writeSyntheticExport({ dir, format, ...options });
}
afterAll(() => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const verifyDir = (exp: SyntheticExport, options = {}) =>
  verifyQldbExport({ kind: 'directory', path: exp.exportDir }, options);

function firstProblem(report: QldbExportReport) {
  expect(report.ok).toBe(false);
  return report.problems[0];
}

describe.each<IonFormat>(['text', 'binary'])('a synthetic QLDB export in Ion %s', (format) => {
  it('verifies: every revision, entries hash, block hash, the chain and the manifest', async () => {
    const exp = freshExport(format);
    const report = await verifyDir(exp);
    expect(report.problems).toEqual([]);
    expect(report.ok).toBe(true);
    expect(report).toMatchObject({
      ledgerName: 'fairdraw-legacy',
      exportId: exp.exportId,
      outputFormat: format === 'binary' ? 'ION_BINARY' : 'ION_TEXT',
      blockCount: 6,
      // 6 documents + 6 system revisions + 1 redacted + 1 deleted
      revisionCount: 14,
      revisionHashes: { verified: 8, 'hash-only': 6, unconfirmed: 0, mismatch: 0 },
      strands: [
        {
          strandId: exp.strandId,
          firstBlock: { strandId: exp.strandId, sequenceNo: 7 },
          lastBlock: { strandId: exp.strandId, sequenceNo: 12 },
          blockCount: 6,
          revisionCount: 14,
          finalBlockHash: exp.blocks[5].blockHash,
        },
      ],
    });
    // The files read, in order, each with its SHA-256: started manifest, completed manifest, 3 objects.
    expect(report.files.map((file) => file.role)).toEqual([
      'started-manifest',
      'completed-manifest',
      'data',
      'data',
      'data',
    ]);
    expect(report.files[2].key).toBe(`journalExport/2019/12/11/07/${exp.strandId}.7-8.ion`);
    expect(report.filesSha256).toMatch(/^[0-9a-f]{64}$/);
  });

  it('names the revision whose data was altered', async () => {
    const exp = freshExport(format);
    rewriteObject(exp.objects[1], format, (text) =>
      text.replace('drawNote:"block-9"', 'drawNote:"block-9!"'),
    );
    const problem = firstProblem(await verifyDir(exp));
    expect(problem).toMatchObject({
      kind: 'REVISION_HASH_MISMATCH',
      address: { strandId: exp.strandId, sequenceNo: 9 },
      position: 2,
      revisionIndex: 0,
      object: `journalExport/2019/12/11/07/${exp.strandId}.9-10.ion`,
    });
    expect(problem.message).toMatch(
      /block StrAbCdEfGhIjKlMnOpQrS\/9 revision 0: hash .* does not match its metadata and data/,
    );
  });

  it('catches a decimal altered in its last digit, which JSON would not even represent', async () => {
    const exp = freshExport(format);
    rewriteObject(exp.objects[0], format, (text) => text.replace('taxRate:0.130', 'taxRate:0.13'));
    expect(firstProblem(await verifyDir(exp))).toMatchObject({
      kind: 'REVISION_HASH_MISMATCH',
      address: { sequenceNo: 7 },
    });
  });

  it('catches metadata of a redacted revision altered', async () => {
    const exp = freshExport(format);
    // Block 9 (index 2) holds the redacted revision, Doc9x1..., at revision index 2.
    rewriteObject(exp.objects[1], format, (text) => text.replace('id:"Doc9x1', 'id:"Doc9x9'));
    expect(firstProblem(await verifyDir(exp))).toMatchObject({
      kind: 'REVISION_HASH_MISMATCH',
      address: { sequenceNo: 9 },
      revisionIndex: 2,
    });
  });

  it('names the block whose hash was replaced, and the next block whose link no longer holds', async () => {
    const exp = freshExport(format);
    const victim = exp.blocks[3]; // sequenceNo 10
    const forged = exp.blocks[0].blockHash;
    rewriteObject(exp.objects[1], format, (text) =>
      text.replace(`blockHash:{{${victim.blockHash}}}`, `blockHash:{{${forged}}}`),
    );
    const report = await verifyDir(exp);
    expect(report.problems.map((p) => [p.kind, p.address?.sequenceNo])).toEqual([
      ['BLOCK_HASH_MISMATCH', 10],
      ['CHAIN_BROKEN', 11],
    ]);
  });

  it('catches transactionInfo altered', async () => {
    const exp = freshExport(format);
    rewriteObject(exp.objects[0], format, (text) =>
      text.replace('tableName:"Ticket"', 'tableName:"Tickets"'),
    );
    expect(firstProblem(await verifyDir(exp))).toMatchObject({
      kind: 'TRANSACTION_INFO_NOT_IN_ENTRIES',
      address: { sequenceNo: 7 },
    });
  });

  it('catches a system revision hash replaced (the revisions Merkle root no longer matches)', async () => {
    const exp = freshExport(format);
    const block = dom.load(exp.blocks[4].ion)!;
    const systemHash = Buffer.from(block.get('revisions', 1, 'hash')!.uInt8ArrayValue()!).toString('base64');
    rewriteObject(exp.objects[2], format, (text) =>
      text.replace(`{hash:{{${systemHash}}}}`, `{hash:{{${exp.blocks[0].blockHash}}}}`),
    );
    expect(firstProblem(await verifyDir(exp))).toMatchObject({
      kind: 'REVISIONS_NOT_IN_ENTRIES',
      address: { sequenceNo: 11 },
    });
  });

  it('detects blocks out of order inside a data object', async () => {
    const exp = freshExport(format);
    const [nine, ten] = blocksOfObject(exp.objects[1]);
    writeObject(exp.objects[1], format, [ten, nine]);
    const report = await verifyDir(exp);
    expect(report.problems.map((p) => [p.kind, p.address?.sequenceNo])).toEqual([
      ['SEQUENCE_GAP', 10],
      ['SEQUENCE_NOT_INCREASING', 9],
      ['OBJECT_RANGE_MISMATCH', 9],
    ]);
    expect(report.problems[0].message).toBe(
      `block ${exp.strandId}/9 is missing (found ${exp.strandId}/10 after ${exp.strandId}/8)`,
    );
  });

  it('detects a block removed from the middle', async () => {
    const exp = freshExport(format);
    const [nine] = blocksOfObject(exp.objects[1]);
    writeObject(exp.objects[1], format, [nine]);
    const report = await verifyDir(exp);
    expect(report.problems.map((p) => [p.kind, p.address?.sequenceNo])).toEqual([
      ['OBJECT_RANGE_MISMATCH', 9],
      ['SEQUENCE_GAP', 11],
    ]);
    expect(report.problems[1].message).toMatch(/block StrAbCdEfGhIjKlMnOpQrS\/10 is missing/);
  });

  it('detects the last block removed (the object name declares it)', async () => {
    const exp = freshExport(format);
    const [eleven] = blocksOfObject(exp.objects[2]);
    writeObject(exp.objects[2], format, [eleven]);
    expect(firstProblem(await verifyDir(exp))).toMatchObject({
      kind: 'OBJECT_RANGE_MISMATCH',
      object: `journalExport/2019/12/11/07/${exp.strandId}.11-12.ion`,
    });
  });

  it('detects a data object deleted from the folder', async () => {
    const exp = freshExport(format);
    unlinkSync(exp.objects[1]);
    const report = await verifyDir(exp);
    expect(report.problems.map((p) => p.kind)).toEqual(['FILE_MISSING', 'SEQUENCE_GAP']);
    expect(report.problems[1].message).toMatch(
      /blocks StrAbCdEfGhIjKlMnOpQrS\/9 to StrAbCdEfGhIjKlMnOpQrS\/10 are missing/,
    );
  });

  it('a truncated export whose manifest was rewritten to match passes the chain, and a digest catches it', async () => {
    const exp = freshExport(format);
    const { getDigest, getBlock } = exp.digest();
    unlinkSync(exp.objects[2]);
    const manifest = dom.load(new Uint8Array(readFileSync(exp.completedManifest)))!;
    const keys = manifest
      .get('keys')!
      .elements()
      .map((key) => key.stringValue()!)
      .slice(0, 2);
    writeFileSync(exp.completedManifest, `{keys:${JSON.stringify(keys)}}`);
    expect((await verifyDir(exp)).ok).toBe(true);
    const withDigest = await verifyDir(exp, { digest: parseQldbDigest(getDigest, getBlock) });
    expect(withDigest.problems.map((p) => p.kind)).toEqual(['DIGEST_NOT_COVERED']);
  });
});

describe('digests', () => {
  it('a GetDigest output with the GetBlock proof of the tip verifies', async () => {
    const exp = freshExport('text');
    const { getDigest, getBlock, digest } = exp.digest(4);
    const report = await verifyDir(exp, { digest: parseQldbDigest(getDigest, getBlock) });
    expect(report.ok).toBe(true);
    expect(report.digest).toMatchObject({
      status: 'VERIFIED',
      digest,
      proofLength: 4,
      tipAddress: { strandId: exp.strandId, sequenceNo: 12 },
    });
  });

  it('a digest whose proof leads elsewhere is a mismatch', async () => {
    const exp = freshExport('text');
    const { getBlock } = exp.digest(2);
    const other = JSON.stringify({
      Digest: exp.blocks[0].blockHash,
      DigestTipAddress: { IonText: `{strandId:"${exp.strandId}",sequenceNo:12}` },
    });
    const report = await verifyDir(exp, { digest: parseQldbDigest(other, getBlock) });
    expect(report.digest?.status).toBe('MISMATCH');
    expect(report.problems.map((p) => p.kind)).toEqual(['DIGEST_MISMATCH']);
  });

  it('without a proof a digest is unproven (a warning), unless it is the tip block hash itself', async () => {
    const exp = freshExport('text');
    const { getDigest } = exp.digest(2);
    const unproven = await verifyDir(exp, { digest: parseQldbDigest(getDigest) });
    expect(unproven.ok).toBe(true);
    expect(unproven.digest?.status).toBe('UNPROVEN');
    expect(unproven.warnings.join('\n')).toMatch(/GetBlock proof/);

    const tipHash = JSON.stringify({
      Digest: exp.blocks[5].blockHash,
      DigestTipAddress: { IonText: `{strandId:"${exp.strandId}",sequenceNo:12}` },
    });
    expect((await verifyDir(exp, { digest: parseQldbDigest(tipHash) })).digest?.status).toBe('VERIFIED');
  });

  it('GetBlock returning another hash for the block than the export holds is a mismatch', async () => {
    const exp = freshExport('binary');
    const { getDigest, getBlock } = exp.digest(2);
    const altered = getBlock.replace(exp.blocks[5].blockHash, exp.blocks[4].blockHash);
    const report = await verifyDir(exp, { digest: parseQldbDigest(getDigest, altered) });
    expect(report.digest?.status).toBe('MISMATCH');
    expect(report.digest?.message).toMatch(/GetBlock returned hash/);
  });
});

describe('layouts', () => {
  it('resolves manifest keys written relative to the prefix too', async () => {
    const exp = freshExport('binary', { keysWithPrefix: false });
    expect((await verifyDir(exp)).ok).toBe(true);
  });

  it('verifies a list of block files given one by one, warning that completeness is not attested', async () => {
    const exp = freshExport('text');
    const report = await verifyQldbExport(
      { kind: 'files', paths: exp.objects },
      { ledgerName: 'fairdraw-legacy' },
    );
    expect(report.ok).toBe(true);
    expect(report.ledgerName).toBe('fairdraw-legacy');
    expect(report.warnings.join('\n')).toMatch(/no completed manifest/);
  });

  it('an export from the first block of a journal (no previousBlockHash) verifies', async () => {
    const exp = freshExport('text', { firstSequenceNo: 0, blockCount: 3, blocksPerObject: 3 });
    const report = await verifyDir(exp);
    expect(report.ok).toBe(true);
    expect(report.strands[0].firstPreviousBlockHash).toBeNull();
  });

  it('an export whose started manifest has no completed manifest is incomplete', async () => {
    const exp = freshExport('text');
    unlinkSync(exp.completedManifest);
    expect(firstProblem(await verifyDir(exp)).kind).toBe('EXPORT_INCOMPLETE');
  });

  it('a JSON export is refused with the reason', async () => {
    const exp = freshExport('text');
    writeFileSync(
      exp.startedManifest,
      '{"ledgerName":"fairdraw-legacy","exportId":"x","outputFormat":"JSON"}',
    );
    const problem = firstProblem(await verifyDir(exp));
    expect(problem.kind).toBe('UNSUPPORTED_FORMAT');
    expect(problem.message).toMatch(/revision hashes cannot be recomputed/);
  });

  it('a file that is not Ion is named', async () => {
    const exp = freshExport('text');
    writeFileSync(exp.objects[1], '{ this is not ion');
    const problem = firstProblem(await verifyDir(exp));
    expect(problem).toMatchObject({ kind: 'ION_PARSE_ERROR', object: expect.stringContaining('9-10.ion') });
  });

  it('a deleted revision whose hash the published rules cannot recompute is unconfirmed, not failed', async () => {
    // Block 10 holds a deleted document's revision; give it a hash no rule predicts, with the block's
    // Merkle and chain hashes built over it, so only the rule for deleted revisions is in question.
    const exp = freshExport('text', { deletedRevisionHash: Buffer.alloc(32, 7) });
    const report = await verifyDir(exp);
    expect(report.problems).toEqual([]);
    expect(report.revisionHashes.unconfirmed).toBe(1);
    expect(report.warnings.join('\n')).toMatch(/1 deleted-document revision/);
  });
});
