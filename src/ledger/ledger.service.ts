import { Injectable, type OnModuleInit } from '@nestjs/common';
import { DomainException } from '../common/domain.exception.js';
import { AppConfig } from '../config/environment.js';
import type { TransactionOptions, Tx } from '../database/database.service.js';
import { CompactRange } from './core/compact-range.js';
import { consistencyPlan } from './core/consistency.js';
import { canonicalDraftPayload, exportLine, type JournalEntry } from './core/entry.js';
import { inclusionPlan } from './core/inclusion.js';
import type { JsonObject } from './core/json-value.js';
import { rangeNodes } from './core/node-id.js';
import { rehash } from './core/proof-plan.js';
import type { ConsistencyProofJson, InclusionProofJson } from './core/proof-json.js';
import { CheckpointSigner } from './checkpoint-signer.js';
import { LedgerSequencer, type IntegratedEntry } from './ledger-sequencer.js';
import {
  LedgerRepository,
  QUEUE_ID_BLOCK,
  type EntryFilter,
  type EntryRow,
  type QueuedRow,
} from './ledger.repository.js';

/** What a module hands the ledger: the event, what it is about, and its details. */
export interface LedgerDraft {
  type: string;
  subject: string | null;
  payload: JsonObject;
}

export interface QueuedEntry {
  queueId: number;
  recordedAt: Date;
  /** Its place in the journal when it was integrated in the appending transaction (appendIntegrating). */
  integrated?: IntegratedEntry;
}

export interface LedgerDigest {
  treeSize: number;
  rootHash: string;
  timestamp: string;
  checkpoint: string;
}

type QueueRow = Pick<QueuedRow, 'id' | 'type' | 'subject' | 'payload'>;

function queuedEntries(rows: readonly QueueRow[], recordedAt: Date): QueuedEntry[] {
  return rows.map((row) => ({ queueId: row.id, recordedAt }));
}

const EXPORT_PAGE = 1_000;
const ENTRIES_ABOUT_PAGE = 5_000;

/**
 * The verifiable journal. Other modules call `append` inside their own transaction, so a state
 * change and its journal entry commit together or not at all; everything else here is reading
 * and proving.
 */
@Injectable()
export class LedgerService implements OnModuleInit {
  private signer!: CheckpointSigner;
  private signed?: { size: number; note: string; time: Date };
  private idBlock = { next: 0, end: 0 };

  constructor(
    private readonly config: AppConfig,
    private readonly repository: LedgerRepository,
    private readonly sequencer: LedgerSequencer,
  ) {}

  onModuleInit(): void {
    this.signer = CheckpointSigner.load({
      origin: this.config.LEDGER_ORIGIN,
      signerKey: this.config.LEDGER_SIGNING_KEY,
      dataDir: this.config.DATA_DIR,
    });
  }

  /** Queues entries in the caller's transaction; they get their sequence numbers after commit. */
  append(trx: Tx, ...drafts: LedgerDraft[]): Promise<QueuedEntry[]> {
    return this.enqueue(trx, drafts);
  }

  /**
   * `append` for a caller that answers with the entries' sequence numbers: when this process knows
   * the tree and no other transaction is integrating, the entries are integrated in the caller's
   * transaction itself (then `integrated` is set on each, valid once it commits), which spares the
   * sequencer's own transaction and commit before the answer; otherwise they are queued as by
   * `append`. Integrating holds the sequencer lock until the caller's transaction ends, so it is for
   * short transactions that wait for the journal anyway (the sales batch), and only in a
   * transaction begun by `integratingTransaction`.
   */
  /** The transaction `appendIntegrating` needs (database.transaction otherwise). */
  integratingTransaction<T>(work: (trx: Tx) => Promise<T>, options?: TransactionOptions): Promise<T> {
    return this.sequencer.integrating(work, options);
  }

  async appendIntegrating(trx: Tx, ...drafts: LedgerDraft[]): Promise<QueuedEntry[]> {
    const recordedAt = new Date();
    const rows: QueueRow[] = drafts.map((draft) => ({
      id: 0,
      type: draft.type,
      subject: draft.subject,
      payload: canonicalDraftPayload(draft),
    }));
    if (rows.length === 0) return [];
    const ids = await this.queueIds(trx, rows.length);
    rows.forEach((row, i) => (row.id = ids[i]));
    const places = await this.sequencer.integrateWithin(trx, recordedAt, rows);
    return rows.map((row, i) => ({ queueId: row.id, recordedAt, integrated: places?.[i] }));
  }

