// The offline check of erasures of personal data (docs/privacy.md section 4), an EntryCheck for the
// ledger's verifyJournal beside the claim check. Plain TypeScript, no NestJS.
//
// In seq order it keeps every record that journals a commitment to personal data (PRIZE_CLAIMED,
// WINNER_CONTACT_ATTEMPTED, COMPLAINT_FILED), the jurisdiction each raffle's journaled rules name, and
// the records erased so far. It reports, at the PERSONAL_DATA_ERASED entry:
//   - an erasure not in the documented format;
//   - an erasure of a record not journaled before it, or journaled as another kind of record;
//   - an erasure whose raffle or commitment is not the record's, or of a complaint filed without
//     contact details (there was nothing to erase);
//   - an erasure dated before the record was made;
//   - a second erasure of one record;
//   - an erasure on the basis RETENTION_ENDED dated before the end of the record's retention period,
//     as the profile of the raffle's journaled jurisdiction sets it (the profile's values are the
//     verifier's declaration, src/jurisdiction/jurisdiction-profiles.ts: the journal names the
//     jurisdiction, not its booksYears).
// What it cannot check (a record or the raffle's rules before the start of a partial read, a
// jurisdiction this verifier does not declare) is listed as not checked.

import { COMPLAINT_FILED, readComplaintFiled } from '../../complaint/core/complaint-entries.js';
import {
  PRIZE_CLAIMED,
  readPrizeClaimed,
  readWinnerContactAttempted,
  WINNER_CONTACT_ATTEMPTED,
} from '../../draw/core/claim-entries.js';
import { DrawFormatError } from '../../draw/core/draw-format-error.js';
import { isJurisdictionCode, jurisdictionProfile } from '../../jurisdiction/jurisdiction-profiles.js';
import type { EntryCheck, EntryCheckResult, JournalEntry } from '../../ledger/core/index.js';
import { type ErasableKind, PERSONAL_DATA_ERASED, readPersonalDataErased, retentionEnds } from './erasure.js';

export const ERASURE_CHECK_KIND = 'erasure-check';

/** The entries whose rules name a raffle's jurisdiction (docs/sales.md, Raffles); the last one read counts: RAFFLE_OPENED freezes them. */
const RULES_ENTRIES = new Set(['RAFFLE_CREATED', 'RAFFLE_UPDATED', 'RAFFLE_OPENED']);

export interface Retention {
  booksYears: number;
  fromQuarterEnd: boolean;
}

/** The retention period of a jurisdiction code, or undefined for a code the verifier does not know. */
export type RetentionOf = (jurisdiction: string) => Retention | undefined;

/** The retention periods this verifier declares (DATA-5), the ones the service enforces. */
export const declaredRetention: RetentionOf = (jurisdiction) =>
  isJurisdictionCode(jurisdiction) ? jurisdictionProfile(jurisdiction).retention.value : undefined;

export interface ErasureCheckSummary {
  /** PERSONAL_DATA_ERASED entries read. */
  erasures: number;
  /** Erasures matched to a record journaled before them, with its commitment. */
  matched: number;
  /** RETENTION_ENDED erasures whose date was checked against the end of the retention period. */
  retentionChecked: number;
  notChecked: string[];
}

export type ErasureCheck = EntryCheck & { summary(): ErasureCheckSummary };

interface RecordSeen {
  seq: number;
  raffleId: string;
  /** Null: a complaint filed without contact details. */
  commitment: string | null;
  recordedAt: string;
}

/** A record as its entry journals it, or undefined for any other entry (or a malformed one). */
function recordOf(
  entry: Readonly<JournalEntry>,
): { kind: ErasableKind; id: string; record: RecordSeen } | undefined {
  try {
    if (entry.type === PRIZE_CLAIMED) {
      const c = readPrizeClaimed(entry.payload);
      return {
        kind: 'claim',
        id: c.claimId,
        record: {
          seq: entry.seq,
          raffleId: c.raffleId,
          commitment: c.personalData.commitment,
          recordedAt: c.claimedAt,
        },
      };
    }
    if (entry.type === WINNER_CONTACT_ATTEMPTED) {
      const a = readWinnerContactAttempted(entry.payload);
      return {
        kind: 'contact-attempt',
        id: a.attemptId,
        record: {
          seq: entry.seq,
          raffleId: a.raffleId,
          commitment: a.personalData.commitment,
          recordedAt: a.attemptedAt,
        },
      };
    }
    if (entry.type === COMPLAINT_FILED) {
      const f = readComplaintFiled(entry.payload);
      return {
        kind: 'complaint',
        id: f.complaintId,
        record: {
          seq: entry.seq,
          raffleId: f.raffleId,
          commitment: f.personalData?.commitment ?? null,
          recordedAt: f.filedAt,
        },
      };
    }
  } catch (error) {
    // A malformed record is the claim check's (or the complaint format's) to report; an erasure of it
    // then names a record that is not journaled.
    if (!(error instanceof DrawFormatError)) throw error;
  }
  return undefined;
}

