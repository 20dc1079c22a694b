// The auditor's side: re-verifies, from Fairdraw journal entries alone, the QLDB history an import
// journaled. Run it on entries whose own hash chain and Merkle tree were verified (core
// verifyJournal); it then recomputes every QLDB revision hash from the journaled Ion, each block's
// entries hash and block hash, the QLDB chain between journaled blocks (also across imports), and
// checks each QLDB_EXPORT_VERIFIED summary against the blocks that follow it.

import { dom } from 'ion-js';
import { canonicalJson } from '../core/canonical-json.js';
import type { JournalEntry } from '../core/entry.js';
import type { JsonObject, JsonValue } from '../core/json-value.js';
import { checkBlock } from './block-checks.js';
import { ionToJson } from './ion-json.js';
import { formatAddress, type QldbBlock, type QldbRevision, readRevision } from './journal-block.js';
import { QLDB_BLOCK_IMPORTED, QLDB_EXPORT_VERIFIED, QLDB_REVISION_IMPORTED } from './journal-payloads.js';

export interface ImportedHistoryProblem {
  /** The journal entry the problem is in. */
  seq: number;
  message: string;
}

export interface ImportedHistory {
  ledgerName: string;
  strandId: string;
  /** Journal seq of the QLDB_EXPORT_VERIFIED entry. */
  verifiedAt: number;
  blockCount: number;
  firstSequenceNo: number | null;
  lastSequenceNo: number | null;
  finalBlockHash: string | null;
}

export interface ImportedHistoryReport {
  ok: boolean;
  imports: ImportedHistory[];
  blockCount: number;
  revisionCount: number;
  problems: ImportedHistoryProblem[];
}

interface Claim {
  seq: number;
  imported: JsonObject;
  history: ImportedHistory;
}

const asObject = (value: JsonValue | undefined): JsonObject => (value ?? {}) as JsonObject;
const asString = (value: JsonValue | undefined): string => String(value);
const hash = (value: JsonValue | undefined): Buffer =>
  Buffer.from(typeof value === 'string' ? value : '', 'base64');

export function verifyImportedQldbHistory(entries: Iterable<JournalEntry>): ImportedHistoryReport {
  const report: ImportedHistoryReport = {
    ok: false,
    imports: [],
    blockCount: 0,
    revisionCount: 0,
    problems: [],
  };
  const all = [...entries].filter((entry) => entry.type.startsWith('QLDB_'));
  const revisionEntries = new Map<string, JournalEntry[]>();
  for (const entry of all.filter((e) => e.type === QLDB_REVISION_IMPORTED)) {
    const key = blockKey(entry.payload);
    revisionEntries.set(key, [...(revisionEntries.get(key) ?? []), entry]);
  }

  const claims = new Map<string, Claim>(); // ledgerName -> the latest QLDB_EXPORT_VERIFIED
  const lastBlock = new Map<string, { sequenceNo: number; blockHash: Buffer }>(); // ledger/strand -> last journaled block
  const finishClaim = (claim: Claim | undefined) => {
    if (!claim) return;
    const { imported, history, seq } = claim;
    const expectedCount = Number(imported.blockCount);
    if (history.blockCount !== expectedCount) {
      report.problems.push({
        seq,
        message: `QLDB_EXPORT_VERIFIED announces ${expectedCount} blocks; ${history.blockCount} follow it`,
      });
    } else if (history.finalBlockHash !== imported.finalBlockHash) {
      report.problems.push({
        seq,
        message: `QLDB_EXPORT_VERIFIED announces final block hash ${String(imported.finalBlockHash)}; the last journaled block has ${history.finalBlockHash}`,
      });
    }
  };

  for (const entry of all) {
    const payload = entry.payload;
    if (entry.type === QLDB_EXPORT_VERIFIED) {
      const ledgerName = asString(payload.ledgerName);
      finishClaim(claims.get(ledgerName));
      const history: ImportedHistory = {
        ledgerName,
        strandId: asString(payload.strandId),
        verifiedAt: entry.seq,
        blockCount: 0,
        firstSequenceNo: null,
        lastSequenceNo: null,
        finalBlockHash: null,
      };
      claims.set(ledgerName, { seq: entry.seq, imported: asObject(payload.imported), history });
      report.imports.push(history);
      continue;
    }
    if (entry.type !== QLDB_BLOCK_IMPORTED) continue;
    const claim = claims.get(asString(payload.ledgerName));
    if (!claim) {
      report.problems.push({
        seq: entry.seq,
        message: 'QLDB_BLOCK_IMPORTED without a QLDB_EXPORT_VERIFIED before it',
      });
      continue;
    }
    let block: QldbBlock;
    try {
      block = blockFromPayload(payload, revisionEntries.get(blockKey(payload)) ?? []);
    } catch (error) {
      report.problems.push({ seq: entry.seq, message: (error as Error).message });
      continue;
    }
    const address = formatAddress(block.address);
    for (const problem of checkBlock(block).problems)
      report.problems.push({ seq: entry.seq, message: problem.message });
    const strandKey = `${claim.history.ledgerName}/${block.address.strandId}`;
    const previous = lastBlock.get(strandKey);
    if (
      previous &&
      previous.sequenceNo + 1 === block.address.sequenceNo &&
      !previous.blockHash.equals(block.previousBlockHash)
    ) {
      report.problems.push({
        seq: entry.seq,
        message: `block ${address} does not link to the journaled block before it`,
      });
    } else if (previous && block.address.sequenceNo <= previous.sequenceNo) {
      report.problems.push({
        seq: entry.seq,
        message: `block ${address} was journaled after block ${previous.sequenceNo}`,
      });
    }
    lastBlock.set(strandKey, { sequenceNo: block.address.sequenceNo, blockHash: block.blockHash });
    const history = claim.history;
    history.blockCount++;
    history.firstSequenceNo ??= block.address.sequenceNo;
    history.lastSequenceNo = block.address.sequenceNo;
    history.finalBlockHash = block.blockHash.toString('base64');
    report.blockCount++;
    report.revisionCount += block.revisions.length;
  }
  for (const claim of claims.values()) finishClaim(claim);
  report.ok = report.problems.length === 0;
  return report;
}