  /** Queues entries that go with no other state change (one statement, committed at once). */
  appendNow(...drafts: LedgerDraft[]): Promise<QueuedEntry[]> {
    return this.enqueue(undefined, drafts);
  }

  private enqueue(trx: Tx | undefined, drafts: LedgerDraft[]): Promise<QueuedEntry[]> {
    let recordedAt: Date;
    let rows: QueueRow[];
    try {
      recordedAt = new Date();
      // Validates type, subject and payload exactly as the sequencer and the verifier will, and
      // canonicalises the payload once: the queue holds the very text that is hashed and stored.
      rows = drafts.map((draft) => ({
        id: 0,
        type: draft.type,
        subject: draft.subject,
        payload: canonicalDraftPayload(draft),
      }));
    } catch (error) {
      return Promise.reject(error as Error);
    }
    // The common case takes its ids from the block in hand and costs one promise, the INSERT's
    // (promises are not free in a process where AsyncLocalStorage has turned promise hooks on).
    if (this.idBlock.end - this.idBlock.next < rows.length)
      return this.enqueueReserving(trx, recordedAt, rows);
    for (const row of rows) row.id = this.idBlock.next++;
    return this.repository.enqueue(trx, recordedAt, rows).then(() => queuedEntries(rows, recordedAt));
  }

  /** enqueue when the ids in hand do not suffice: reserves blocks until they do. */
  private async enqueueReserving(
    trx: Tx | undefined,
    recordedAt: Date,
    rows: QueueRow[],
  ): Promise<QueuedEntry[]> {
    const ids = await this.queueIds(trx, rows.length);
    rows.forEach((row, i) => (row.id = ids[i]));
    await this.repository.enqueue(trx, recordedAt, rows);
    return queuedEntries(rows, recordedAt);
  }

  /**
   * `count` unused queue ids, ascending (the drafts of one append are integrated in the order given).
   * They come from a block this process reserved; blocks never overlap, whichever process took them.
   */
  private async queueIds(trx: Tx | undefined, count: number): Promise<number[]> {
    const ids: number[] = [];
    while (ids.length < count) {
      if (this.idBlock.next < this.idBlock.end) {
        ids.push(this.idBlock.next++);
        continue;
      }
      const first = await this.repository.reserveQueueIds(trx);
      // Appends that ran out together each reserve a block; the ids left in a replaced one are
      // never used, which costs nothing (only their uniqueness matters).
      this.idBlock = { next: first, end: first + QUEUE_ID_BLOCK };
    }
    return ids.sort((a, b) => a - b);
  }

  /** Waits until queued entries are integrated (call after the appending transaction committed). */
  async integrated(entries: QueuedEntry[], timeoutMs?: number): Promise<IntegratedEntry[]> {
    const waiting = entries.filter((entry) => entry.integrated === undefined).map((entry) => entry.queueId);
    const found = new Map<number, IntegratedEntry>();
    if (waiting.length > 0) {
      for (const entry of await this.sequencer.waitFor(waiting, timeoutMs)) found.set(entry.queueId, entry);
    }
    return entries.map((entry) => entry.integrated ?? found.get(entry.queueId)!);
  }

  /**
   * Waits until every entry committed before the call is integrated, so that a reader who then
   * takes the tree size sees in the journal every change the database already shows.
   */
  async settled(timeoutMs?: number): Promise<void> {
    const newest = await this.repository.newestQueuedId();
    if (newest !== undefined) await this.sequencer.waitFor([newest], timeoutMs);
  }

  async treeSize(): Promise<number> {
    return (await this.repository.state()).tree_size;
  }

