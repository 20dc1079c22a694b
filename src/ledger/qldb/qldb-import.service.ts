import { sql } from 'kysely';
import { type DatabaseService, sqlState, type Tx } from '../../database/database.service.js';
import type { JsonObject } from '../core/json-value.js';
import type { LedgerDraft, LedgerService, QueuedEntry } from '../ledger.service.js';
import type { QldbDigestInput } from './digest.js';
import type { QldbExportSource } from './export-layout.js';
import {
  type ExportBlockInfo,
  type ImportPlan,
  linkJson,
  planImport,
  type PriorImport,
} from './import-plan.js';
import {
  addressJson,
  blockDrafts,
  DEFAULT_MAX_ENTRY_BYTES,
  QLDB_EXPORT_VERIFIED,
  qldbSubject,
} from './journal-payloads.js';
import './qldb-import.tables.js';
import { type QldbExportReport, verifyQldbExport } from './verify-export.js';

/** One importer at a time, across replicas ("FDQI"). */
const IMPORT_LOCK = 0x46445149;
/** Drafts per LedgerService.append call. */
const APPEND_CHUNK = 500;

export interface QldbImportOptions {
  /** The ledger's name when the export has no started manifest (or to assert it). */
  ledgerName?: string;
  digest?: QldbDigestInput;
  /** Largest payload of one journal entry (default 256 KiB); bigger blocks are split by revision. */
  maxEntryBytes?: number;
}

export type QldbImportStatus =
  /** Verified and journaled. */
  | 'IMPORTED'
  /** Verified; every block is already in the journal from an earlier import. Nothing journaled. */
  | 'ALREADY_IMPORTED'
  /** Verification failed. Nothing journaled. */
  | 'REJECTED'
  /** Verified, but it contradicts an earlier import of the same ledger. Nothing journaled. */
  | 'CONFLICT';

export interface QldbImportResult {
  status: QldbImportStatus;
  message: string;
  report: QldbExportReport;
  importId?: number;
  imported?: { firstSequenceNo: number; lastSequenceNo: number; blockCount: number; revisionCount: number };
  /** Where the import sits in Fairdraw's journal. */
  journal?: { verifiedSeq: number; firstSeq: number; lastSeq: number; entryCount: number };
}

class ImportAborted extends Error {}

/**
 * Verifies a QLDB journal export and journals its history (QLDB_EXPORT_VERIFIED, then one
 * QLDB_BLOCK_IMPORTED per block, split into QLDB_REVISION_IMPORTED entries when a block is large) in
 * one transaction: the whole import is in the journal, or none of it. A plain class: the CLI and tests
 * construct it with the LedgerService and DatabaseService of a Nest context.
 */
