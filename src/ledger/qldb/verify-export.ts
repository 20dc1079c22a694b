// Offline verification of a QLDB journal export: every block's own hashes (block-checks.ts), the
// chain between blocks, gapless sequence numbers per strand, the block ranges the data objects'
// names declare, and optionally a QLDB digest. It streams the export one data object at a time and
// names the first bad block or revision. No NestJS, no database, no network.

import { relative, sep } from 'node:path';
import { dom } from 'ion-js';
import { canonicalJson } from '../core/canonical-json.js';
import { sha256Hex } from './sha256.js';
import {
  type BlockCheck,
  type BlockProblemKind,
  checkBlock,
  type RevisionHashStatus,
} from './block-checks.js';
import { checkDigest, type DigestReport, type QldbDigestInput } from './digest.js';
import {
  type DataObject,
  type ExportLayout,
  locateExport,
  type QldbExportSource,
  readWithDigest,
} from './export-layout.js';
import { type BlockAddress, formatAddress, type QldbBlock, readJournalBlock } from './journal-block.js';

export type ExportProblemKind =
  | ExportLayout['problems'][number]['kind']
  | BlockProblemKind
  | 'ION_PARSE_ERROR'
  | 'BLOCK_MALFORMED'
  | 'OBJECT_RANGE_MISMATCH'
  | 'SEQUENCE_GAP'
  | 'SEQUENCE_NOT_INCREASING'
  | 'CHAIN_BROKEN'
  | 'LEDGER_NAME_MISMATCH'
  | 'NO_BLOCKS'
  | 'DIGEST_MISMATCH'
  | 'DIGEST_NOT_COVERED';

export interface ExportProblem {
  kind: ExportProblemKind;
  message: string;
  /** The data object (its manifest key) the problem is in. */
  object?: string;
  /** 0-based position of the block in the export, in manifest order. */
  position?: number;
  address?: BlockAddress;
  revisionIndex?: number;
}

export interface ExportFile {
  key: string;
  role: 'started-manifest' | 'completed-manifest' | 'data';
  bytes: number;
  sha256: string;
}

export interface StrandSummary {
  strandId: string;
  firstBlock: BlockAddress;
  lastBlock: BlockAddress;
  blockCount: number;
  revisionCount: number;
  /** base64; null when the first block has no previous block. */
  firstPreviousBlockHash: string | null;
  /** base64 hash of the last block. */
  finalBlockHash: string;
}

export interface QldbExportReport {
  ok: boolean;
  ledgerName: string | null;
  exportId: string | null;
  outputFormat: string | null;
  inclusiveStartTime: string | null;
  exclusiveEndTime: string | null;
  /** Every file read, with its SHA-256, in reading order. */
  files: ExportFile[];
  /** SHA-256 (hex) of the RFC 8785 JSON of `files`: one value that pins the exact bytes verified. */
  filesSha256: string;
  strands: StrandSummary[];
  blockCount: number;
  revisionCount: number;
  revisionHashes: Record<RevisionHashStatus, number>;
  digest: DigestReport | null;
  problems: ExportProblem[];
  /** All problems found, including those beyond `maxProblems`. */
  problemCount: number;
  warnings: string[];
}

export interface VerifiedBlock {
  block: QldbBlock;
  check: BlockCheck;
  object: DataObject;
  position: number;
}

export interface VerifyQldbExportOptions {
  /** The ledger's name when the export has no started manifest (or to assert it). */
  ledgerName?: string;
  digest?: QldbDigestInput;
  /** Problems kept in the report (default 1000); all are counted. */
  maxProblems?: number;
  /** Called for each block, in order, after its checks (the importer journals blocks here). */
  onBlock?: (verified: VerifiedBlock) => void | Promise<void>;
}

export class QldbExportVerifier {
  private readonly report: QldbExportReport;
  private readonly maxProblems: number;
  private readonly strands = new Map<string, StrandSummary & { last: QldbBlock }>();
  private provedHash?: Buffer;
  private position = 0;

