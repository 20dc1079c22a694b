import {
  auditSales,
  type AcknowledgedSale,
  type SalesAuditCounts,
  type StoredCounter,
  type StoredOrder,
} from '../sales-audit.js';
import { readSales } from './database.js';
import { exportAndVerify, settledTreeSize, type VerifiedExport } from './fairdraw.js';
import { call, type Exchange } from './http.js';
import type { DrillReport } from './report.js';

/** What the sales drills audit at their end, and where they find it. */
export interface DrillSalesAuditInput {
  report: DrillReport;
  base: string;
  auditor: Record<string, string>;
  dist: string;
  dataDir: string;
  databaseUrl: string;
  raffleId: string;
  acknowledged: AcknowledgedSale[];
  voided?: ReadonlySet<string>;
  everySaleAcknowledged: boolean;
  /** The 50/50 share the drills' raffles use. */
  shareBps?: number;
}

export interface DrillSalesAudit {
  orders: StoredOrder[];
  counter: StoredCounter;
  verified: VerifiedExport;
  counts: SalesAuditCounts;
}

/**
 * The end of every sales drill: once the journal has settled, read the rows as a superuser, the
 * 50/50 figures as the API reports them and the journal as the offline verifier checks it, apply
 * the common audit (sales-audit.ts) and record its violations and the verifier's verdict.
 */
export async function auditDrillSales(input: DrillSalesAuditInput): Promise<DrillSalesAudit> {
  const { report, base, auditor, raffleId } = input;
  await settledTreeSize(base, auditor);
  const summary = await call(base, 'GET', `/v1/raffles/${raffleId}/sales`, { headers: auditor });
  if (!summary.ok || summary.status !== 200)
    throw new Error(`the sales summary could not be read: ${JSON.stringify(summary)}`);
  const reported = (summary as Extract<Exchange, { ok: true }>).body as {
    paidTotalMinor: number;
    numbers: { consistent: boolean };
    prizeEstimate: { amountMinor: number } | null;
  };
  const { orders, counter } = await readSales(input.databaseUrl, raffleId);
  const verified = await exportAndVerify({
    base,
    auditor,
    dist: input.dist,
    workDir: input.dataDir,
    dataDir: input.dataDir,
  });
  const audit = auditSales({
    acknowledged: input.acknowledged,
    voided: input.voided ?? new Set(),
    orders,
    counter,
    journal: verified.entries.filter((entry) => entry.subject === `raffle/${raffleId}`),
    reported: {
      paidTotalMinor: reported.paidTotalMinor,
      prizeMinor: reported.prizeEstimate?.amountMinor ?? null,
      consistent: reported.numbers.consistent,
    },
    prize: { shareBps: input.shareBps ?? 5_000, seedMinor: 0 },
    everySaleAcknowledged: input.everySaleAcknowledged,
  });
  audit.violations.forEach((violation) => report.violation(violation));
  report.check(
    verified.exitCode === 0 && verified.result.ok,
    `the offline verifier rejected the journal: first bad entry ${verified.result.firstBadSeq}, ${JSON.stringify(verified.result.problems.slice(0, 3))}`,
  );
  return { orders, counter, verified, counts: audit.counts };
}
