// The offline verifier of a journal export: NDJSON, one entry per line, in seq order.
//
// It checks, in one streaming pass with O(log n) memory (the Merkle frontier):
//   - every line is an entry in the documented format (docs/ledger-format.md), written canonically;
//   - seqs run without gaps from the first expected seq (0 for a full export);
//   - each entry's hash is the leaf hash of its canonical bytes;
//   - each entry's prevHash is the previous entry's hash (the hash chain);
//   - the Merkle root over all entries, and at the size of every signed checkpoint, equals the
//     checkpoint's root. Matching every checkpoint also proves the checkpoints consistent with one
//     another: they are all prefixes of the one tree rebuilt from the export;
//   - a checkpoint larger than the export proves that the export was truncated.
// Problems are collected, not thrown, so an auditor sees every one; the first bad entry is named.
// Extra per-entry-type checks (for example recomputing a draw) plug in as EntryCheck functions.

import { isSafeCount } from './bits.js';
import { checkpointTime, type Checkpoint, CheckpointError, openCheckpoint } from './checkpoint.js';
import { CompactRange, type CompactRangeJson } from './compact-range.js';
import { hashFromHex, isHashHex, toHex } from './encoding.js';
import { EntryFormatError, type JournalEntry, readExportLine, readJournalEntry, ZERO_HASH } from './entry.js';
import type { NoteVerifier } from './note-keys.js';
import { lineBatches } from './ndjson.js';
import { leafHashOfUtf8 } from './rfc9162.js';
import { NoteError } from './signed-note.js';

export type JournalProblemKind =
  /** A line that is not JSON. */
  | 'malformed-line'
  /** An entry that breaks the entry format. */
  | 'malformed-entry'
  /** Entries missing: the seq jumps forward. */
  | 'seq-gap'
  /** An entry whose seq was already passed: duplicate or out of order. */
  | 'seq-order'
  /** The recorded hash is not the hash of the entry's content. */
  | 'hash-mismatch'
  /** prevHash is not the previous entry's hash. */
  | 'broken-link'
  /** A checkpoint that cannot be trusted: malformed, unsigned by a given key, bad signature, wrong origin. */
  | 'checkpoint-invalid'
  /** A valid checkpoint whose root differs from the root rebuilt from the export at its size. */
  | 'checkpoint-mismatch'
  /** A valid checkpoint signed for more entries than the export holds. */
  | 'truncated'
  /** The start frontier handed in does not fit the export. */
  | 'bad-start'
  /** Reported by an EntryCheck. */
  | 'entry-check';

export interface JournalProblem {
  /** The entry the problem is located at, when it is located at one. */
  seq?: number;
  kind: JournalProblemKind | string;
  message: string;
}

/** What an EntryCheck reports: a message, or a kind and a message. */
export type EntryCheckResult = string | { kind?: string; message: string } | undefined | void;

/**
 * An extra check of one entry, called in seq order for every well-formed entry; it may keep state
 * between calls (for example the sealed ticket set of a raffle, to recompute its draw).
 */
export type EntryCheck = (entry: Readonly<JournalEntry>) => EntryCheckResult;

export interface SignedCheckpointInput {
  /** Where the checkpoint came from, for messages (e.g. a file name). */
  source: string;
  /** The signed note text or bytes. */
  note: string | Uint8Array;
}

export type CheckpointStatus =
  /** Signature valid and root equal to the export's root at that size. */
  | 'matched'
  /** Signature valid, root different. */
  | 'mismatch'
  /** Signature valid, for more entries than the export holds: truncation. */
  | 'beyond-export'
  /** Signature valid, for a size before the export's first entry: nothing to compare. */
  | 'before-export'
  /** Signature valid, but the export was already broken before its size, so no root was compared. */
  | 'unchecked'
  /** Not a valid checkpoint for the given keys (and origin). */
  | 'invalid';

