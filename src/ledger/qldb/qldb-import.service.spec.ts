import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment } from '../../config/environment.js';
import { type JournalEntry, readJournalEntry } from '../core/entry.js';
import { verifyJournal } from '../core/verify-journal.js';
import { parseQldbDigest } from './digest.js';
import { QLDB_BLOCK_IMPORTED, QLDB_EXPORT_VERIFIED, QLDB_REVISION_IMPORTED } from './journal-payloads.js';
import { openQldbImportContext, type QldbImportContext } from './qldb-import.context.js';
import {
  rewriteObject,
  type SyntheticExportOptions,
  writeSyntheticExport,
} from './testing/synthetic-export.js';
import { verifyImportedQldbHistory } from './verify-imported.js';

// Runs on a real embedded PostgreSQL (PGlite) with the service's migrations and ledger module.
let context: QldbImportContext;
let dataDir: string;
const dirs: string[] = [];

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'qldb-import-db-'));
  context = await openQldbImportContext(
    loadEnvironment({
      DATA_DIR: dataDir,
      LOG_LEVEL: 'silent',
      NODE_ENV: 'test',
      ANCHOR_INTERVAL_SECONDS: '0',
    }),
  );
});

afterAll(async () => {
  await context?.close();
  rmSync(dataDir, { recursive: true, force: true });
  dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true }));
});

function exportOf(options: Omit<SyntheticExportOptions, 'dir'>) {
  const dir = mkdtempSync(join(tmpdir(), 'qldb-import-src-'));
  dirs.push(dir);
  return writeSyntheticExport({ dir, ...options });
}

async function journal(): Promise<JournalEntry[]> {
  const entries: JournalEntry[] = [];
  for await (const line of context.ledger.exportLines(0))
    entries.push(readJournalEntry(JSON.parse(line)).entry);
  return entries;
}

async function journalLines(): Promise<string[]> {
  const lines: string[] = [];
  for await (const line of context.ledger.exportLines(0)) lines.push(line.replace(/\n$/, ''));
  return lines;
}