  /** The latest integrated tree, signed as a C2SP checkpoint (re-signed only when it grew). */
  async digest(): Promise<LedgerDigest> {
    const state = await this.repository.state();
    if (this.signed?.size !== state.tree_size) {
      const time = new Date();
      this.signed = {
        size: state.tree_size,
        note: this.signer.sign(state.tree_size, state.root_hash, time),
        time,
      };
    }
    return {
      treeSize: state.tree_size,
      rootHash: state.root_hash.toString('hex'),
      timestamp: this.signed.time.toISOString(),
      checkpoint: this.signed.note,
    };
  }

  /** A signed checkpoint of an earlier size, re-signed from the tree's stored subtrees. */
  async checkpointAt(treeSize: number): Promise<string> {
    const stored = await this.repository.checkpoint(treeSize);
    if (stored) return stored.note;
    return this.signer.sign(treeSize, await this.rootAt(treeSize), new Date());
  }

  publicKey(): { keyName: string; verifierKey: string; publicKeyPem: string } {
    return {
      keyName: this.signer.keyName,
      verifierKey: this.signer.verifierKey,
      publicKeyPem: this.signer.publicKeyPem,
    };
  }

  get signingKeyName(): string {
    return this.signer.keyName;
  }

  signCheckpoint(size: number, rootHash: Buffer, time: Date): string {
    return this.signer.sign(size, rootHash, time);
  }

  async entry(seq: number): Promise<JournalEntry> {
    const row = await this.repository.entry(seq);
    if (!row) throw new DomainException(404, 'ENTRY_NOT_FOUND', `journal entry ${seq} does not exist (yet)`);
    return toJournalEntry(row);
  }

  /** An entry with its inclusion proof and the signed checkpoint the proof leads to. */
  async entryWithProof(seq: number, treeSize?: number) {
    const entry = await this.entry(seq);
    if (treeSize === undefined) {
      const digest = await this.digest();
      return { entry, proof: await this.inclusionProof(seq, digest.treeSize), checkpoint: digest.checkpoint };
    }
    return {
      entry,
      proof: await this.inclusionProof(seq, treeSize),
      checkpoint: await this.checkpointAt(treeSize),
    };
  }

  /** RFC 9162 inclusion proof of entry `seq` in the tree of `treeSize` entries. */
  async inclusionProof(seq: number, treeSize: number): Promise<InclusionProofJson> {
    await this.requireSize(treeSize, 'treeSize');
    if (seq >= treeSize) {
      throw new DomainException(400, 'OUT_OF_RANGE', `entry ${seq} is not in a tree of ${treeSize} entries`, [
        { field: 'treeSize', messages: [`treeSize must be greater than ${seq}`] },
      ]);
    }
    const plan = inclusionPlan(seq, treeSize);
    const path = rehash(plan, await this.repository.nodeHashes(plan.ids));
    const [leaf] = await this.repository.nodeHashes([{ level: 0, index: seq }]);
    return {
      leafIndex: seq,
      treeSize,
      leafHash: leaf.toString('hex'),
      path: path.map((h) => h.toString('hex')),
    };
  }

  /** RFC 9162 consistency proof between two tree sizes. */
  async consistencyProof(first: number, second: number): Promise<ConsistencyProofJson> {
    await this.requireSize(second, 'to');
    if (first > second) {
      throw new DomainException(400, 'OUT_OF_RANGE', 'from must not be greater than to', [
        { field: 'from', messages: ['from must not be greater than to'] },
      ]);
    }
    if (first === 0 || first === second) return { first, second, path: [] };
    const plan = consistencyPlan(first, second);
    const path = rehash(plan, await this.repository.nodeHashes(plan.ids));
    return { first, second, path: path.map((h) => h.toString('hex')) };
  }

  /** The Merkle root of the first `treeSize` entries, from O(log n) stored subtree hashes. */
  async rootAt(treeSize: number): Promise<Buffer> {
    await this.requireSize(treeSize, 'treeSize');
    const ids = rangeNodes(0, treeSize);
    const hashes = await this.repository.nodeHashes(ids);
    return CompactRange.fromJSON({ size: treeSize, hashes: hashes.map((h) => h.toString('hex')) }).root();
  }

