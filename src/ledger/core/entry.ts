// The journal entry format (docs/ledger-format.md).
//
// An entry is {seq, type, subject, payload, time, prevHash, hash}. Its bytes are the UTF-8 of the
// RFC 8785 canonical JSON of {seq, type, subject, payload, time, prevHash}, and
// hash = SHA-256(0x00 || bytes), its RFC 9162 leaf hash. Because the bytes include prevHash, the leaf
// hash is also the link of the hash chain: changing any entry breaks the link from its successor, and
// the Merkle root over all leaf hashes commits to the whole journal.

import { isSafeCount } from './bits.js';
import { canonicalizeChecked } from './canonical-json.js';
import { isHashHex } from './encoding.js';
import { checkJsonValue, type JsonObject, JsonValueError } from './json-value.js';
import { leafHashOfUtf8 } from './rfc9162.js';

/** prevHash of entry 0: 64 zeros. */
export const ZERO_HASH = '0'.repeat(64);

/** What the application hands the sequencer. */
export interface EntryDraft {
  /** Upper-case identifier of the event, e.g. 'TICKETS_SOLD'. */
  type: string;
  /** What the event is about (e.g. a raffle id), or null. */
  subject: string | null;
  /** Event details; must round-trip through JSON exactly (see json-value.ts). */
  payload: JsonObject;
  /** UTC ISO-8601 with milliseconds, e.g. '2026-11-23T08:00:00.000Z'. */
  time: string;
}

/** The hashed fields of an entry. */
export interface UnhashedEntry extends EntryDraft {
  /** Position in the journal: 0, 1, 2, ... without gaps; also the Merkle leaf index. */
  seq: number;
  /** Lowercase hex hash of the previous entry; ZERO_HASH for seq 0. */
  prevHash: string;
}

export interface JournalEntry extends UnhashedEntry {
  /** Lowercase hex of leafHash(entryBytes(entry)). */
  hash: string;
}

/** The seven fields of an entry. (An export line lists them in RFC 8785 order, hash first.) */
export const ENTRY_FIELDS = ['seq', 'type', 'subject', 'payload', 'time', 'prevHash', 'hash'] as const;

const TYPE_PATTERN = /^[A-Z][A-Z0-9_]{0,63}$/;
const TIME_PATTERN = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const MAX_SUBJECT_LENGTH = 256;

export class EntryFormatError extends Error {
  override readonly name = 'EntryFormatError';