export interface CheckpointReport {
  source: string;
  status: CheckpointStatus;
  origin?: string;
  treeSize?: number;
  /** Lowercase hex. */
  rootHash?: string;
  /** From the "time" extension line, if any. */
  time?: string;
  /** Names of the given keys whose signatures verified. */
  signedBy: string[];
  message: string;
}

export interface JournalStart {
  /** The Merkle frontier after the entries before the export (its size is the export's first seq). */
  frontier: CompactRange | CompactRangeJson;
  /** The hash of the entry just before the export. */
  prevHash: string;
}

export interface VerifyJournalOptions {
  /** Signed checkpoints to check the export against. */
  checkpoints?: readonly SignedCheckpointInput[];
  /** Keys whose signatures make a checkpoint trusted; needed when checkpoints are given. */
  verifiers?: readonly NoteVerifier[];
  /** If set, checkpoints must carry this origin. */
  origin?: string;
  /** For an export that does not start at seq 0. */
  start?: JournalStart;
  entryChecks?: readonly EntryCheck[];
  /** Problems kept in the result; more are only counted. Default 1000. */
  maxProblems?: number;
}

export interface VerifyJournalResult {
  ok: boolean;
  /** Entries read (lines that held an entry at its expected place). */
  entries: number;
  /** Seq of the first and last entry read, if any. */
  firstSeq?: number;
  lastSeq?: number;
  /** Number of leaves in the rebuilt Merkle tree (including those before a partial export). */
  treeSize: number;
  /** Lowercase hex root of the rebuilt tree. */
  rootHash: string;
  /** Where the export first goes wrong: the seq of the first problem located at an entry. */
  firstBadSeq?: number;
  problems: JournalProblem[];
  /** Problems beyond maxProblems, counted but not kept. */
  problemsOmitted: number;
  checkpoints: CheckpointReport[];
}

interface PendingCheckpoint {
  report: CheckpointReport;
  checkpoint: Checkpoint;
}

/**
 * Verifies a journal fed to it one line (or one parsed entry) at a time. verifyJournal wraps it for
 * an iterable of lines; the service's scheduled integrity check can feed database rows to addEntry.
 */
export class JournalVerifier {
  private readonly range: CompactRange;
  private readonly startSize: number;
  private readonly maxProblems: number;
  private readonly entryChecks: readonly EntryCheck[];
  private readonly problems: JournalProblem[] = [];
  private problemsOmitted = 0;
  private readonly reports: CheckpointReport[] = [];
  /** Valid checkpoints not yet reached, by ascending size. */
  private readonly pending: PendingCheckpoint[] = [];
  private nextSeq: number;
  /** Recorded hash of the previous entry, or undefined when the previous entry is unknown. */
  private prevHash: string | undefined;
  /** True while the rebuilt tree has exactly one leaf per seq so far. */
  private aligned = true;
  private lastMatchedSize: number | undefined;
  private entryCount = 0;
  private firstSeq: number | undefined;
  private lineNumber = 0;
  private finished = false;

  constructor(options: VerifyJournalOptions = {}) {
    this.maxProblems = options.maxProblems ?? 1000;
    this.entryChecks = options.entryChecks ?? [];
    const start = this.readStart(options.start);
    this.range = start.range;
    this.prevHash = start.prevHash;
    this.startSize = this.range.size;
    this.nextSeq = this.range.size;
    this.openCheckpoints(options);
  }