export class QldbImportService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly database: DatabaseService,
  ) {}

  async import(source: QldbExportSource, options: QldbImportOptions = {}): Promise<QldbImportResult> {
    const maxEntryBytes = options.maxEntryBytes ?? DEFAULT_MAX_ENTRY_BYTES;
    const blocks: ExportBlockInfo[] = [];
    const report = await verifyQldbExport(source, {
      ledgerName: options.ledgerName,
      digest: options.digest,
      onBlock: ({ block }) => {
        blocks.push({
          sequenceNo: block.address.sequenceNo,
          blockHash: block.blockHash,
          previousBlockHash: block.previousBlockHash,
          revisionCount: block.revisions.length,
        });
      },
    });
    if (!report.ok) {
      const first = report.problems[0];
      return {
        status: 'REJECTED',
        report,
        message: `the export does not verify: ${first?.message ?? 'problems found'}`,
      };
    }
    if (!report.ledgerName) {
      return {
        status: 'REJECTED',
        report,
        message: 'the export has no started manifest naming its ledger; give the ledger name',
      };
    }
    if (report.strands.length !== 1) {
      return {
        status: 'REJECTED',
        report,
        message: `the export holds ${report.strands.length} strands; QLDB journals have one`,
      };
    }
    const ledgerName = report.ledgerName;
    const strand = report.strands[0];

    let outcome: {
      plan: ImportPlan;
      importId?: number;
      queued: QueuedEntry[];
      duplicateOf?: { id: number; ledger_name: string };
    };
    try {
      outcome = await this.database.transaction(async (trx) => {
        await sql`select pg_advisory_xact_lock(${IMPORT_LOCK})`.execute(trx);
        const plan = planImport(blocks, await this.priorImports(trx, ledgerName, strand.strandId));
        if (plan.kind !== 'import') return { plan, queued: [] };

        const last = blocks.find((block) => block.sequenceNo === plan.to)!;
        const first = blocks.find((block) => block.sequenceNo === plan.from)!;
        const same = await trx
          .selectFrom('qldb_import')
          .select(['id', 'ledger_name'])
          .where('final_block_hash', '=', last.blockHash)
          .executeTakeFirst();
        if (same) {
          // Block hashes commit to the whole history before them: this is history already journaled.
          return { plan, queued: [], duplicateOf: same };
        }
        const row = await trx
          .insertInto('qldb_import')
          .values({
            ledger_name: ledgerName,
            strand_id: strand.strandId,
            first_seq: plan.from,
            last_seq: plan.to,
            first_previous_block_hash: first.previousBlockHash.length > 0 ? first.previousBlockHash : null,
            final_block_hash: last.blockHash,
            block_count: plan.blockCount,
            revision_count: plan.revisionCount,
            export_id: report.exportId,
            files_sha256: report.filesSha256,
          })
          .returning('id')
          .executeTakeFirstOrThrow();

        const queued = await this.ledger.append(trx, {
          type: QLDB_EXPORT_VERIFIED,
          subject: qldbSubject(ledgerName),
          payload: verifiedPayload(report, plan, row.id, first, last),
        });
        queued.push(
          ...(await this.journalBlocks(trx, source, options, ledgerName, plan, report, maxEntryBytes)),
        );
        return { plan, importId: row.id, queued };
      });
    } catch (error) {
      if (error instanceof ImportAborted) return { status: 'REJECTED', report, message: error.message };
      if (sqlState(error) === '23505') {
        return {
          status: 'ALREADY_IMPORTED',
          report,
          message: 'another import of this export committed first',
        };
      }
      throw error;
    }

    const { plan, duplicateOf } = outcome;
    if (duplicateOf) {
      return {
        status: 'ALREADY_IMPORTED',
        report,
        message: `block ${strand.strandId}/${plan.kind === 'import' ? plan.to : '?'} was journaled by import #${duplicateOf.id} (ledger ${duplicateOf.ledger_name})`,
      };
    }
    if (plan.kind === 'conflict') return { status: 'CONFLICT', report, message: plan.message };
    if (plan.kind === 'nothing-new') {
      return {
        status: 'ALREADY_IMPORTED',
        report,
        message: `every block of this export is already journaled (imports ${plan.links.map((link) => `#${link.importId}`).join(', ') || 'before'})`,
      };
    }
    const integrated = await this.ledger.integrated(
      outcome.queued,
      Math.max(30_000, outcome.queued.length * 20),
    );
    const seqs = integrated.map((entry) => entry.seq);
    return {
      status: 'IMPORTED',
      report,
      importId: outcome.importId,
      message: `journaled ${plan.blockCount} blocks of ledger ${ledgerName} (${strand.strandId}/${plan.from} to ${plan.to})`,
      imported: {
        firstSequenceNo: plan.from,
        lastSequenceNo: plan.to,
        blockCount: plan.blockCount,
        revisionCount: plan.revisionCount,
      },
      journal: {
        verifiedSeq: seqs[0],
        firstSeq: Math.min(...seqs),
        lastSeq: Math.max(...seqs),
        entryCount: seqs.length,
      },
    };
  }

  private async priorImports(trx: Tx, ledgerName: string, strandId: string): Promise<PriorImport[]> {
    const rows = await trx
      .selectFrom('qldb_import')
      .select(['id', 'first_seq', 'last_seq', 'first_previous_block_hash', 'final_block_hash'])
      .where('ledger_name', '=', ledgerName)
      .where('strand_id', '=', strandId)
      .orderBy('first_seq')
      .execute();
    return rows.map((row) => ({
      id: row.id,
      firstSeq: row.first_seq,
      lastSeq: row.last_seq,
      firstPreviousBlockHash: row.first_previous_block_hash,
      finalBlockHash: row.final_block_hash,
    }));
  }

  /**
   * Reads and verifies the export a second time, journaling the planned blocks as they pass. The
   * files must be the very bytes verified before (same SHA-256 list), or the transaction rolls back.
   */
  private async journalBlocks(
    trx: Tx,
    source: QldbExportSource,
    options: QldbImportOptions,
    ledgerName: string,
    plan: Extract<ImportPlan, { kind: 'import' }>,
    first: QldbExportReport,
    maxEntryBytes: number,
  ): Promise<QueuedEntry[]> {
    const queued: QueuedEntry[] = [];
    let pending: LedgerDraft[] = [];
    const flush = async () => {
      if (pending.length === 0) return;
      queued.push(...(await this.ledger.append(trx, ...pending)));
      pending = [];
    };
    const again = await verifyQldbExport(source, {
      ledgerName: options.ledgerName,
      digest: options.digest,
      onBlock: async ({ block, check }) => {
        const seq = block.address.sequenceNo;
        if (seq < plan.from || seq > plan.to) return;
        pending.push(...blockDrafts(ledgerName, block, check, maxEntryBytes));
        if (pending.length >= APPEND_CHUNK) await flush();
      },
    });
    await flush();
    if (!again.ok || again.filesSha256 !== first.filesSha256) {
      throw new ImportAborted('the export changed while it was being imported; nothing was journaled');
    }
    return queued;
  }
}

function verifiedPayload(
  report: QldbExportReport,
  plan: Extract<ImportPlan, { kind: 'import' }>,
  importId: number,
  first: ExportBlockInfo,
  last: ExportBlockInfo,
): JsonObject {
  const strand = report.strands[0];
  const address = (sequenceNo: number) => addressJson({ strandId: strand.strandId, sequenceNo });
  return {
    importId,
    ledgerName: report.ledgerName,
    exportId: report.exportId,
    strandId: strand.strandId,
    export: {
      firstBlock: addressJson(strand.firstBlock),
      lastBlock: addressJson(strand.lastBlock),
      blockCount: strand.blockCount,
      revisionCount: strand.revisionCount,
      firstPreviousBlockHash: strand.firstPreviousBlockHash,
      finalBlockHash: strand.finalBlockHash,
      outputFormat: report.outputFormat,
      inclusiveStartTime: report.inclusiveStartTime,
      exclusiveEndTime: report.exclusiveEndTime,
      revisionHashes: { ...report.revisionHashes },
    },
    imported: {
      firstBlock: address(plan.from),
      lastBlock: address(plan.to),
      blockCount: plan.blockCount,
      revisionCount: plan.revisionCount,
      firstPreviousBlockHash:
        first.previousBlockHash.length > 0 ? first.previousBlockHash.toString('base64') : null,
      finalBlockHash: last.blockHash.toString('base64'),
    },
    links: plan.links.map(linkJson),
    digest: report.digest ? (JSON.parse(JSON.stringify(report.digest)) as JsonObject) : null,
    files: report.files.map((file) => ({ ...file })),
    filesSha256: report.filesSha256,
    warnings: [...report.warnings],
    rules: 'docs/qldb-migration.md',
  };
}
