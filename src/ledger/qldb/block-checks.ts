// The checks of one journal block, in the order of AWS's JournalBlock.verifyBlockHash
// (aws-samples/amazon-qldb-dmv-sample-java, qldb/JournalBlock.java):
//  1. transactionInfo's Ion hash is one of entriesHashList (optional field: some system blocks have
//     none, aws-samples/amazon-qldb-dmv-sample-java issue #215);
//  2. each user revision's hash recomputes from its metadata and data (QldbRevision.verifyRevisionHash);
//  3. the Merkle root of the revision hashes is one of entriesHashList;
//  4. the Merkle root of entriesHashList equals entriesHash;
//  5. dot(entriesHash, previousBlockHash) equals blockHash.
// The link to the previous block (previousBlockHash) is checked across blocks in verify-export.ts.

import { formatAddress, type QldbBlock, type QldbRevision } from './journal-block.js';
import { blockHash, ionHash, merkleRoot, revisionHash } from './qldb-hash.js';

export type RevisionHashStatus =
  /** Recomputed from the revision's metadata and data (or dataHash) and equal to its hash. */
  | 'verified'
  /** A system revision: only its hash exists; it is bound to the block through the revisions Merkle root. */
  | 'hash-only'
  /**
   * A deleted document's revision (metadata, no data). AWS never published how its hash is formed;
   * Fairdraw tries ionHash(metadata) (dot with an empty data hash) and, when that differs, leaves the
   * revision unconfirmed: its hash is still bound to the block by the revisions Merkle root.
   */
  | 'unconfirmed'
  /** Recomputed and different: the revision was altered (reported as a problem). */
  | 'mismatch';

export type BlockProblemKind =
  | 'REVISION_HASH_MISMATCH'
  | 'REVISIONS_NOT_IN_ENTRIES'
  | 'TRANSACTION_INFO_NOT_IN_ENTRIES'
  | 'ENTRIES_HASH_MISMATCH'
  | 'BLOCK_HASH_MISMATCH';

export interface BlockProblem {
  kind: BlockProblemKind;
  message: string;
  revisionIndex?: number;
}

export interface RevisionCheck {
  index: number;
  kind: QldbRevision['kind'];
  status: RevisionHashStatus;
}

export interface BlockCheck {
  problems: BlockProblem[];
  revisions: RevisionCheck[];
}

const b64 = (hash: Uint8Array) => Buffer.from(hash).toString('base64');

export function checkBlock(block: QldbBlock): BlockCheck {
  const where = `block ${formatAddress(block.address)}`;
  const problems: BlockProblem[] = [];
  const entries = new Set(block.entriesHashList.map(b64));

  if (block.transactionInfo !== undefined && !entries.has(b64(ionHash(block.transactionInfo)))) {
    problems.push({
      kind: 'TRANSACTION_INFO_NOT_IN_ENTRIES',
      message: `${where}: the Ion hash of transactionInfo is not in entriesHashList (transactionInfo was altered)`,
    });
  }

  const revisions = block.revisions.map((revision) => checkRevision(revision, where, problems));
  if (block.revisions.length > 0) {
    const root = merkleRoot(block.revisions.map((revision) => revision.hash));
    if (!entries.has(b64(root))) {
      problems.push({
        kind: 'REVISIONS_NOT_IN_ENTRIES',
        message: `${where}: the Merkle root of its revision hashes (${b64(root)}) is not in entriesHashList`,
      });
    }
  }

  const entriesHash = merkleRoot(block.entriesHashList);
  if (!entriesHash.equals(block.entriesHash)) {
    problems.push({
      kind: 'ENTRIES_HASH_MISMATCH',
      message: `${where}: entriesHash ${b64(block.entriesHash)} is not the Merkle root of entriesHashList (${b64(entriesHash)})`,
    });
  }
  const expectedBlockHash = blockHash(block.entriesHash, block.previousBlockHash);
  if (!expectedBlockHash.equals(block.blockHash)) {
    problems.push({
      kind: 'BLOCK_HASH_MISMATCH',
      message: `${where}: blockHash ${b64(block.blockHash)} is not dot(entriesHash, previousBlockHash) = ${b64(expectedBlockHash)}`,
    });
  }
  return { problems, revisions };
}

function checkRevision(revision: QldbRevision, where: string, problems: BlockProblem[]): RevisionCheck {
  const result = (status: RevisionHashStatus): RevisionCheck => ({
    index: revision.index,
    kind: revision.kind,
    status,
  });
  if (revision.kind === 'system') return result('hash-only');
  const metadataHash = ionHash(revision.metadata!);
  if (revision.kind === 'deleted') {
    return result(
      revisionHash(metadataHash, Buffer.alloc(0)).equals(revision.hash) ? 'verified' : 'unconfirmed',
    );
  }
  const dataHash = revision.kind === 'redacted' ? revision.dataHash! : ionHash(revision.data!);
  const computed = revisionHash(metadataHash, dataHash);
  if (computed.equals(revision.hash)) return result('verified');
  problems.push({
    kind: 'REVISION_HASH_MISMATCH',
    revisionIndex: revision.index,
    message:
      `${where} revision ${revision.index}: hash ${b64(revision.hash)} does not match its ` +
      `${revision.kind === 'redacted' ? 'metadata and dataHash' : 'metadata and data'} (recomputed ${b64(computed)})`,
  });
  return result('mismatch');
}
