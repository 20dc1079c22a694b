// The pure core of the Fairdraw ledger: no NestJS, no database, no I/O beyond what callers pass in.
// Wire formats are specified in docs/ledger-format.md.

// RFC 9162 hashing and strict encodings.
export { emptyRoot, HASH_SIZE, leafHash, leafHashOfUtf8, nodeHash } from './rfc9162.js';
export { EncodingError, fromBase64Strict, hashFromHex, isHashHex, toBase64, toHex } from './encoding.js';

// Merkle tree: node addresses, the frontier (compact range), and the naive reference tree.
export {
  coverageOf,
  decompose,
  type NodeId,
  nodeId,
  parentOf,
  rangeNodes,
  rangeSize,
  siblingOf,
} from './node-id.js';
export {
  CompactRange,
  CompactRangeError,
  type CompactRangeJson,
  type CompletedNode,
} from './compact-range.js';
export { MerkleTree, MerkleTreeError } from './merkle-tree.js';

// Proofs: plans (which stored nodes to fetch), rehash, verification, JSON shapes.
export { type ProofPlan, rehash } from './proof-plan.js';
export { inclusionPlan } from './inclusion.js';
export { consistencyPlan } from './consistency.js';
export { rootFromInclusionProof, verifyConsistency, verifyInclusion } from './proof-verify.js';
export { ProofError, type ProofErrorReason } from './proof-error.js';
export {
  type ConsistencyProof,
  type ConsistencyProofJson,
  consistencyProofToJson,
  type InclusionProof,
  type InclusionProofJson,
  inclusionProofToJson,
  parseConsistencyProofJson,
  parseInclusionProofJson,
} from './proof-json.js';

// Journal entries.
export {
  type JsonObject,
  type JsonPrimitive,
  type JsonValue,
  JsonValueError,
  MAX_JSON_DEPTH,
} from './json-value.js';
export { canonicalJson } from './canonical-json.js';
export {
  chainEntries,
  computeEntryHash,
  ENTRY_FIELDS,
  type EntryDraft,
  EntryFormatError,
  entryBytes,
  entryCanonicalText,
  exportLine,
  isEntryTime,
  type JournalEntry,
  readJournalEntry,
  type UnhashedEntry,
  ZERO_HASH,
} from './entry.js';

// Signed notes and checkpoints (C2SP signed-note, tlog-checkpoint).
export {
  ED25519_SIGNATURE_TYPE,
  formatKeyId,
  formatSignerKey,
  formatVerifierKey,
  generateNoteKeys,
  isValidKeyName,
  NoteKeyError,
  noteKeyId,
  type NoteSigner,
  type NoteVerifier,
  parseSignerKey,
  parseVerifierKey,
  verifierKeyOf,
} from './note-keys.js';
export {
  formatSignatureLine,
  MAX_NOTE_SIGNATURES,
  NoteError,
  type NoteErrorReason,
  type NoteSignature,
  type OpenedNote,
  openNote,
  readNote,
  signNote,
} from './signed-note.js';
export {
  type Checkpoint,
  CheckpointError,
  checkpointTime,
  formatCheckpoint,
  openCheckpoint,
  parseCheckpoint,
  readCheckpoint,
  signCheckpoint,
  timeExtension,
} from './checkpoint.js';

// Offline verification of a journal export.
export { lineBatches, splitLines, Utf8Error } from './ndjson.js';
export {
  type CheckpointReport,
  type CheckpointStatus,
  type EntryCheck,
  type EntryCheckResult,
  type JournalProblem,
  type JournalProblemKind,
  type JournalStart,
  JournalVerifier,
  type SignedCheckpointInput,
  verifyJournal,
  verifyJournalStream,
  type VerifyJournalOptions,
  type VerifyJournalResult,
} from './verify-journal.js';