  constructor(
    /** The offending field, e.g. 'time' or 'payload.items[3].price'. */
    readonly field: string,
    /** What is wrong with it. */
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}

/** The number written by `length` ASCII digits at `from` (the caller has checked they are digits). */
function digitsAt(text: string, from: number, length: number): number {
  let n = 0;
  for (let i = from; i < from + length; i++) n = n * 10 + text.charCodeAt(i) - 48;
  return n;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/**
 * True for UTC ISO-8601 timestamps with milliseconds that name a real instant, exactly as
 * Date.prototype.toISOString writes them for years 0000-9999. (Checked by hand rather than with
 * Date.parse, which is a tenth of the verifier's time otherwise.)
 */
export function isEntryTime(value: unknown): value is string {
  if (typeof value !== 'string' || !TIME_PATTERN.test(value)) return false;
  const month = digitsAt(value, 5, 2);
  const day = digitsAt(value, 8, 2);
  return (
    month >= 1 &&
    month <= 12 &&
    day >= 1 &&
    day <= daysInMonth(digitsAt(value, 0, 4), month) &&
    digitsAt(value, 11, 2) <= 23 &&
    digitsAt(value, 14, 2) <= 59 &&
    digitsAt(value, 17, 2) <= 59
  );
}

/** Checks an entry's type; throws EntryFormatError. */
function checkType(type: unknown): void {
  if (typeof type !== 'string' || !TYPE_PATTERN.test(type)) {
    throw new EntryFormatError('type', 'must be 1-64 characters of A-Z, 0-9 and _, starting with a letter');
  }
}

/** Checks an entry's subject; throws EntryFormatError. */
function checkSubject(subject: unknown): void {
  if (subject === null) return;
  if (typeof subject !== 'string' || subject.length === 0 || subject.length > MAX_SUBJECT_LENGTH) {
    throw new EntryFormatError('subject', `must be null or a string of 1-${MAX_SUBJECT_LENGTH} characters`);
  }
  try {
    checkJsonValue(subject, true); // A string: nothing to gain from the full walk.
  } catch (error) {
    if (error instanceof JsonValueError) throw new EntryFormatError('subject', error.problem);
    throw error;
  }
}

function checkTime(time: unknown): void {
  if (!isEntryTime(time)) {
    throw new EntryFormatError(
      'time',
      "must be a UTC ISO-8601 time with milliseconds, e.g. '2026-11-23T08:00:00.000Z'",
    );
  }
}

/** Checks a payload; returns whether its keys are already in canonical order. Throws EntryFormatError. */
function checkPayload(payload: unknown, fromJsonParse: boolean): boolean {
  if (typeof payload !== 'object' || payload === null || Array.isArray(payload)) {
    throw new EntryFormatError('payload', 'must be a JSON object');
  }
  try {
    return checkJsonValue(payload, fromJsonParse);
  } catch (error) {
    if (error instanceof JsonValueError) throw new EntryFormatError(error.pathText('payload'), error.problem);
    throw error;
  }
}

/**
 * Validates the hashed fields; returns whether the payload keys are already in canonical order.
 * `fromJsonParse`: the entry was just parsed from JSON (see checkJsonValue).
 */
function checkUnhashedEntry(entry: UnhashedEntry, fromJsonParse = false): boolean {
  if (!isSafeCount(entry.seq)) throw new EntryFormatError('seq', 'must be an integer between 0 and 2^53-1');
  checkType(entry.type);
  checkSubject(entry.subject);
  if (typeof entry.payload !== 'object' || entry.payload === null || Array.isArray(entry.payload)) {
    throw new EntryFormatError('payload', 'must be a JSON object');
  }
  checkTime(entry.time);
  if (!isHashHex(entry.prevHash)) throw new EntryFormatError('prevHash', 'must be 64 lowercase hex digits');
  if (entry.seq === 0 && entry.prevHash !== ZERO_HASH) {
    throw new EntryFormatError('prevHash', 'entry 0 has no predecessor: its prevHash must be 64 zeros');
  }
  return checkPayload(entry.payload, fromJsonParse);
}

function canonicalText(entry: UnhashedEntry, payloadSorted: boolean): string {
  // Built in RFC 8785 key order (payload < prevHash < seq < subject < time < type), so a payload whose
  // keys are in order makes the whole object ordered, and JSON.stringify is canonical.
  const hashed = {
    payload: entry.payload,
    prevHash: entry.prevHash,
    seq: entry.seq,
    subject: entry.subject,
    time: entry.time,
    type: entry.type,
  };
  return payloadSorted ? JSON.stringify(hashed) : canonicalizeChecked(hashed);
}

/** The RFC 8785 canonical JSON text of the hashed fields; entryBytes is its UTF-8. */
export function entryCanonicalText(entry: UnhashedEntry): string {
  return canonicalText(entry, checkUnhashedEntry(entry));
}

/** UTF-8 of the RFC 8785 canonical JSON of {seq, type, subject, payload, time, prevHash}. */
export function entryBytes(entry: UnhashedEntry): Buffer {
  return Buffer.from(entryCanonicalText(entry), 'utf8');
}

/** leafHash(entryBytes(entry)) in lowercase hex. */
export function computeEntryHash(entry: UnhashedEntry): string {
  return leafHashOfUtf8(entryCanonicalText(entry)).toString('hex');
}

/**
 * Assigns seq, prevHash and hash to a batch of drafts that follow the entry with hash `prevHash`
 * (ZERO_HASH for an empty journal) and get seqs from `startSeq` on. The returned entries carry their
 * own copy of each payload, exactly as hashed, so later changes to a draft cannot desynchronise them.
 * Throws EntryFormatError naming the draft and field of the first invalid draft.
 */
export function chainEntries(
  prevHash: string,
  startSeq: number,
  drafts: readonly EntryDraft[],
): JournalEntry[] {
  checkChainStart(prevHash, startSeq);
  const entries: JournalEntry[] = [];
  let link = prevHash;
  drafts.forEach((draft, i) => {
    const unhashed: UnhashedEntry = {
      seq: startSeq + i,
      type: draft.type,
      subject: draft.subject,
      payload: draft.payload,
      time: draft.time,
      prevHash: link,
    };
    let text: string;
    try {
      text = entryCanonicalText(unhashed);
    } catch (error) {
      if (error instanceof EntryFormatError)
        throw new EntryFormatError(`drafts[${i}].${error.field}`, error.problem);
      throw error;
    }
    const hash = leafHashOfUtf8(text).toString('hex');
    const payload = (JSON.parse(text) as { payload: JsonObject }).payload;
    entries.push({ ...unhashed, payload, hash });
    link = hash;
  });
  return entries;
}

/**
 * Validates what an application hands the journal (type, subject, payload) exactly as an entry's
 * fields are validated, and returns the payload's RFC 8785 canonical JSON text: the form in which
 * it is queued, stored and hashed, computed once per append. Throws EntryFormatError.
 */
export function canonicalDraftPayload(draft: Pick<EntryDraft, 'type' | 'subject' | 'payload'>): string {
  checkType(draft.type);
  checkSubject(draft.subject);
  const sorted = checkPayload(draft.payload, false);
  return sorted ? JSON.stringify(draft.payload) : canonicalizeChecked(draft.payload);
}

/** A draft whose payload is already canonical JSON text (see canonicalDraftPayload). */
export interface CanonicalDraft {
  type: string;
  subject: string | null;
  /** RFC 8785 canonical JSON of a JSON object. */
  canonicalPayload: string;
  time: string;
}

/**
 * The canonical text of an entry whose payload is already canonical JSON text. The fields are
 * written in RFC 8785 key order around the payload text, so the payload is neither parsed into
 * objects nor serialised again: this is entryCanonicalText for the sequencer's hot path.
 */
function canonicalTextAround(canonicalPayload: string, entry: Omit<UnhashedEntry, 'payload'>): string {
  return (
    `{"payload":${canonicalPayload},"prevHash":"${entry.prevHash}","seq":${entry.seq},` +
    `"subject":${JSON.stringify(entry.subject)},"time":"${entry.time}","type":"${entry.type}"}`
  );
}

/** What chainCanonicalDrafts gives each draft: its place in the chain. */
export interface ChainLink {
  seq: number;
  /** Lowercase hex. */
  prevHash: string;
  /** Lowercase hex. */
  hash: string;
}

/**
 * chainEntries for drafts whose payloads are canonical text (as the journal queue holds them).
 * Type, subject and time are checked as for any entry; a payload must be the text of one JSON
 * object, so that it cannot add members to the entry around it. Its canonical form is the queue's
 * promise (canonicalDraftPayload made it), and the verifier rejects an entry that breaks it.
 * Throws EntryFormatError naming the draft and field of the first invalid draft.
 *
 * `payloads: 'made-here'` skips parsing the payload texts again: only for texts canonicalDraftPayload
 * returned in this process a moment ago (an integrating transaction's own entries), never for texts
 * read back from the queue.
 */
export function chainCanonicalDrafts(
  prevHash: string,
  startSeq: number,
  drafts: readonly CanonicalDraft[],
  payloads: 'check' | 'made-here' = 'check',
): ChainLink[] {
  checkChainStart(prevHash, startSeq);
  const links: ChainLink[] = [];
  let link = prevHash;
  drafts.forEach((draft, i) => {
    try {
      checkType(draft.type);
      checkSubject(draft.subject);
      checkTime(draft.time);
      if (payloads === 'check') checkPayloadText(draft.canonicalPayload);
    } catch (error) {
      if (error instanceof EntryFormatError)
        throw new EntryFormatError(`drafts[${i}].${error.field}`, error.problem);
      throw error;
    }
    const seq = startSeq + i;
    const text = canonicalTextAround(draft.canonicalPayload, {
      seq,
      type: draft.type,
      subject: draft.subject,
      time: draft.time,
      prevHash: link,
    });
    const hash = leafHashOfUtf8(text).toString('hex');
    links.push({ seq, prevHash: link, hash });
    link = hash;
  });
  return links;
}

function checkPayloadText(text: string): void {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new EntryFormatError('payload', 'is not JSON text');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new EntryFormatError('payload', 'must be a JSON object');
  }
}

function checkChainStart(prevHash: string, startSeq: number): void {
  if (!isSafeCount(startSeq))
    throw new EntryFormatError('startSeq', 'must be an integer between 0 and 2^53-1');
  if (!isHashHex(prevHash)) throw new EntryFormatError('prevHash', 'must be 64 lowercase hex digits');
  if (startSeq === 0 && prevHash !== ZERO_HASH) {
    throw new EntryFormatError('prevHash', 'the first entry of a journal follows ZERO_HASH');
  }
  if (startSeq > 0 && prevHash === ZERO_HASH) {
    throw new EntryFormatError(
      'prevHash',
      `entry ${startSeq} must follow the hash of entry ${startSeq - 1}, not ZERO_HASH`,
    );
  }
}

const ENTRY_FIELD_SET: ReadonlySet<string> = new Set(ENTRY_FIELDS);
/** The fields in RFC 8785 order, as an export line lists them. */
const EXPORT_FIELD_ORDER = [...ENTRY_FIELDS].sort();
/** Length of '{"hash":"<64 hex digits>",', the part of an export line before the canonical bytes' first member. */
const EXPORT_LINE_HASH_PREFIX = 75;

type FieldLayout = 'ordered' | 'unordered' | 'wrong-fields' | 'not-object';

/** 'ordered': exactly the entry fields, in export order; 'unordered': the same fields in another order. */
function fieldLayout(value: unknown): FieldLayout {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not-object';
  const keys = Object.keys(value);
  if (keys.length !== ENTRY_FIELDS.length) return 'wrong-fields';
  let ordered = true;
  for (let i = 0; i < keys.length; i++) {
    if (!ENTRY_FIELD_SET.has(keys[i])) return 'wrong-fields';
    if (keys[i] !== EXPORT_FIELD_ORDER[i]) ordered = false;
  }
  return ordered ? 'ordered' : 'unordered';
}

/**
 * One line of a journal export: the RFC 8785 canonical JSON of the whole entry, so `hash` comes
 * first and the rest is exactly the entry's canonical bytes. Written this way, a line's payload keys
 * are already in canonical order and the verifier never needs the slower canonicalisation path.
 */
export function exportLine(entry: JournalEntry): string {
  if (!isHashHex(entry.hash)) throw new EntryFormatError('hash', 'must be 64 lowercase hex digits');
  return canonicalExportLine(entry.hash, entryCanonicalText(entry));
}

/** The export line of an entry from its hash and canonical text ("hash" sorts before every other field). */
export function canonicalExportLine(hash: string, canonicalText: string): string {
  return `{"hash":"${hash}",${canonicalText.slice(1)}`;
}

/**
 * Reads an entry (for example a database row) with exactly the fields ENTRY_FIELDS, all valid.
 * Returns the entry and the canonical text its hash must be computed over; does not check the hash
 * itself. Throws EntryFormatError.
 */
export function readJournalEntry(value: unknown): { entry: JournalEntry; canonical: string } {
  const entry = checkEntryFields(value, fieldLayout(value));
  const canonical = canonicalText(entry, checkUnhashedEntry(entry));
  if (!isHashHex(entry.hash)) throw new EntryFormatError('hash', 'must be 64 lowercase hex digits');
  return { entry, canonical };
}

/**
 * Reads one export line, given with the value JSON.parse made of it. Like readJournalEntry, and
 * also tells whether the line is exactly the canonical export line of the entry (see exportLine).
 */
export function readExportLine(
  line: string,
  value: unknown,
): { entry: JournalEntry; canonical: string; lineIsCanonical: boolean } {
  const layout = fieldLayout(value);
  const entry = checkEntryFields(value, layout);
  const sorted = checkUnhashedEntry(entry, true);
  if (!isHashHex(entry.hash)) throw new EntryFormatError('hash', 'must be 64 lowercase hex digits');
  if (sorted && layout === 'ordered') {
    // Every key is in canonical order, so JSON.stringify writes the canonical export line, whose
    // tail after the hash member is the canonical text: no second serialisation is needed.
    const text = JSON.stringify(value);
    return { entry, canonical: `{${text.slice(EXPORT_LINE_HASH_PREFIX)}`, lineIsCanonical: text === line };
  }
  const canonical = canonicalText(entry, sorted);
  return { entry, canonical, lineIsCanonical: line === canonicalExportLine(entry.hash, canonical) };
}

function checkEntryFields(value: unknown, layout: FieldLayout): JournalEntry {
  if (layout === 'not-object') throw new EntryFormatError('entry', 'must be a JSON object');
  if (layout === 'wrong-fields') {
    const missing = ENTRY_FIELDS.filter((f) => !Object.hasOwn(value as object, f));
    const extra = Object.keys(value as object).filter((k) => !ENTRY_FIELD_SET.has(k));
    const parts = [
      missing.length ? `missing ${missing.join(', ')}` : '',
      extra.length ? `unexpected ${extra.join(', ')}` : '',
    ];
    throw new EntryFormatError(
      'entry',
      `must have exactly the fields ${ENTRY_FIELDS.join(', ')} (${parts.filter(Boolean).join('; ')})`,
    );
  }
  return value as JournalEntry;
}
