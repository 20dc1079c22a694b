// Verification and import of journal exports from retired Amazon QLDB ledgers.
// The pure part (no NestJS, no database): reading an export, QLDB's hash rules, the checks, the
// journal payloads and the auditor's re-verification. Rules and sources: docs/qldb-migration.md.

export {
  blockHash,
  compareQldbHashes,
  dot,
  foldProof,
  ionHash,
  merkleRoot,
  QldbHashError,
  revisionHash,
} from './qldb-hash.js';
export { IonConversionError, ionToJson, isoTimestamp } from './ion-json.js';
export {
  type BlockAddress,
  BlockFormatError,
  formatAddress,
  type QldbBlock,
  type QldbRevision,
  readBlockAddress,
  readJournalBlock,
  readRevision,
  type RevisionKind,
} from './journal-block.js';
export {
  type BlockCheck,
  type BlockProblem,
  type BlockProblemKind,
  checkBlock,
  type RevisionCheck,
  type RevisionHashStatus,
} from './block-checks.js';
export {
  checkDigest,
  DigestFormatError,
  type DigestReport,
  type DigestStatus,
  parseQldbDigest,
  type QldbDigestInput,
} from './digest.js';
export {
  type DataObject,
  type ExportLayout,
  ExportLayoutError,
  locateExport,
  type QldbExportSource,
  type StartedManifest,
} from './export-layout.js';
export {
  type ExportFile,
  type ExportProblem,
  type ExportProblemKind,
  type QldbExportReport,
  QldbExportVerifier,
  type StrandSummary,
  type VerifiedBlock,
  verifyQldbExport,
  type VerifyQldbExportOptions,
} from './verify-export.js';
export {
  blockDrafts,
  DEFAULT_MAX_ENTRY_BYTES,
  EntryTooLargeError,
  QLDB_BLOCK_IMPORTED,
  QLDB_EXPORT_VERIFIED,
  QLDB_REVISION_IMPORTED,
  type QldbDraft,
  qldbSubject,
} from './journal-payloads.js';
export {
  type ExportBlockInfo,
  type ImportLink,
  type ImportPlan,
  planImport,
  type PriorImport,
} from './import-plan.js';
export {
  type ImportedHistory,
  type ImportedHistoryProblem,
  type ImportedHistoryReport,
  verifyImportedQldbHistory,
} from './verify-imported.js';