describe('QldbImportService', () => {
  const ledgerName = 'fairdraw-legacy';

  it('journals a verified export: one QLDB_EXPORT_VERIFIED, then one QLDB_BLOCK_IMPORTED per block', async () => {
    const exp = exportOf({ format: 'text', ledgerName });
    const before = await context.ledger.treeSize();
    const { getDigest, getBlock } = exp.digest(3);
    const result = await context.importer.import(
      { kind: 'directory', path: exp.exportDir },
      { digest: parseQldbDigest(getDigest, getBlock) },
    );
    expect(result).toMatchObject({
      status: 'IMPORTED',
      imported: { firstSequenceNo: 7, lastSequenceNo: 12, blockCount: 6, revisionCount: 14 },
      journal: { verifiedSeq: before, firstSeq: before, lastSeq: before + 6, entryCount: 7 },
    });

    const entries = (await journal()).slice(before);
    expect(entries.map((entry) => entry.type)).toEqual([
      QLDB_EXPORT_VERIFIED,
      ...Array(6).fill(QLDB_BLOCK_IMPORTED),
    ]);
    expect(entries.every((entry) => entry.subject === `qldb:${ledgerName}`)).toBe(true);
    const verified = entries[0].payload;
    expect(verified).toMatchObject({
      ledgerName,
      exportId: exp.exportId,
      strandId: exp.strandId,
      imported: {
        firstBlock: { strandId: exp.strandId, sequenceNo: 7 },
        lastBlock: { strandId: exp.strandId, sequenceNo: 12 },
        blockCount: 6,
        revisionCount: 14,
        finalBlockHash: exp.blocks[5].blockHash,
      },
      digest: { status: 'VERIFIED', proofLength: 3 },
      filesSha256: result.report.filesSha256,
      links: [],
    });
    expect((verified.files as unknown[]).length).toBe(5);

    // A block entry: its hashes, and its revision's data converted without loss.
    const block = entries[1].payload;
    expect(block).toMatchObject({
      blockAddress: { strandId: exp.strandId, sequenceNo: 7 },
      blockHash: exp.blocks[0].blockHash,
      blockTimestamp: '2019-12-11T07:20:17.261Z',
      revisionsSeparate: false,
    });
    const revision = (block.revisions as Record<string, unknown>[])[0];
    expect(revision).toMatchObject({
      kind: 'document',
      hashStatus: 'verified',
      data: {
        ticket: {
          serial: '12345678901234567890130',
          priceCad: '10.50',
          taxRate: '0.130',
          soldAt: '2019-12-11T07:20:51.123456789Z',
          holder: { name: 'Zoë Ĳssel', tags: ['vip', 'early-bird'], ageVerified: true },
          odds: 1.5e-7,
          note: null,
        },
        photo: 'aGVsbG8sIFFMREI=',
        history: [1, '2.5', '-3E+2', '2007-02'],
      },
    });
  });

  it('leaves a journal that verifies, from which an auditor recomputes the QLDB chain', async () => {
    const lines = await journalLines();
    const result = await verifyJournal(lines);
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    const history = verifyImportedQldbHistory(await journal());
    expect(history.problems).toEqual([]);
    expect(history).toMatchObject({ ok: true, blockCount: 6, revisionCount: 14 });
  });

  it('importing the same export again journals nothing, in either Ion encoding', async () => {
    const before = await context.ledger.treeSize();
    for (const format of ['text', 'binary'] as const) {
      const result = await context.importer.import({
        kind: 'directory',
        path: exportOf({ format, ledgerName }).exportDir,
      });
      expect(result.status).toBe('ALREADY_IMPORTED');
    }
    expect(await context.ledger.treeSize()).toBe(before);
  });

  it('a later export of the same ledger journals only its new blocks, linked to the earlier import', async () => {
    const exp = exportOf({
      format: 'binary',
      ledgerName,
      blockCount: 10,
      exportId: 'ExpLaterAbCdEfGhIjKlMn',
    });
    const result = await context.importer.import({ kind: 'directory', path: exp.exportDir });
    expect(result).toMatchObject({
      status: 'IMPORTED',
      imported: { firstSequenceNo: 13, lastSequenceNo: 16, blockCount: 4 },
      journal: { entryCount: 5 },
    });
    const entries = await journal();
    const verified = entries[result.journal!.verifiedSeq].payload;
    expect(verified.links).toEqual([
      { importId: 1, relation: 'continues', sequenceNo: 12, blockHash: exp.blocks[5].blockHash },
    ]);
    const history = verifyImportedQldbHistory(entries);
    expect(history.problems).toEqual([]);
    expect(history.imports.map((i) => [i.firstSequenceNo, i.lastSequenceNo])).toEqual([
      [7, 12],
      [13, 16],
    ]);
  });

  it('an export that contradicts an earlier import of the ledger is refused (a fork)', async () => {
    const before = await context.ledger.treeSize();
    const fork = exportOf({ format: 'text', ledgerName, blockCount: 12, variant: '-fork' });
    const result = await context.importer.import({ kind: 'directory', path: fork.exportDir });
    expect(result.status).toBe('CONFLICT');
    expect(result.message).toMatch(/disagrees with import #1 .*block 12 has hash/);
    expect(await context.ledger.treeSize()).toBe(before);
  });

  it('a tampered export is rejected and nothing is journaled', async () => {
    const before = await context.ledger.treeSize();
    const exp = exportOf({ format: 'text', ledgerName: 'fairdraw-other', variant: '-other' });
    rewriteObject(exp.objects[1], 'text', (text) => text.replace('priceCad:10.50', 'priceCad:10.05'));
    const result = await context.importer.import({ kind: 'directory', path: exp.exportDir });
    expect(result.status).toBe('REJECTED');
    expect(result.message).toMatch(/block StrAbCdEfGhIjKlMnOpQrS\/9 revision 0: hash/);
    expect(await context.ledger.treeSize()).toBe(before);
  });

  it('splits a block that exceeds the entry size limit into one entry per revision', async () => {
    const exp = exportOf({ format: 'text', ledgerName: 'fairdraw-split', blockCount: 4, variant: '-split' });
    // Whole blocks need 2.0 to 3.4 kB here; a block's summary and each revision fit in 1.7 kB.
    const result = await context.importer.import(
      { kind: 'directory', path: exp.exportDir },
      { maxEntryBytes: 1_700 },
    );
    expect(result.status).toBe('IMPORTED');
    const entries = (await journal()).slice(result.journal!.firstSeq);
    // Each block: the block with revision summaries, then its document, redacted and deleted revisions.
    expect(entries.map((entry) => entry.type)).toEqual([
      QLDB_EXPORT_VERIFIED,
      QLDB_BLOCK_IMPORTED,
      QLDB_REVISION_IMPORTED,
      QLDB_BLOCK_IMPORTED,
      QLDB_REVISION_IMPORTED,
      QLDB_BLOCK_IMPORTED,
      QLDB_REVISION_IMPORTED,
      QLDB_REVISION_IMPORTED,
      QLDB_BLOCK_IMPORTED,
      QLDB_REVISION_IMPORTED,
      QLDB_REVISION_IMPORTED,
    ]);
    expect(entries[1].payload.revisionsSeparate).toBe(true);
    expect(verifyImportedQldbHistory(await journal()).problems).toEqual([]);
  });

  it('refuses, journaling nothing, when one revision alone exceeds the limit', async () => {
    const before = await context.ledger.treeSize();
    // A 3 kB note makes each document revision too big for 2 kB, while block summaries still fit.
    const exp = exportOf({ format: 'text', ledgerName: 'fairdraw-tiny', variant: '-'.repeat(3_000) });
    await expect(
      context.importer.import({ kind: 'directory', path: exp.exportDir }, { maxEntryBytes: 2_000 }),
    ).rejects.toThrow(
      /^block StrAbCdEfGhIjKlMnOpQrS\/7 revision 0 needs a \d+-byte journal entry, over the 2000-byte limit/,
    );
    expect(await context.ledger.treeSize()).toBe(before);
    const retry = await context.importer.import({ kind: 'directory', path: exp.exportDir });
    expect(retry.status).toBe('IMPORTED');
  });

  it('an auditor notices a journaled block whose QLDB hashes do not hold', () => {
    // Fairdraw's own chain makes such an entry impossible to slip in unnoticed; this shows that the
    // QLDB-level check stands on its own too.
    const entries = [
      {
        seq: 0,
        type: QLDB_EXPORT_VERIFIED,
        payload: { ledgerName, strandId: 'S', imported: { blockCount: 1 } },
      },
      {
        seq: 1,
        type: QLDB_BLOCK_IMPORTED,
        payload: {
          ledgerName,
          blockAddress: { strandId: 'S', sequenceNo: 1 },
          blockHash: Buffer.alloc(32, 1).toString('base64'),
          entriesHash: Buffer.alloc(32, 2).toString('base64'),
          previousBlockHash: null,
          entriesHashList: [Buffer.alloc(32, 2).toString('base64')],
          transactionInfo: null,
          transactionInfoIon: null,
          revisions: [],
          revisionsSeparate: false,
        },
      },
    ] as unknown as JournalEntry[];
    const report = verifyImportedQldbHistory(entries);
    expect(report.ok).toBe(false);
    expect(report.problems.map((p) => [p.seq, p.message])).toEqual([
      [1, expect.stringMatching(/^block S\/1: blockHash .* is not dot\(entriesHash, previousBlockHash\)/)],
      [0, expect.stringMatching(/announces final block hash undefined/)],
    ]);
  });
});