  constructor(
    private readonly layout: ExportLayout,
    private readonly options: VerifyQldbExportOptions = {},
  ) {
    this.maxProblems = options.maxProblems ?? 1000;
    const started = layout.started?.manifest;
    this.report = {
      ok: false,
      ledgerName: options.ledgerName ?? started?.ledgerName ?? null,
      exportId: started?.exportId ?? layout.completed?.exportId ?? null,
      outputFormat: started?.outputFormat ?? null,
      inclusiveStartTime: started?.inclusiveStartTime ?? null,
      exclusiveEndTime: started?.exclusiveEndTime ?? null,
      files: [],
      filesSha256: '',
      strands: [],
      blockCount: 0,
      revisionCount: 0,
      revisionHashes: { verified: 0, 'hash-only': 0, unconfirmed: 0, mismatch: 0 },
      digest: null,
      problems: [],
      problemCount: 0,
      warnings: [...layout.warnings],
    };
    for (const problem of layout.problems) this.problem(problem);
    if (options.ledgerName && started?.ledgerName && options.ledgerName !== started.ledgerName) {
      this.problem({
        kind: 'LEDGER_NAME_MISMATCH',
        message: `the started manifest names ledger ${started.ledgerName}, not ${options.ledgerName}`,
      });
    }
  }

  async run(): Promise<QldbExportReport> {
    for (const [role, path] of [
      ['started-manifest', this.layout.started?.path],
      ['completed-manifest', this.layout.completed?.path],
    ] as const) {
      if (path) {
        const { bytes, sha256 } = await readWithDigest(path);
        this.recordFile(role, relativeKey(this.layout.root, path), bytes, sha256);
      }
    }
    const formatProblem = this.report.problems.some((p) => p.kind === 'UNSUPPORTED_FORMAT');
    if (!formatProblem) for (const object of this.layout.dataObjects) await this.readObject(object);
    return this.finish();
  }

  private recordFile(role: ExportFile['role'], key: string, bytes: Buffer, sha256: string): void {
    this.report.files.push({ key, role, bytes: bytes.length, sha256 });
  }

  private async readObject(object: DataObject): Promise<void> {
    const { bytes, sha256 } = await readWithDigest(object.path);
    this.recordFile('data', object.key, bytes, sha256);
    let values: dom.Value[];
    try {
      values = dom.loadAll(new Uint8Array(bytes));
    } catch (error) {
      this.problem({
        kind: 'ION_PARSE_ERROR',
        object: object.key,
        message: `${object.key} is not valid Ion: ${(error as Error).message}`,
      });
      return;
    }
    const inObject: QldbBlock[] = [];
    for (const [i, value] of values.entries()) {
      const position = this.position++;
      let block: QldbBlock;
      try {
        block = readJournalBlock(value);
      } catch (error) {
        this.problem({
          kind: 'BLOCK_MALFORMED',
          object: object.key,
          position,
          message: `${object.key} value ${i} (export position ${position}) is not a QLDB block: ${(error as Error).message}`,
        });
        continue;
      }
      inObject.push(block);
      const check = this.checkOne(block, object, position);
      await this.options.onBlock?.({ block, check, object, position });
    }
    this.checkDeclaredRange(object, inObject);
  }

  private checkOne(block: QldbBlock, object: DataObject, position: number): BlockCheck {
    const where = { object: object.key, position, address: block.address };
    const check = checkBlock(block);
    for (const problem of check.problems) this.problem({ ...where, ...problem });
    for (const revision of check.revisions) this.report.revisionHashes[revision.status]++;
    this.report.blockCount++;
    this.report.revisionCount += block.revisions.length;
    this.link(block, where);
    const proved = this.options.digest?.provedAddress ?? this.options.digest?.tipAddress;
    if (
      proved &&
      proved.strandId === block.address.strandId &&
      proved.sequenceNo === block.address.sequenceNo
    ) {
      this.provedHash = block.blockHash;
    }
    return check;
  }