  /**
   * Feeds one NDJSON line (a trailing '\r' is ignored); blank lines are skipped. The line must be
   * exactly the entry's canonical export form (see exportLine).
   */
  addLine(rawLine: string): void {
    this.assertOpen();
    this.lineNumber++;
    const line = rawLine.endsWith('\r') ? rawLine.slice(0, -1) : rawLine;
    if (line.length === 0 || (line.charCodeAt(0) <= 32 && line.trim() === '')) return;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      const after = this.nextSeq > this.startSize ? ` (after entry ${this.nextSeq - 1})` : '';
      this.report({
        kind: 'malformed-line',
        message: `line ${this.lineNumber}${after}: not valid JSON: ${(error as Error).message}`,
      });
      return;
    }
    this.check(value, line);
  }

  /**
   * Feeds one entry as a JavaScript value with exactly the fields seq, type, subject, payload, time,
   * prevHash, hash (for example a database row).
   */
  addEntry(value: unknown): void {
    this.assertOpen();
    this.check(value, undefined);
  }

  private assertOpen(): void {
    if (this.finished) throw new Error('JournalVerifier.finish() was already called');
  }

  /** `line`: the text `value` was parsed from, if it came from a line. */
  private check(value: unknown, line: string | undefined): void {
    const seq = (value as { seq?: unknown } | null)?.seq;
    if (!isSafeCount(seq)) {
      const where = this.lineNumber > 0 ? `line ${this.lineNumber}` : 'an entry';
      this.report({
        kind: 'malformed-entry',
        message: `${where}: no valid seq (expected seq ${this.nextSeq})`,
      });
      return;
    }
    if (seq < this.nextSeq) {
      // Located where the export goes wrong: the place where entry nextSeq should have been.
      this.report({
        seq: this.nextSeq,
        kind: 'seq-order',
        message: `entry ${seq} again (duplicate or out of order): expected seq ${this.nextSeq}, found ${seq}`,
      });
      return;
    }
    if (seq > this.nextSeq) {
      const missing =
        seq - this.nextSeq === 1
          ? `entry ${this.nextSeq} missing`
          : `entries ${this.nextSeq} to ${seq - 1} missing`;
      this.report({
        seq: this.nextSeq,
        kind: 'seq-gap',
        message: `${missing}: expected seq ${this.nextSeq}, found ${seq}`,
      });
      this.skipTo(seq);
    }
    if (this.firstSeq === undefined) this.firstSeq = seq;
    this.entryCount++;

    let read: { entry: JournalEntry; canonical: string; lineIsCanonical?: boolean };
    try {
      read = line === undefined ? readJournalEntry(value) : readExportLine(line, value);
    } catch (error) {
      if (!(error instanceof EntryFormatError)) throw error;
      this.report({ seq, kind: 'malformed-entry', message: `entry ${seq}: ${error.message}` });
      this.acceptUnreadable(value);
      return;
    }
    const { entry, canonical } = read;
    if (read.lineIsCanonical === false) {
      // The content is still checked below; only its spelling is wrong. A non-canonical line could
      // hold duplicate keys, which JSON parsers resolve differently: one export, two readings.
      this.report({
        seq,
        kind: 'malformed-entry',
        message: `entry ${seq}: line is not the canonical JSON (RFC 8785) of the entry, as exports are written`,
      });
    }
    const leaf = leafHashOfUtf8(canonical);
    const recomputed = leaf.toString('hex');
    if (recomputed !== entry.hash) {
      this.report({
        seq,
        kind: 'hash-mismatch',
        message: `entry ${seq}: hash does not match its content (recomputed ${recomputed}, recorded ${entry.hash})`,
      });
    }
    if (this.prevHash !== undefined && entry.prevHash !== this.prevHash) {
      this.report({
        seq,
        kind: 'broken-link',
        message:
          `entry ${seq}: prevHash does not link to entry ${seq - 1} (entry ${seq - 1} has hash ${this.prevHash}, ` +
          `entry ${seq} names ${entry.prevHash}): one of the two was altered`,
      });
    }
    // The chain continues from the recorded hash, so one altered entry is reported once, not twice;
    // the tree is rebuilt from recomputed hashes, so checkpoints judge the content itself.
    this.prevHash = entry.hash;
    this.range.push(leaf);
    this.nextSeq++;
    this.runEntryChecks(entry);
    this.reachCheckpoints();
  }

  /** Ends the stream and returns the result. */
  finish(): VerifyJournalResult {
    if (!this.finished) {
      this.finished = true;
      for (const { report, checkpoint } of this.pending.splice(0)) {
        report.status = 'beyond-export';
        report.message = `signed for ${checkpoint.size} entries, but the export holds only ${this.nextSeq}`;
        this.report({
          seq: this.nextSeq,
          kind: 'truncated',
          message:
            `checkpoint ${report.source} signs tree size ${checkpoint.size}, but the export ends at tree size ${this.nextSeq}: ` +
            `entries ${this.nextSeq} to ${checkpoint.size - 1} are missing (truncated export or deleted entries)`,
        });
      }
    }
    // Entries are checked in seq order, so the first located problem is at the first bad entry.
    const firstBad = this.problems.find((p) => p.seq !== undefined);
    return {
      ok: this.problems.length === 0 && this.problemsOmitted === 0,
      entries: this.entryCount,
      firstSeq: this.firstSeq,
      lastSeq: this.firstSeq === undefined ? undefined : this.nextSeq - 1,
      treeSize: this.range.size,
      rootHash: toHex(this.range.root()),
      firstBadSeq: firstBad?.seq,
      problems: [...this.problems],
      problemsOmitted: this.problemsOmitted,
      checkpoints: [...this.reports],
    };
  }

  private readStart(start: JournalStart | undefined): { range: CompactRange; prevHash: string | undefined } {
    if (start === undefined) return { range: CompactRange.empty(), prevHash: ZERO_HASH };
    try {
      const range =
        start.frontier instanceof CompactRange
          ? start.frontier.clone()
          : CompactRange.fromJSON(start.frontier);
      hashFromHex(start.prevHash, 'start prevHash');
      if ((range.size === 0) !== (start.prevHash === ZERO_HASH)) {
        throw new Error(
          `a start at tree size ${range.size} ${range.size === 0 ? 'must' : 'cannot'} follow ${ZERO_HASH}`,
        );
      }
      return { range, prevHash: start.prevHash };
    } catch (error) {
      this.report({ kind: 'bad-start', message: `start frontier unusable: ${(error as Error).message}` });
      return { range: CompactRange.empty(), prevHash: undefined };
    }
  }

  private openCheckpoints(options: VerifyJournalOptions): void {
    const verifiers = options.verifiers ?? [];
    const valid: PendingCheckpoint[] = [];
    for (const { source, note } of options.checkpoints ?? []) {
      const report: CheckpointReport = { source, status: 'invalid', signedBy: [], message: '' };
      this.reports.push(report);
      let checkpoint: Checkpoint;
      try {
        const opened = openCheckpoint(note, verifiers);
        checkpoint = opened.checkpoint;
        report.signedBy = opened.note.verified.map((s) => s.name);
        Object.assign(report, {
          origin: checkpoint.origin,
          treeSize: checkpoint.size,
          rootHash: toHex(checkpoint.rootHash),
          time: checkpointTime(checkpoint),
        });
        if (options.origin !== undefined && checkpoint.origin !== options.origin) {
          throw new CheckpointError(
            `origin is ${JSON.stringify(checkpoint.origin)}, expected ${JSON.stringify(options.origin)}`,
          );
        }
      } catch (error) {
        if (!(error instanceof NoteError || error instanceof CheckpointError)) throw error;
        const why =
          error instanceof NoteError && error.reason === 'UNVERIFIED'
            ? `no signature by a given verifier key (signed by: ${error.note?.unverified.map((s) => s.name).join(', ') || 'nobody'})`
            : error.message;
        report.message = why;
        this.report({ kind: 'checkpoint-invalid', message: `checkpoint ${source}: ${why}` });
        continue;
      }
      if (checkpoint.size < this.startSize) {
        report.status = 'before-export';
        report.message = `covers only entries before the export (which starts at seq ${this.startSize}); not compared`;
        continue;
      }
      valid.push({ report, checkpoint });
    }
    valid.sort((a, b) => a.checkpoint.size - b.checkpoint.size);
    this.pending.push(...valid);
    this.reachCheckpoints();
  }

  /** Compares every pending checkpoint whose size the export has reached. */
  private reachCheckpoints(): void {
    while (this.pending.length > 0 && this.pending[0].checkpoint.size <= this.nextSeq) {
      const { report, checkpoint } = this.pending.shift() as PendingCheckpoint;
      if (!this.aligned || checkpoint.size !== this.range.size) {
        report.status = 'unchecked';
        report.message = `not compared: the export is already broken before tree size ${checkpoint.size}`;
        continue;
      }
      const root = this.range.root();
      if (root.equals(checkpoint.rootHash)) {
        report.status = 'matched';
        report.message = `root at tree size ${checkpoint.size} matches`;
        this.lastMatchedSize = Math.max(this.lastMatchedSize ?? 0, checkpoint.size);
        continue;
      }
      const from = this.lastMatchedSize ?? this.startSize;
      report.status = 'mismatch';
      report.message = `root at tree size ${checkpoint.size} differs: recomputed ${toHex(root)}, signed ${toHex(checkpoint.rootHash)}`;
      this.report({
        kind: 'checkpoint-mismatch',
        message:
          `checkpoint ${report.source} (tree size ${checkpoint.size}) does not match the export: recomputed root ${toHex(root)}, ` +
          `signed root ${toHex(checkpoint.rootHash)}; some entry in ${from} to ${checkpoint.size - 1} differs from what was signed`,
      });
    }
  }

  /** After missing entries the tree no longer has one leaf per seq: later roots cannot be compared. */
  private skipTo(seq: number): void {
    this.nextSeq = seq;
    this.prevHash = undefined;
    this.aligned = false;
    this.reachCheckpoints();
  }

  /**
   * Keeps counting past an entry that could not be read: its recorded hash (if well formed) stands in
   * for its leaf and chain link, so one bad entry does not make every later one look bad.
   */
  private acceptUnreadable(value: unknown): void {
    const recorded = (value as { hash?: unknown }).hash;
    if (isHashHex(recorded)) {
      this.range.push(Buffer.from(recorded, 'hex'));
      this.prevHash = recorded;
    } else {
      this.prevHash = undefined;
      this.aligned = false;
    }
    this.nextSeq++;
    this.reachCheckpoints();
  }

  private runEntryChecks(entry: JournalEntry): void {
    for (const check of this.entryChecks) {
      let result: EntryCheckResult;
      try {
        result = check(entry);
      } catch (error) {
        result = { message: `entry check failed: ${(error as Error).message}` };
      }
      if (result === undefined) continue;
      const { kind = 'entry-check', message } = typeof result === 'string' ? { message: result } : result;
      this.report({ seq: entry.seq, kind, message: `entry ${entry.seq}: ${message}` });
    }
  }

  private report(problem: JournalProblem): void {
    if (this.problems.length < this.maxProblems) this.problems.push(problem);
    else this.problemsOmitted++;
  }
}

/** Verifies an export given as lines. */
export async function verifyJournal(
  lines: AsyncIterable<string> | Iterable<string>,
  options: VerifyJournalOptions = {},
): Promise<VerifyJournalResult> {
  const verifier = new JournalVerifier(options);
  for await (const line of lines) verifier.addLine(line);
  return verifier.finish();
}

/**
 * Verifies an export given as a stream of bytes, e.g. fs.createReadStream(path): the fastest way to
 * check a file. Throws Utf8Error if the export is not UTF-8.
 */
export async function verifyJournalStream(
  chunks: AsyncIterable<Buffer | string>,
  options: VerifyJournalOptions = {},
): Promise<VerifyJournalResult> {
  const verifier = new JournalVerifier(options);
  for await (const batch of lineBatches(chunks)) for (const line of batch) verifier.addLine(line);
  return verifier.finish();
}
