// The export bundle an auditor verifies offline (docs/auditor-guide.md): the journal as NDJSON, the
// signed checkpoint of its size, the checkpoints anchored outside the database, the signing key, and
// every report as JSON, CSV and PDF, all pinned to one tree size. Plain TypeScript, no NestJS, no I/O:
// the writer and the verifier's command line do the reading and writing.

import { canonicalJson } from '../../ledger/core/canonical-json.js';
import type { JournalEntry } from '../../ledger/core/entry.js';
import type { JsonValue } from '../../ledger/core/json-value.js';
import type { EntryCheck } from '../../ledger/core/verify-journal.js';
import type { EventCategory } from '../../audit/event-catalogue.js';
import { REPORT_FORMAT, REPORT_KINDS, type ReportKind } from './report-document.js';
import { totalsCollector, type TotalsCollector } from './report-totals.js';

export const BUNDLE_FORMAT = 'fairdraw-bundle-v1';
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  journal: 'journal.ndjson',
  checkpoint: 'checkpoint.txt',
  anchoredDir: 'checkpoints',
  publicKey: 'public-key.json',
  reportsDir: 'reports',
} as const;

export interface BundleFile {
  path: string;
  sha256: string;
  bytes: number;
}

export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  createdAt: string;
  /** The service the bundle was read from, as given to the writer. */
  source: string;
  treeSize: number;
  rootHash: string;
  verifierKey: string;
  raffles: string[];
  /** Every other file of the bundle with its SHA-256 (lowercase hex). */
  files: BundleFile[];
}

/** The bundled JSON report as the verifier reads it (only the members it checks). */
export interface BundledReport {
  path: string;
  format: string;
  report: string;
  filter: { raffleId: string | null; from: string | null; to: string | null };
  facts?: Array<{ label: string; value: unknown }>;
  ledger: { treeSize: number; rootHash: string; checkpoint: string };
  totals: Record<string, unknown>;
  sections: Array<{ id: string; rows: Array<Record<string, unknown>> }>;
}

export interface BundleProblem {
  kind: 'bundle-file' | 'report';
  message: string;
}

export interface ReportCheckOutcome {
  path: string;
  report: string;
  ok: boolean;
  messages: string[];
}

/**
 * Recomputes every bundled report from the journal as the verifier reads it: `entryCheck` goes into
 * the journal verifier's entry checks; `finish` compares, once the export is read.
 */
export function bundledReportChecks(reports: readonly BundledReport[]): {
  entryCheck: EntryCheck;
  finish(exportResult: { treeSize: number; rootHash: string }): ReportCheckOutcome[];
} {
  const readable: Array<{ report: BundledReport; collector: TotalsCollector | null; problem?: string }> =
    reports.map((report) => {
      if (report.format !== REPORT_FORMAT || !(REPORT_KINDS as readonly string[]).includes(report.report)) {
        return { report, collector: null, problem: `not a ${REPORT_FORMAT} report of a known kind` };
      }
      const categories = report.report === 'significant-events' ? categoriesOf(report) : undefined;
      return {
        report,
        collector: totalsCollector(report.report as ReportKind, { ...report.filter, categories }),
      };
    });
  return {
    entryCheck(entry: Readonly<JournalEntry>) {
      for (const r of readable) {
        if (r.collector && entry.seq < r.report.ledger.treeSize) r.collector.add(entry);
      }
    },
    finish(exportResult) {
      return readable.map(({ report, collector, problem }) => {
        const messages: string[] = [];
        if (problem) messages.push(problem);
        if (report.ledger.treeSize !== exportResult.treeSize) {
          messages.push(
            `computed at tree size ${report.ledger.treeSize}, but the bundle's journal has ${exportResult.treeSize} entries`,
          );
        } else if (report.ledger.rootHash !== exportResult.rootHash) {
          messages.push(
            `states root ${report.ledger.rootHash}, the journal's root at that size is ${exportResult.rootHash}`,
          );
        }
        if (collector) {
          const recomputed = collector.result();
          for (const difference of differences(report.totals, recomputed, 'totals'))
            messages.push(difference);
        }
        if (report.report === 'ticket-register') messages.push(...registerProblems(report));
        if (report.report === 'bearer-tickets') messages.push(...receiptProblems(report));
        return { path: report.path, report: report.report, ok: messages.length === 0, messages };
      });
    },
  };
}

function categoriesOf(report: BundledReport): EventCategory[] | undefined {
  const fact = report.facts?.find((f) => f.label === 'Categories');
  return typeof fact?.value === 'string' ? (fact.value.split(', ') as EventCategory[]) : undefined;
}

