// The one shape every report has before it is rendered as JSON, CSV or PDF: who and what it is
// about, the journal digest it was computed at, its totals (the figures the offline verifier
// recomputes), the reconciliation with the operational records, and sections of rows. Plain
// TypeScript, no NestJS.

export const REPORT_FORMAT = 'fairdraw-report-v1';

export const REPORT_KINDS = [
  'raffle-summary',
  'sales-by-seller',
  'ticket-register',
  'draws-and-winners',
  'voids-and-refunds',
  'significant-events',
  'unclaimed-prizes',
  'complaints',
  'bearer-tickets',
  'financial-summary',
] as const;
export type ReportKind = (typeof REPORT_KINDS)[number];

export type Cell = string | number | boolean | null;
export type Row = Record<string, Cell>;

export interface Column {
  key: string;
  label: string;
  /** `money`: integer minor units of the raffle's currency; the PDF shows them as an amount. */
  kind?: 'text' | 'int' | 'money';
  /** Relative width in the PDF (default 1). */
  width?: number;
}

export interface ReportSection {
  id: string;
  title: string;
  columns: Column[];
  rows: Iterable<Row> | AsyncIterable<Row>;
  note?: string;
}

export interface LedgerDigestStated {
  treeSize: number;
  rootHash: string;
  /** The signed C2SP checkpoint of that size (signed note text). */
  checkpoint: string;
}

export interface ReconciliationLine {
  figure: string;
  journal: number;
  operational: number;
  matches: boolean;
}

export interface Reconciliation {
  /** True when every figure of the journal equals the operational records'. */
  matches: boolean | null;
  note: string;
  lines: ReconciliationLine[];
}

export interface ReportDocument {
  format: typeof REPORT_FORMAT;
  report: ReportKind;
  title: string;
  generatedAt: string;
  filter: { raffleId: string | null; from: string | null; to: string | null };
  currency: string | null;
  /** Header facts (licence, raffle name, status...), in order. */
  facts: Array<{ label: string; value: Cell }>;
  ledger: LedgerDigestStated;
  /** The report's figures as the journal gives them; the offline verifier recomputes these. */
  totals: Record<string, unknown>;
  reconciliation: Reconciliation | null;
  sections: ReportSection[];
}

/** Money in minor units as an amount of the currency, e.g. 123456 CAD -> "CAD 1,234.56". */
export function formatMoney(amountMinor: number, currency: string | null): string {
  if (currency === null) return String(amountMinor);
  let digits = 2;
  try {
    digits =
      new Intl.NumberFormat('en', { style: 'currency', currency }).resolvedOptions().maximumFractionDigits ??
      2;
  } catch {
    // An unknown code: two decimals, as most currencies have.
  }
  const sign = amountMinor < 0 ? '-' : '';
  const abs = Math.abs(amountMinor);
  const scale = 10 ** digits;
  const whole = Math.floor(abs / scale).toLocaleString('en');
  const fraction = digits > 0 ? '.' + String(abs % scale).padStart(digits, '0') : '';
  return `${sign}${currency} ${whole}${fraction}`;
}

/** Compares figure by figure; a figure missing on one side does not match. */
export function reconcile(
  journal: Record<string, number>,
  operational: Record<string, number>,
  note: string,
): Reconciliation {
  const lines = Object.keys(journal).map((figure) => ({
    figure,
    journal: journal[figure],
    operational: operational[figure],
    matches: journal[figure] === operational[figure],
  }));
  return { matches: lines.every((line) => line.matches), note, lines };
}