function blockKey(payload: JsonObject): string {
  const address = asObject(payload.blockAddress);
  return `${asString(payload.ledgerName)}/${asString(address.strandId)}/${asString(address.sequenceNo)}/${asString(payload.blockHash)}`;
}

function blockFromPayload(payload: JsonObject, separate: JournalEntry[]): QldbBlock {
  const address = asObject(payload.blockAddress);
  const where = `block ${asString(address.strandId)}/${asString(address.sequenceNo)}`;
  const contents = new Map<number, JsonObject>();
  for (const entry of separate) {
    const revision = asObject(entry.payload.revision);
    contents.set(Number(revision.index), revision);
  }
  const revisions = (payload.revisions as JsonObject[]).map((summary): QldbRevision => {
    const index = Number(summary.index);
    const content = payload.revisionsSeparate === true ? contents.get(index) : summary;
    if (summary.kind === 'system') {
      return { index, kind: 'system', hash: hash(summary.hash), value: dom.load('{}')! };
    }
    if (!content || typeof content.ion !== 'string')
      throw new Error(`${where} revision ${index}: its content is not in the journal`);
    const revision = readRevision(dom.load(new Uint8Array(Buffer.from(content.ion, 'base64')))!, index);
    if (revision.hash.toString('base64') !== summary.hash) {
      throw new Error(
        `${where} revision ${index}: the journaled Ion has hash ${revision.hash.toString('base64')}, the entry says ${String(summary.hash)}`,
      );
    }
    // The readable JSON must say what the Ion says.
    for (const part of ['metadata', 'data'] as const) {
      const ion = revision[part];
      const json = ion === undefined ? undefined : canonicalJson(ionToJson(ion));
      const journaled = content[part] === undefined ? undefined : canonicalJson(content[part]);
      if (json !== journaled)
        throw new Error(`${where} revision ${index}: the journaled ${part} JSON differs from its Ion`);
    }
    return revision;
  });
  const transactionInfo =
    typeof payload.transactionInfoIon === 'string'
      ? dom.load(new Uint8Array(Buffer.from(payload.transactionInfoIon, 'base64')))!
      : undefined;
  if (
    canonicalJson(transactionInfo ? ionToJson(transactionInfo) : null) !==
    canonicalJson(payload.transactionInfo ?? null)
  ) {
    throw new Error(`${where}: the journaled transactionInfo JSON differs from its Ion`);
  }
  return {
    address: { strandId: asString(address.strandId), sequenceNo: Number(address.sequenceNo) },
    transactionId: (payload.transactionId as string | null) ?? null,
    blockTimestamp: (payload.blockTimestamp as string | null) ?? null,
    blockHash: hash(payload.blockHash),
    entriesHash: hash(payload.entriesHash),
    previousBlockHash: payload.previousBlockHash === null ? Buffer.alloc(0) : hash(payload.previousBlockHash),
    entriesHashList: (payload.entriesHashList as string[]).map((value) => hash(value)),
    transactionInfo,
    revisions,
    value: dom.load('{}')!,
  };
}
