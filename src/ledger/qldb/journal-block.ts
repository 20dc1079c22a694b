// A QLDB journal block as an export writes it, read from the Ion data model. Field names and shapes
// follow the AWS samples' JournalBlock (amazon-qldb-dmv-sample-java qldb/JournalBlock.java,
// amazon-qldb-dmv-sample-python qldb/journal_block.py, which adds redactionInfo) and the block
// example of https://docs.aws.amazon.com/qldb/latest/developerguide/journal-contents.html.

import { type dom, IonTypes } from 'ion-js';
import { isoTimestamp } from './ion-json.js';

export interface BlockAddress {
  strandId: string;
  sequenceNo: number;
}

/**
 * - `document`: a user revision with `data` and `metadata`;
 * - `redacted`: `data` was redacted and replaced by `dataHash`;
 * - `deleted`: `metadata` without `data` (a DELETE writes such a revision);
 * - `system`: an internal revision that carries only its `hash`.
 */
export type RevisionKind = 'document' | 'redacted' | 'deleted' | 'system';

export interface QldbRevision {
  index: number;
  kind: RevisionKind;
  hash: Buffer;
  blockAddress?: BlockAddress;
  metadata?: dom.Value;
  data?: dom.Value;
  dataHash?: Buffer;
  /** The revision exactly as exported. */
  value: dom.Value;
}

export interface QldbBlock {
  address: BlockAddress;
  transactionId: string | null;
  /** ISO-8601, full precision. */
  blockTimestamp: string | null;
  blockHash: Buffer;
  entriesHash: Buffer;
  /** Empty when the block has none (the first block of a journal). */
  previousBlockHash: Buffer;
  entriesHashList: Buffer[];
  transactionInfo?: dom.Value;
  redactionInfo?: dom.Value;
  revisions: QldbRevision[];
  /** The block exactly as exported. */
  value: dom.Value;
}

export class BlockFormatError extends Error {
  override readonly name = 'BlockFormatError';
}

export function readBlockAddress(value: dom.Value | null, what: string): BlockAddress {
  const struct = requireType(value, IonTypes.STRUCT, what);
  const strandId = requireType(struct.get('strandId'), IonTypes.STRING, `${what}.strandId`).stringValue()!;
  const sequenceNo = requireSafeInt(struct.get('sequenceNo'), `${what}.sequenceNo`);
  if (strandId.length === 0) throw new BlockFormatError(`${what}.strandId is empty`);
  if (sequenceNo < 0) throw new BlockFormatError(`${what}.sequenceNo is negative`);
  return { strandId, sequenceNo };
}

export function formatAddress(address: BlockAddress): string {
  return `${address.strandId}/${address.sequenceNo}`;
}

/** Reads one block; throws BlockFormatError naming the first field that is missing or mistyped. */
export function readJournalBlock(value: dom.Value): QldbBlock {
  requireType(value, IonTypes.STRUCT, 'block');
  const address = readBlockAddress(value.get('blockAddress'), 'blockAddress');
  const timestamp = optional(value, 'blockTimestamp', IonTypes.TIMESTAMP);
  const revisionsValue = optional(value, 'revisions', IonTypes.LIST);
  return {
    address,
    transactionId: optional(value, 'transactionId', IonTypes.STRING)?.stringValue() ?? null,
    blockTimestamp: timestamp ? isoTimestamp(timestamp.timestampValue()!) : null,
    blockHash: requireHash(value.get('blockHash'), 'blockHash'),
    entriesHash: requireHash(value.get('entriesHash'), 'entriesHash'),
    previousBlockHash: optionalHash(value, 'previousBlockHash'),
    entriesHashList: requireType(value.get('entriesHashList'), IonTypes.LIST, 'entriesHashList')
      .elements()
      .map((hash, i) => requireHash(hash, `entriesHashList[${i}]`)),
    transactionInfo: optional(value, 'transactionInfo', IonTypes.STRUCT),
    redactionInfo: optional(value, 'redactionInfo', IonTypes.STRUCT),
    revisions: revisionsValue
      ? revisionsValue.elements().map((revision, i) => readRevision(revision, i))
      : [],
    value,
  };
}

/** Reads one revision of a block's `revisions` list. */
export function readRevision(value: dom.Value, index: number): QldbRevision {
  const what = `revisions[${index}]`;
  requireType(value, IonTypes.STRUCT, what);
  const hash = requireHash(value.get('hash'), `${what}.hash`);
  const addressValue = value.get('blockAddress');
  const blockAddress = addressValue ? readBlockAddress(addressValue, `${what}.blockAddress`) : undefined;
  const metadata = optional(value, 'metadata', IonTypes.STRUCT, what);
  const data = value.get('data') ?? undefined;
  const dataHashValue = value.get('dataHash');
  const dataHash = dataHashValue ? requireHash(dataHashValue, `${what}.dataHash`) : undefined;
  if (data !== undefined && dataHash !== undefined) {
    throw new BlockFormatError(`${what} has both data and dataHash`);
  }
  if ((data !== undefined || dataHash !== undefined) && metadata === undefined) {
    throw new BlockFormatError(`${what} has data but no metadata`);
  }
  const kind: RevisionKind =
    data !== undefined ? 'document' : dataHash !== undefined ? 'redacted' : metadata ? 'deleted' : 'system';
  return { index, kind, hash, blockAddress, metadata, data, dataHash, value };
}

function optional(
  struct: dom.Value,
  field: string,
  type: (typeof IonTypes)[keyof typeof IonTypes],
  parent?: string,
) {
  const value = struct.get(field);
  // Absent and null (of any type) both mean "not there".
  if (value === null || value.isNull()) return undefined;
  return requireType(value, type, parent ? `${parent}.${field}` : field);
}

function requireType(
  value: dom.Value | null,
  type: (typeof IonTypes)[keyof typeof IonTypes],
  what: string,
): dom.Value {
  if (value === null) throw new BlockFormatError(`${what} is missing`);
  if (value.getType() !== type || value.isNull()) {
    throw new BlockFormatError(
      `${what} must be a ${type.name}, found ${value.isNull() ? 'null.' : ''}${value.getType().name}`,
    );
  }
  return value;
}

function requireSafeInt(value: dom.Value | null, what: string): number {
  const n = requireType(value, IonTypes.INT, what).bigIntValue()!;
  if (n > BigInt(Number.MAX_SAFE_INTEGER) || n < -BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new BlockFormatError(`${what} ${n} is out of range`);
  }
  return Number(n);
}

function requireHash(value: dom.Value | null, what: string): Buffer {
  const bytes = Buffer.from(requireType(value, IonTypes.BLOB, what).uInt8ArrayValue()!);
  if (bytes.length !== 32) throw new BlockFormatError(`${what} is ${bytes.length} bytes; a QLDB hash is 32`);
  return bytes;
}

function optionalHash(struct: dom.Value, field: string): Buffer {
  const value = optional(struct, field, IonTypes.BLOB);
  if (!value) return Buffer.alloc(0);
  const bytes = Buffer.from(value.uInt8ArrayValue()!);
  if (bytes.length !== 0 && bytes.length !== 32) {
    throw new BlockFormatError(`${field} is ${bytes.length} bytes; a QLDB hash is 32`);
  }
  return bytes;
}
