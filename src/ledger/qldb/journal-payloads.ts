// What the importer writes into Fairdraw's journal for a verified QLDB export (pure; the service
// appends these drafts). Hashes are base64, as QLDB prints them, so they can be compared with a QLDB
// console, a digest file or a GetBlock output by eye. Every revision and transactionInfo also travels
// as base64 Ion binary (`ion`, `transactionInfoIon`): the readable JSON cannot carry Ion's types, the
// Ion can, so an auditor recomputes every QLDB hash from the journal alone (verify-imported.ts).

import { type dom, makeBinaryWriter } from 'ion-js';
import { canonicalJson } from '../core/canonical-json.js';
import type { JsonObject, JsonValue } from '../core/json-value.js';
import type { BlockCheck, RevisionHashStatus } from './block-checks.js';
import { ionToJson } from './ion-json.js';
import type { BlockAddress, QldbBlock, QldbRevision } from './journal-block.js';

export const QLDB_EXPORT_VERIFIED = 'QLDB_EXPORT_VERIFIED';
export const QLDB_BLOCK_IMPORTED = 'QLDB_BLOCK_IMPORTED';
export const QLDB_REVISION_IMPORTED = 'QLDB_REVISION_IMPORTED';

/** Default largest payload of one journal entry: 256 KiB of canonical JSON. */
export const DEFAULT_MAX_ENTRY_BYTES = 256 * 1024;

export interface QldbDraft {
  type: string;
  subject: string;
  payload: JsonObject;
}

export class EntryTooLargeError extends Error {
  override readonly name = 'EntryTooLargeError';
}

export function qldbSubject(ledgerName: string): string {
  return `qldb:${ledgerName}`;
}

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64');

export function ionBase64(value: dom.Value): string {
  const writer = makeBinaryWriter();
  value.writeTo(writer);
  writer.close();
  return b64(writer.getBytes());
}

export function addressJson(address: BlockAddress): JsonObject {
  return { strandId: address.strandId, sequenceNo: address.sequenceNo };
}

function revisionSummary(revision: QldbRevision, status: RevisionHashStatus): JsonObject {
  return { index: revision.index, kind: revision.kind, hash: b64(revision.hash), hashStatus: status };
}

function revisionContent(revision: QldbRevision, status: RevisionHashStatus): JsonObject {
  const payload = revisionSummary(revision, status);
  if (revision.kind === 'system') return payload;
  const path = [`revisions`, revision.index];
  if (revision.blockAddress) payload.blockAddress = addressJson(revision.blockAddress);
  payload.metadata = ionToJson(revision.metadata!, [...path, 'metadata']);
  if (revision.data !== undefined) payload.data = ionToJson(revision.data, [...path, 'data']);
  if (revision.dataHash !== undefined) payload.dataHash = b64(revision.dataHash);
  payload.ion = ionBase64(revision.value);
  return payload;
}

export function payloadBytes(payload: JsonValue): number {
  return Buffer.byteLength(canonicalJson(payload));
}

/**
 * One QLDB_BLOCK_IMPORTED draft, or, when the block with its revisions would exceed `maxEntryBytes`,
 * the block with revision summaries (hash, kind) followed by one QLDB_REVISION_IMPORTED draft per
 * revision that has content.
 */
export function blockDrafts(
  ledgerName: string,
  block: QldbBlock,
  check: BlockCheck,
  maxEntryBytes: number,
): QldbDraft[] {
  const subject = qldbSubject(ledgerName);
  const statuses = new Map(check.revisions.map((revision) => [revision.index, revision.status]));
  const status = (revision: QldbRevision) => statuses.get(revision.index)!;
  const header: JsonObject = {
    ledgerName,
    blockAddress: addressJson(block.address),
    transactionId: block.transactionId,
    blockTimestamp: block.blockTimestamp,
    blockHash: b64(block.blockHash),
    entriesHash: b64(block.entriesHash),
    previousBlockHash: block.previousBlockHash.length > 0 ? b64(block.previousBlockHash) : null,
    entriesHashList: block.entriesHashList.map(b64),
    transactionInfo: block.transactionInfo ? ionToJson(block.transactionInfo, ['transactionInfo']) : null,
    transactionInfoIon: block.transactionInfo ? ionBase64(block.transactionInfo) : null,
    redactionInfo: block.redactionInfo ? ionToJson(block.redactionInfo, ['redactionInfo']) : null,
    revisionCount: block.revisions.length,
  };
  const whole: JsonObject = {
    ...header,
    revisions: block.revisions.map((revision) => revisionContent(revision, status(revision))),
    revisionsSeparate: false,
  };
  if (payloadBytes(whole) <= maxEntryBytes) return [{ type: QLDB_BLOCK_IMPORTED, subject, payload: whole }];

  const where = `block ${block.address.strandId}/${block.address.sequenceNo}`;
  const summary: JsonObject = {
    ...header,
    revisions: block.revisions.map((revision) => revisionSummary(revision, status(revision))),
    revisionsSeparate: true,
  };
  const drafts: QldbDraft[] = [
    { type: QLDB_BLOCK_IMPORTED, subject, payload: checkSize(summary, maxEntryBytes, where) },
  ];
  for (const revision of block.revisions) {
    if (revision.kind === 'system') continue;
    const payload: JsonObject = {
      ledgerName,
      blockAddress: addressJson(block.address),
      blockHash: b64(block.blockHash),
      revisionCount: block.revisions.length,
      revision: revisionContent(revision, status(revision)),
    };
    drafts.push({
      type: QLDB_REVISION_IMPORTED,
      subject,
      payload: checkSize(payload, maxEntryBytes, `${where} revision ${revision.index}`),
    });
  }
  return drafts;
}

function checkSize(payload: JsonObject, maxEntryBytes: number, what: string): JsonObject {
  const bytes = payloadBytes(payload);
  if (bytes > maxEntryBytes) {
    throw new EntryTooLargeError(
      `${what} needs a ${bytes}-byte journal entry, over the ${maxEntryBytes}-byte limit; raise the limit (--max-entry-bytes)`,
    );
  }
  return payload;
}