export function createErasureCheck(retentionOf: RetentionOf = declaredRetention): ErasureCheck {
  /** Records by id, then by kind (ids are UUIDs; the kind an erasure names must be the record's). */
  const records = new Map<string, Map<ErasableKind, RecordSeen>>();
  const erased = new Map<string, number>();
  const jurisdictions = new Map<string, string>();
  const summary: ErasureCheckSummary = { erasures: 0, matched: 0, retentionChecked: 0, notChecked: [] };
  let firstSeq: number | undefined;

  function remember(entry: Readonly<JournalEntry>): void {
    const found = recordOf(entry);
    if (found) {
      let kinds = records.get(found.id);
      if (!kinds) records.set(found.id, (kinds = new Map()));
      // The first one counts: a record journaled twice is the claim check's to report.
      if (!kinds.has(found.kind)) kinds.set(found.kind, found.record);
      return;
    }
    if (RULES_ENTRIES.has(entry.type)) {
      const p = entry.payload as Record<string, unknown>;
      const rules = p.rules as Record<string, unknown> | null | undefined;
      if (typeof p.raffleId === 'string' && typeof rules?.jurisdiction === 'string')
        jurisdictions.set(p.raffleId, rules.jurisdiction);
    }
  }

  function erasure(entry: Readonly<JournalEntry>): string[] {
    summary.erasures++;
    const e = readPersonalDataErased(entry.payload);
    const name = `erasure of ${e.recordKind} ${e.recordId}`;
    const problems: string[] = [];
    const key = `${e.recordKind}\n${e.recordId}`;
    const earlier = erased.get(key);
    if (earlier !== undefined) problems.push(`the ${e.recordKind} was erased already at entry ${earlier}`);
    else erased.set(key, entry.seq);

    const kinds = records.get(e.recordId);
    const record = kinds?.get(e.recordKind);
    if (!record) {
      if (kinds) {
        const other = [...kinds].map(([kind, r]) => `a ${kind} (entry ${r.seq})`).join(' and ');
        problems.push(`${e.recordId} is journaled as ${other}, not as a ${e.recordKind}`);
      } else if (firstSeq === 0) {
        problems.push(`no ${e.recordKind} ${e.recordId} is journaled before it`);
      } else {
        summary.notChecked.push(
          `${name} (entry ${entry.seq}): the journal read starts at entry ${firstSeq}, so its record may be before it`,
        );
      }
      return problems.map((p) => `${name}: ${p}`);
    }
    const at = `the ${e.recordKind} journaled at entry ${record.seq}`;
    const before = problems.length;
    if (record.raffleId !== e.raffleId)
      problems.push(`${at} is of raffle ${record.raffleId}, not ${e.raffleId}`);
    if (record.commitment === null) {
      problems.push(
        `${at} holds no personal data (filed without contact details): there was nothing to erase`,
      );
    } else if (record.commitment !== e.commitment) {
      problems.push(`commitment ${e.commitment} is not the one of ${at} (${record.commitment})`);
    }
    const erasedAt = Date.parse(e.erasedAt);
    const recordedAt = Date.parse(record.recordedAt);
    if (erasedAt < recordedAt)
      problems.push(`erased at ${e.erasedAt}, before ${at} was made (${record.recordedAt})`);
    if (problems.length === before) summary.matched++;

    if (e.basis === 'RETENTION_ENDED') {
      const jurisdiction = jurisdictions.get(record.raffleId);
      const retention = jurisdiction === undefined ? undefined : retentionOf(jurisdiction);
      if (jurisdiction === undefined) {
        summary.notChecked.push(
          `${name} (entry ${entry.seq}): basis RETENTION_ENDED, but no rules of raffle ${record.raffleId} are journaled before it in the read`,
        );
      } else if (!retention) {
        summary.notChecked.push(
          `${name} (entry ${entry.seq}): basis RETENTION_ENDED, but jurisdiction ${jurisdiction} is not one this verifier declares`,
        );
      } else {
        summary.retentionChecked++;
        const ends = retentionEnds(new Date(recordedAt), retention);
        if (erasedAt < ends.getTime()) {
          const from = retention.fromQuarterEnd ? ' from the end of the quarter' : '';
          problems.push(
            `basis RETENTION_ENDED at ${e.erasedAt}, but ${jurisdiction} keeps ${at} ${retention.booksYears} years${from}, until ${ends.toISOString()}`,
          );
        }
      }
    }
    return problems.map((p) => `${name}: ${p}`);
  }

  const check = (entry: Readonly<JournalEntry>): EntryCheckResult => {
    firstSeq ??= entry.seq;
    let problems: string[] = [];
    if (entry.type !== PERSONAL_DATA_ERASED) remember(entry);
    else {
      try {
        problems = erasure(entry);
      } catch (error) {
        if (!(error instanceof DrawFormatError)) throw error;
        problems = [`${PERSONAL_DATA_ERASED} is not in the documented format: ${error.message}`];
      }
    }
    return problems.length > 0 ? { kind: ERASURE_CHECK_KIND, message: problems.join('; ') } : undefined;
  };
  return Object.assign(check, {
    summary: () => ({ ...summary, notChecked: [...summary.notChecked] }),
  });
}