  /** Entries [from, to) as NDJSON lines, read page by page. */
  async *exportLines(from: number, to?: number): AsyncGenerator<string> {
    const end = to ?? (await this.treeSize());
    for (let next = from; next < end;) {
      const page = await this.repository.entriesPage(next, end, EXPORT_PAGE);
      if (page.length === 0) return;
      for (const row of page) yield exportLine(toJournalEntry(row)) + '\n';
      next = page[page.length - 1].seq + 1;
    }
  }

  /**
   * The integrated entries about one subject, of the given types, with `from` <= seq < `before`, in
   * seq order, a page at a time (e.g. a raffle's sales and voids up to a tree size, for sealing its
   * draw set; `from` to read only what was journaled since an earlier read).
   */
  async *entriesAbout(
    subject: string,
    types: readonly string[],
    before: number,
    pageSize = ENTRIES_ABOUT_PAGE,
    from = 0,
  ): AsyncGenerator<JournalEntry[]> {
    for (let next = from; next < before;) {
      const page = await this.repository.entriesAbout(subject, types, next, before, pageSize);
      if (page.length === 0) return;
      yield page.map(toJournalEntry);
      next = page[page.length - 1].seq + 1;
    }
  }

  /**
   * The entries before `treeSize` that match the filter, in seq order, read page by page (a
   * raffle's million sales never sit in memory at once).
   */
  async *entries(filter: EntryFilter & { treeSize: number }): AsyncGenerator<JournalEntry> {
    if (filter.types !== undefined && filter.types.length === 0) return;
    for (let after = -1; ;) {
      const page = await this.repository.entriesMatching(filter, after, filter.treeSize, EXPORT_PAGE);
      for (const row of page) yield toJournalEntry(row);
      if (page.length < EXPORT_PAGE) return;
      after = page[page.length - 1].seq;
    }
  }

  /**
   * Entries about one subject, of the given types (recorded before `recordedBefore`, if given), that
   * are not settled as of `treeSize`: queued (committed, awaiting integration) or integrated at
   * seq >= treeSize. Inside `trx` it sees what that transaction sees.
   */
  async unsettledAbout(
    subject: string,
    types: readonly string[],
    treeSize: number,
    trx?: Tx,
    recordedBefore?: Date,
  ): Promise<number> {
    const queued = await this.repository.queuedAbout(subject, types, recordedBefore, trx);
    return queued + (await this.repository.countAboutFrom(subject, types, treeSize, recordedBefore, trx));
  }

  /** Tree size and root hash as of now (inside `trx`: as that transaction sees them). */
  async head(trx?: Tx): Promise<{ treeSize: number; rootHash: string }> {
    const state = await this.repository.state(trx);
    return { treeSize: state.tree_size, rootHash: state.root_hash.toString('hex') };
  }

  /**
   * The journal digest at an earlier (or the current) size: what a report computed from the first
   * `treeSize` entries states, so that an auditor can check it against the same export.
   */
  async digestAt(treeSize: number): Promise<LedgerDigest> {
    const current = await this.digest();
    if (treeSize === current.treeSize) return current;
    const checkpoint = await this.checkpointAt(treeSize);
    return {
      treeSize,
      rootHash: (await this.rootAt(treeSize)).toString('hex'),
      timestamp: new Date().toISOString(),
      checkpoint,
    };
  }

  /** Checkpoints anchored outside the database (S3 Object Lock or the local folder), by size. */
  async anchoredCheckpoints(): Promise<Array<{ treeSize: number; note: string }>> {
    return (await this.repository.anchoredCheckpoints()).map((row) => ({
      treeSize: row.tree_size,
      note: row.note,
    }));
  }

  private async requireSize(size: number, field: string): Promise<void> {
    const current = await this.treeSize();
    if (size > current) {
      throw new DomainException(
        400,
        'OUT_OF_RANGE',
        `the journal has ${current} entries; ${field} ${size} is beyond it`,
        [{ field, messages: [`${field} must be at most ${current}`] }],
      );
    }
  }
}

export function toJournalEntry(row: EntryRow): JournalEntry {
  return {
    seq: row.seq,
    type: row.type,
    subject: row.subject,
    payload: JSON.parse(row.payload) as JsonObject,
    time: row.recorded_at.toISOString(),
    prevHash: row.prev_hash.toString('hex'),
    hash: row.hash.toString('hex'),
  };
}