  /** Sequence numbers run without gaps per strand; each block names its predecessor's hash. */
  private link(block: QldbBlock, where: Omit<ExportProblem, 'kind' | 'message'>): void {
    const { strandId, sequenceNo } = block.address;
    const strand = this.strands.get(strandId);
    const address = formatAddress(block.address);
    if (!strand) {
      if (this.strands.size > 0)
        this.report.warnings.push(`block ${address} starts a second strand (${strandId})`);
      this.strands.set(strandId, {
        strandId,
        firstBlock: block.address,
        lastBlock: block.address,
        blockCount: 1,
        revisionCount: block.revisions.length,
        firstPreviousBlockHash:
          block.previousBlockHash.length > 0 ? block.previousBlockHash.toString('base64') : null,
        finalBlockHash: block.blockHash.toString('base64'),
        last: block,
      });
      return;
    }
    const expected = strand.lastBlock.sequenceNo + 1;
    strand.blockCount++;
    strand.revisionCount += block.revisions.length;
    if (sequenceNo < expected) {
      // Out of place: reported, and left out of the chain, which goes on from the highest block.
      this.problem({
        ...where,
        kind: 'SEQUENCE_NOT_INCREASING',
        message: `block ${address} comes after block ${formatAddress(strand.lastBlock)}: blocks are out of order or repeated`,
      });
      return;
    }
    if (sequenceNo > expected) {
      this.problem({
        ...where,
        kind: 'SEQUENCE_GAP',
        message:
          sequenceNo === expected + 1
            ? `block ${strandId}/${expected} is missing (found ${address} after ${formatAddress(strand.lastBlock)})`
            : `blocks ${strandId}/${expected} to ${strandId}/${sequenceNo - 1} are missing (found ${address} after ${formatAddress(strand.lastBlock)})`,
      });
    } else if (!block.previousBlockHash.equals(strand.last.blockHash)) {
      this.problem({
        ...where,
        kind: 'CHAIN_BROKEN',
        message:
          `block ${address}: previousBlockHash ${block.previousBlockHash.toString('base64')} is not the hash of ` +
          `block ${formatAddress(strand.lastBlock)} (${strand.last.blockHash.toString('base64')})`,
      });
    }
    strand.lastBlock = block.address;
    strand.last = block;
    strand.finalBlockHash = block.blockHash.toString('base64');
  }

  /** A data object named `<strandId>.<first>-<last>.ion` must hold exactly that range (AWS samples' compareKeyWithContentRange). */
  private checkDeclaredRange(object: DataObject, blocks: QldbBlock[]): void {
    const declared = object.declared;
    if (!declared) return;
    const first = blocks[0]?.address;
    const last = blocks[blocks.length - 1]?.address;
    const holds = first ? `${formatAddress(first)} to ${formatAddress(last!)}` : 'no blocks';
    if (
      !first ||
      first.strandId !== declared.strandId ||
      last!.strandId !== declared.strandId ||
      first.sequenceNo !== declared.first ||
      last!.sequenceNo !== declared.last
    ) {
      this.problem({
        kind: 'OBJECT_RANGE_MISMATCH',
        object: object.key,
        address: last,
        message: `${object.key} is named for blocks ${declared.strandId}/${declared.first} to ${declared.strandId}/${declared.last} but holds ${holds}`,
      });
    }
  }

  private finish(): QldbExportReport {
    const report = this.report;
    report.strands = [...this.strands.values()].map(({ last: _last, ...summary }) => summary);
    if (report.blockCount === 0 && report.problemCount === 0) {
      this.problem({ kind: 'NO_BLOCKS', message: 'the export holds no blocks' });
    }
    if (this.options.digest) {
      report.digest = checkDigest(this.options.digest, () => this.provedHash);
      if (report.digest.status === 'MISMATCH')
        this.problem({ kind: 'DIGEST_MISMATCH', message: report.digest.message });
      if (report.digest.status === 'NOT_COVERED')
        this.problem({ kind: 'DIGEST_NOT_COVERED', message: report.digest.message });
      if (report.digest.status === 'UNPROVEN') report.warnings.push(report.digest.message);
      const tip = this.options.digest.tipAddress;
      const strand = this.strands.get(tip.strandId);
      if (strand && tip.sequenceNo > strand.lastBlock.sequenceNo) {
        report.warnings.push(
          `the digest's tip ${formatAddress(tip)} is beyond the export's last block ${formatAddress(strand.lastBlock)}: later blocks are not in this export`,
        );
      }
    }
    if (report.revisionHashes.unconfirmed > 0) {
      report.warnings.push(
        `${report.revisionHashes.unconfirmed} deleted-document revision(s) could not be recomputed (AWS never published that rule); their hashes are bound to their blocks through the revisions Merkle root`,
      );
    }
    report.filesSha256 = sha256Hex(canonicalJson(report.files));
    report.ok = report.problemCount === 0;
    return report;
  }

  private problem(problem: ExportProblem): void {
    this.report.problemCount++;
    if (this.report.problems.length < this.maxProblems) this.report.problems.push(problem);
  }
}

function relativeKey(root: string, path: string): string {
  return relative(root, path).split(sep).join('/');
}

/** Locates the export's files and verifies them; see docs/qldb-migration.md for every rule. */
export async function verifyQldbExport(
  source: QldbExportSource,
  options: VerifyQldbExportOptions = {},
): Promise<QldbExportReport> {
  return new QldbExportVerifier(await locateExport(source), options).run();
}