/** Where two JSON values differ, as `path: stated X, journal says Y` (at most 20). */
export function differences(
  stated: unknown,
  recomputed: unknown,
  path: string,
  out: string[] = [],
): string[] {
  if (out.length >= 20) return out;
  const sameShape =
    stated !== null &&
    recomputed !== null &&
    typeof stated === 'object' &&
    typeof recomputed === 'object' &&
    Array.isArray(stated) === Array.isArray(recomputed);
  if (sameShape) {
    const keys = new Set([...Object.keys(stated as object), ...Object.keys(recomputed as object)]);
    for (const key of keys) {
      differences(
        (stated as Record<string, unknown>)[key],
        (recomputed as Record<string, unknown>)[key],
        Array.isArray(stated) ? `${path}[${key}]` : `${path}.${key}`,
        out,
      );
    }
    return out;
  }
  const a = stated === undefined ? 'nothing' : canonicalJson(stated as JsonValue);
  const b = recomputed === undefined ? 'nothing' : canonicalJson(recomputed as JsonValue);
  if (a !== b) out.push(`${path}: the report states ${a}, the journal gives ${b}`);
  return out;
}

/**
 * The bearer-ticket report's rows must add up, status by status, to its totals (which the verifier
 * recomputed from the journal): a receipt left out, added or given another status is named.
 */
function receiptProblems(report: BundledReport): string[] {
  const receipts = report.sections.find((s) => s.id === 'receipts');
  const totals = report.totals as {
    issued?: { orders: number; tickets: number; amountMinor: number };
    byStatus?: Record<string, { orders: number; tickets: number; amountMinor: number }>;
    reprints?: number;
  };
  if (!receipts || !totals.issued || !totals.byStatus) return ['no receipts section or no receipt totals'];
  const sum = (rows: Array<Record<string, unknown>>) => ({
    orders: rows.length,
    tickets: rows.reduce((n, r) => n + Number(r.tickets), 0),
    amountMinor: rows.reduce((n, r) => n + Number(r.priceMinor), 0),
  });
  const problems: string[] = [];
  const compare = (what: string, rows: Array<Record<string, unknown>>, expected: object) => {
    const found = sum(rows);
    if (canonicalJson(found as JsonValue) !== canonicalJson(expected as JsonValue)) {
      problems.push(
        `receipts: ${what} rows add up to ${canonicalJson(found as JsonValue)}, the journal gives ${canonicalJson(expected as JsonValue)}`,
      );
    }
  };
  compare('all', receipts.rows, totals.issued);
  for (const [status, expected] of Object.entries(totals.byStatus)) {
    compare(
      status,
      receipts.rows.filter((r) => r.status === status),
      expected,
    );
  }
  const reprints = receipts.rows.reduce((n, r) => n + Number(r.reprints), 0);
  if (reprints !== totals.reprints) {
    problems.push(`receipts: rows count ${reprints} reprints, the journal gives ${String(totals.reprints)}`);
  }
  return problems;
}

/** The register's ranges must tile 1..maximum, and their counts by status equal the journal's. */
function registerProblems(report: BundledReport): string[] {
  const problems: string[] = [];
  const register = report.sections.find((s) => s.id === 'register');
  const numbers = report.totals.numbers as Record<string, number> | undefined;
  const maxTickets = report.totals.maxTickets as number | null | undefined;
  if (!register || !numbers) return ['no register section or no number totals'];
  const byStatus: Record<string, number> = {};
  let next = 1;
  for (const row of register.rows) {
    // A range row has first and last; a per-number row has number.
    const from = (row.first ?? row.number) as number;
    const to = (row.last ?? row.number) as number;
    if (from !== next || !(to >= from)) {
      problems.push(`register: expected number ${next} next, found ${from}`);
      break;
    }
    byStatus[row.status as string] = (byStatus[row.status as string] ?? 0) + (to - from + 1);
    next = to + 1;
  }
  const expected: Record<string, number> = {
    SOLD: numbers.sold,
    VOIDED: numbers.voided,
    RESERVED: numbers.reserved,
    RETURNED: numbers.returned,
  };
  if (typeof maxTickets === 'number' && register.rows.some((r) => r.first !== undefined)) {
    expected.UNISSUED = maxTickets - numbers.issued;
  }
  for (const [status, count] of Object.entries(expected)) {
    if ((byStatus[status] ?? 0) !== count) {
      problems.push(`register: ${byStatus[status] ?? 0} numbers ${status}, the journal gives ${count}`);
    }
  }
  if ((byStatus.UNACCOUNTED ?? 0) > 0) problems.push(`register: ${byStatus.UNACCOUNTED} numbers UNACCOUNTED`);
  return problems;
}
