import { Readable } from 'node:stream';
import { Injectable, StreamableFile } from '@nestjs/common';
import { AuditService } from '../audit/audit.service.js';
import { DEFAULT_EVENT_CATEGORIES, typesOf, type EventCategory } from '../audit/event-catalogue.js';
import { DomainException } from '../common/domain.exception.js';
import { ComplaintService, type ComplaintReportScope } from '../complaint/complaint.service.js';
import { COMPLAINT_ENTRY_TYPES } from '../complaint/core/complaint-totals.js';
import { DrawService } from '../draw/draw.service.js';
import type { FinanceKind, FinanceRecordSeen } from '../finance/core/finance-entries.js';
import { FinanceService } from '../finance/finance.service.js';
import { claimDeadline } from '../draw/prize-claim-rules.js';
import { LedgerService } from '../ledger/ledger.service.js';
import { RaffleService, type FrozenRaffle, type RaffleView } from '../raffle/raffle.service.js';
import { TicketService } from '../ticket/ticket.service.js';
import type { RegisterRange } from '../ticket/ticket-register.js';
import { RECEIPT_STATUSES, type BearerTicketFold, type BearerTicketTotals } from './core/bearer-tickets.js';
import type { FinancialSummaryTotals } from './core/financial-summary.js';
import type { RaffleJournalTotals, SellerTally } from './core/raffle-journal-totals.js';
import { renderCsv } from './core/render-csv.js';
import { renderJson } from './core/render-json.js';
import {
  reconcile,
  REPORT_FORMAT,
  type Reconciliation,
  type ReportDocument,
  type ReportKind,
  type ReportSection,
  type Row,
} from './core/report-document.js';
import {
  currentWinners,
  totalsCollector,
  unclaimedWinners,
  type ReportFilter,
} from './core/report-totals.js';
import { renderPdf } from './render-pdf.js';

export type ReportFormat = 'json' | 'csv' | 'pdf';

export interface ReportRequest {
  raffleId: string | null;
  from?: string;
  to?: string;
  /** Compute at this earlier journal size (an export bundle pins every report to one size). */
  atTreeSize?: number;
  format: ReportFormat;
  /** ticket-register: one row per number instead of one per range. */
  perNumber?: boolean;
  categories?: EventCategory[];
}

const CONTENT_TYPE: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8',
  pdf: 'application/pdf',
};

const TITLES: Record<ReportKind, string> = {
  'raffle-summary': 'Raffle summary',
  'sales-by-seller': 'Sales by seller and device',
  'ticket-register': 'Ticket register',
  'draws-and-winners': 'Draws and winners',
  'voids-and-refunds': 'Voids and refunds',
  'significant-events': 'Significant events',
  'unclaimed-prizes': 'Unclaimed prizes',
  complaints: 'Complaints',
  'bearer-tickets': 'Bearer tickets (every receipt issued)',
  'financial-summary': 'Financial summary',
};

const DAY_MS = 86_400_000;
const SETTLE_WAIT_MS = 10_000;

/**
 * Reports for operators and regulators (GLI31 RPT-1..RPT-7). Every figure is computed from the
 * journal entries up to one tree size (read through LedgerService), the digest of that size is
 * stated, and the figures are compared with the operational records of the ticket and payment
 * modules (TicketService.salesSummary) when the report is of the current journal.
 */
@Injectable()
export class ReportService {
  constructor(
    private readonly ledger: LedgerService,
    private readonly raffles: RaffleService,
    private readonly tickets: TicketService,
    private readonly audit: AuditService,
    private readonly drawService: DrawService,
    private readonly complaints: ComplaintService,
    private readonly finance: FinanceService,
  ) {}

  /** Checkpoints anchored outside the database, for an export bundle. */
  anchoredCheckpoints(): Promise<Array<{ treeSize: number; note: string }>> {
    return this.ledger.anchoredCheckpoints();
  }

  /** Renders a report in the requested format, as a download. */
  async render(kind: ReportKind, request: ReportRequest): Promise<StreamableFile> {
    const doc = await this.document(kind, request);
    const body =
      request.format === 'pdf'
        ? renderPdf(doc)
        : Readable.from(request.format === 'csv' ? renderCsv(doc) : renderJson(doc));
    const name = `${kind}${doc.filter.raffleId ? `-${doc.filter.raffleId}` : ''}-at-${doc.ledger.treeSize}.${request.format}`;
    return new StreamableFile(body, {
      type: CONTENT_TYPE[request.format],
      disposition: `${request.format === 'pdf' ? 'inline' : 'attachment'}; filename="${name}"`,
    });
  }

  /** The report before rendering: header, digest, totals, reconciliation and lazily read rows. */
  async document(kind: ReportKind, request: ReportRequest): Promise<ReportDocument> {
    const period = checkPeriod(request.from, request.to);
    const raffle = request.raffleId === null ? null : await this.requireRaffle(request.raffleId);
    // Everything committed before now gets its place in the journal first, so the operational
    // records read next and the journal at the digest describe the same sales.
    const current = request.atTreeSize === undefined;
    // A journal that is slow to integrate does not stop the report: the reconciliation says so.
    const settled = current
      ? await this.ledger.settled(SETTLE_WAIT_MS).then(
          () => true,
          () => false,
        )
      : true;
    const operational =
      raffle && current && period.from === null && period.to === null && kind !== 'complaints'
        ? {
            sales: await this.tickets.salesSummary(raffle.view.id),
            draws: await this.drawService.drawsOf(raffle.view.id),
            seals: await this.drawService.sealsOf(raffle.view.id),
            finance: kind === 'financial-summary' ? await this.finance.totals(raffle.view.id) : null,
          }
        : null;
    const digest = await this.ledger.digestAt(request.atTreeSize ?? (await this.ledger.treeSize()));
    const filter: ReportFilter = {
      raffleId: request.raffleId,
      from: period.from,
      to: period.to,
      categories:
        kind === 'significant-events' ? (request.categories ?? [...DEFAULT_EVENT_CATEGORIES]) : undefined,
    };
    const collector = totalsCollector(kind, filter);
    if (kind === 'significant-events') {
      const entries = this.ledger.entries({
        treeSize: digest.treeSize,
        subject: filter.raffleId === null ? undefined : `raffle/${filter.raffleId}`,
        types: typesOf(filter.categories ?? DEFAULT_EVENT_CATEGORIES),
      });
      for await (const entry of entries) collector.add(entry);
    } else if (kind === 'complaints') {
      const entries = this.ledger.entries({
        treeSize: digest.treeSize,
        subject: filter.raffleId === null ? undefined : `raffle/${filter.raffleId}`,
        types: COMPLAINT_ENTRY_TYPES,
      });
      for await (const entry of entries) collector.add(entry);
    } else {
      for await (const entry of this.ledger.entries({
        subject: `raffle/${request.raffleId}`,
        treeSize: digest.treeSize,
      })) {
        collector.add(entry);
      }
    }
    const totals = collector.result();
    const fold = collector.fold?.result();
    const doc: ReportDocument = {
      format: REPORT_FORMAT,
      report: kind,
      title: raffle ? `${TITLES[kind]}: ${raffle.view.name}` : TITLES[kind],
      generatedAt: new Date().toISOString(),
      filter: { raffleId: request.raffleId, from: period.from, to: period.to },
      currency: raffle?.view.currency ?? null,
      facts: raffle ? raffleFacts(raffle.view, raffle.frozen) : [],
      ledger: { treeSize: digest.treeSize, rootHash: digest.rootHash, checkpoint: digest.checkpoint },
      totals,
      reconciliation: null,
      sections: [],
    };
    if (kind === 'significant-events') {
      if (filter.categories) doc.facts.push({ label: 'Categories', value: filter.categories.join(', ') });
      doc.sections = [this.eventsSection(filter, digest.treeSize)];
      return doc;
    }
    if (kind === 'complaints') {
      const scope = { raffleId: filter.raffleId, from: filter.from, to: filter.to };
      doc.reconciliation = await this.complaintReconciliation(totals, scope, current, settled);
      doc.sections = [complaintsSection(this.complaints.reportRows(scope), current)];
      return doc;
    }
    const t = fold!;
    doc.reconciliation = reconciliation(
      t,
      operational,
      raffle!.view,
      current,
      settled,
      kind === 'financial-summary' ? (totals as unknown as FinancialSummaryTotals).records : null,
    );
    switch (kind) {
      case 'raffle-summary':
        doc.sections = summarySections(t, raffle!.frozen);
        break;
      case 'sales-by-seller':
        doc.sections = [sellerSection(collector.fold!.sellers(), t)];
        break;
      case 'ticket-register':
        doc.sections = [numbersSection(t), this.registerSection(raffle!.view.id, request.perNumber === true)];
        if (!current) {
          doc.sections[1].note =
            'The ranges are the records as they stand now; the figures above are those of the journal at the stated tree size.';
        }
        break;
      case 'draws-and-winners':
        doc.sections = drawSections(t, raffle!.frozen);
        break;
      case 'voids-and-refunds':
        doc.sections = voidSections(collector.fold!);
        break;
      case 'unclaimed-prizes':
        doc.sections = [unclaimedSection(t, raffle!.frozen, new Date())];
        break;
      case 'bearer-tickets':
        doc.sections = [
          bearerTotalsSection(totals as unknown as BearerTicketTotals),
          this.receiptsSection(raffle!.view.id, digest.treeSize, collector.bearer!, raffle!.frozen),
        ];
        break;
      case 'financial-summary':
        doc.sections = financialSections(
          totals as unknown as FinancialSummaryTotals,
          collector.finance!.recordsSeen(),
        );
        break;
    }
    return doc;
  }

  /** The complaints by status in the journal against the records (docs/complaints.md section 5). */
  private async complaintReconciliation(
    totals: Record<string, unknown>,
    scope: ComplaintReportScope,
    current: boolean,
    settled: boolean,
  ): Promise<Reconciliation> {
    if (!current) {
      return {
        matches: null,
        note: 'not compared: the report is computed at an earlier journal size than the records show now',
        lines: [],
      };
    }
    const journal = totals.byStatus as Record<string, number>;
    const records = await this.complaints.statusCounts(scope);
    const prefix = (counts: Record<string, number>) =>
      Object.fromEntries(Object.entries(counts).map(([status, n]) => [`complaints ${status}`, n]));
    return reconcile(
      prefix(journal),
      prefix(records),
      settled
        ? 'The complaints filed in scope, by their status now: journal against the records'
        : 'The journal did not integrate every committed entry in time: differences may be entries still queued',
    );
  }

  /** Every receipt, one row each, from a second read of the raffle's TICKETS_SOLD entries (streamed). */
  private receiptsSection(
    raffleId: string,
    treeSize: number,
    bearer: BearerTicketFold,
    raffle: FrozenRaffle,
  ): ReportSection {
    const entries = this.ledger.entries({ subject: `raffle/${raffleId}`, types: ['TICKETS_SOLD'], treeSize });
    const label = new Map(raffle.rules.packages.map((p) => [p.id, p.label ?? p.id]));
    return {
      id: 'receipts',
      title: 'Every receipt issued, in journal order (RPT-5)',
      note:
        'The validation number is the bearer’s proof of a winning ticket, so it is never printed here: codeHash is its SHA-256 as journaled in TICKETS_SOLD, which anyone holding the ticket can compute and match. ' +
        'status: VALID, WINNER (holds a standing winning number), VOIDED (refund requested or failed: see refund), REFUNDED (refund completed). reprints: RECEIPT_REPRINTED copies.',
      columns: [
        { key: 'seq', label: 'Seq', kind: 'int', width: 0.5 },
        { key: 'orderId', label: 'Order', width: 2.35 },
        { key: 'first', label: 'First', kind: 'int', width: 0.95 },
        { key: 'last', label: 'Last', kind: 'int', width: 0.95 },
        { key: 'tickets', label: 'Tickets', kind: 'int', width: 0.75 },
        { key: 'package', label: 'Package', width: 1.1 },
        { key: 'priceMinor', label: 'Price', kind: 'money', width: 1 },
        { key: 'codeHash', label: 'Validation no. SHA-256', width: 3.1 },
        { key: 'sellerId', label: 'Seller', width: 1.1 },
        { key: 'channel', label: 'Channel', width: 0.85 },
        { key: 'deviceId', label: 'Device', width: 0.8 },
        { key: 'soldAt', label: 'Sold at (UTC)', width: 2.2 },
        { key: 'payment', label: 'Payment', width: 0.85 },
        { key: 'status', label: 'Status', width: 1.1 },
        { key: 'refund', label: 'Refund', width: 1.2 },
        { key: 'reprints', label: 'Reprints', kind: 'int', width: 0.85 },
      ],
      rows: (async function* () {
        for await (const entry of entries) {
          const row = bearer.row(entry);
          if (row) yield { ...row, package: `${row.packageId} (${label.get(row.packageId) ?? '?'})` };
        }
      })(),
    };
  }

  private eventsSection(filter: ReportFilter, treeSize: number): ReportSection {
    const audit = this.audit;
    async function* rows(): AsyncGenerator<Row> {
      for await (const e of audit.events({
        treeSize,
        categories: filter.categories ?? DEFAULT_EVENT_CATEGORIES,
        subject: filter.raffleId === null ? undefined : `raffle/${filter.raffleId}`,
        from: filter.from === null ? undefined : new Date(filter.from),
        to: filter.to === null ? undefined : new Date(filter.to),
      })) {
        yield {
          seq: e.seq,
          time: e.time,
          type: e.type,
          category: e.category,
          actor: e.actor,
          outcome: e.outcome,
          component: e.component,
          source: e.source,
          subject: e.subject,
          details: JSON.stringify(e.details),
        };
      }
    }
    return {
      id: 'events',
      title: 'Significant events, in journal order',
      columns: [
        { key: 'seq', label: 'Seq', kind: 'int', width: 0.6 },
        { key: 'time', label: 'Time (UTC)', width: 1.6 },
        { key: 'type', label: 'Type', width: 1.8 },
        { key: 'category', label: 'Category', width: 0.9 },
        { key: 'actor', label: 'Actor', width: 1.4 },
        { key: 'outcome', label: 'Outcome', width: 0.8 },
        { key: 'component', label: 'Component', width: 0.9 },
        { key: 'source', label: 'Source', width: 1 },
        { key: 'subject', label: 'Subject', width: 2 },
        { key: 'details', label: 'Details', width: 4 },
      ],
      rows: rows(),
    };
  }

  private registerSection(raffleId: string, perNumber: boolean): ReportSection {
    const ranges = this.tickets.register(raffleId);
    const columns = [
      { key: 'first', label: 'First', kind: 'int' as const, width: 1.1 },
      { key: 'last', label: 'Last', kind: 'int' as const, width: 1.1 },
      { key: 'count', label: 'Count', kind: 'int' as const, width: 1 },
      { key: 'status', label: 'Status', width: 1.5 },
      { key: 'orderId', label: 'Order', width: 3.2 },
      { key: 'blockId', label: 'Block', width: 1.5 },
      { key: 'channel', label: 'Channel', width: 1.2 },
      { key: 'packageId', label: 'Package', width: 0.9 },
      { key: 'priceMinor', label: 'Price', kind: 'money' as const, width: 1.2 },
      { key: 'sellerId', label: 'Seller', width: 1.3 },
      { key: 'deviceId', label: 'Device', width: 0.9 },
      { key: 'soldAt', label: 'Sold at (UTC)', width: 2.8 },
      { key: 'voidedAt', label: 'Voided at (UTC)', width: 2.8 },
      { key: 'reason', label: 'Void reason', width: 2 },
    ];
    if (!perNumber) {
      return {
        id: 'register',
        title: 'Every number, in ranges of one status',
        columns,
        rows: (async function* () {
          for await (const range of ranges) yield { ...range } as unknown as Row;
        })(),
      };
    }
    return {
      id: 'register',
      title: 'Every number and its status',
      columns: [{ key: 'number', label: 'Number', kind: 'int' }, ...columns.slice(3)],
      rows: perNumberRows(ranges),
    };
  }

  private async requireRaffle(raffleId: string): Promise<{ view: RaffleView; frozen: FrozenRaffle }> {
    const [view, frozen] = await Promise.all([this.raffles.get(raffleId), this.raffles.frozen(raffleId)]);
    if (!frozen || view.status === 'DRAFT') {
      throw new DomainException(
        404,
        'RAFFLE_NOT_FOUND',
        `raffle ${raffleId} has not opened: it has no sales to report`,
      );
    }
    return { view, frozen };
  }
}

/** One row per issued number; the numbers never issued stay one range (the header counts them). */
async function* perNumberRows(ranges: AsyncIterable<RegisterRange>): AsyncGenerator<Row> {
  for await (const range of ranges) {
    if (range.status === 'UNISSUED') return;
    const { first, last, count: _count, ...rest } = range;
    void _count;
    for (let number = first; number <= last; number++) yield { number, ...rest };
  }
}

function checkPeriod(
  from: string | undefined,
  to: string | undefined,
): { from: string | null; to: string | null } {
  if (from !== undefined && to !== undefined && Date.parse(from) >= Date.parse(to)) {
    throw new DomainException(400, 'VALIDATION_FAILED', 'from must be before to', [
      { field: 'from', messages: ['from must be before to'] },
    ]);
  }
  return {
    from: from === undefined ? null : new Date(from).toISOString(),
    to: to === undefined ? null : new Date(to).toISOString(),
  };
}

function raffleFacts(view: RaffleView, frozen: FrozenRaffle): ReportDocument['facts'] {
  return [
    { label: 'Raffle', value: view.name },
    { label: 'Raffle id', value: view.id },
    { label: 'Licence number', value: view.licenseNumber },
    { label: 'Licensee', value: view.licensee ? `${view.licensee.name} (${view.licensee.contact})` : null },
    { label: 'Jurisdiction', value: `${frozen.profile.code} (${frozen.profile.regulator})` },
    { label: 'Site', value: view.site },
    { label: 'Type', value: view.type },
    { label: 'Currency', value: view.currency },
    { label: 'Status', value: view.status },
    { label: 'Sales window (UTC)', value: `${view.salesOpenAt} to ${view.salesCloseAt}` },
    { label: 'Numbers available', value: view.maxTickets },
    { label: 'Rules SHA-256', value: view.rulesHash },
  ];
}

function reconciliation(
  t: RaffleJournalTotals,
  records: {
    sales: Awaited<ReturnType<TicketService['salesSummary']>>;
    draws: unknown[];
    seals: unknown[];
    finance: Record<FinanceKind, { records: number; amountMinor: number }> | null;
  } | null,
  view: RaffleView,
  current: boolean,
  settled: boolean,
  financeJournal: Record<FinanceKind, { records: number; amountMinor: number }> | null,
): Reconciliation {
  const journal = {
    'numbers issued': t.numbers.issued,
    'numbers sold': t.numbers.sold,
    'numbers voided': t.numbers.voided,
    'numbers reserved to devices': t.numbers.reserved,
    'numbers returned': t.numbers.returned,
    'paid orders': t.paidOrders,
    'paid total (minor units)': t.paidTotalMinor,
    'refunds requested': t.refunds.requested.count,
    'refunds requested (minor units)': t.refunds.requested.amountMinor,
    'refunds completed': t.refunds.completed.count,
    'refunds failed': t.refunds.failed.count,
    'sealed draw sets': t.seals.length,
    'draws and redraws': t.draws.length,
    ...(financeJournal ? financeLines(financeJournal) : {}),
  };
  if (records === null) {
    const why = !current
      ? 'not compared: the report is computed at an earlier journal size than the records show now'
      : 'not compared: a period is selected, and the records keep running totals of the whole raffle';
    return { matches: null, note: why, lines: [] };
  }
  const summary = records.sales;
  const refunds = (status?: string) =>
    summary.refunds.filter((r) => status === undefined || r.status === status);
  const operational = {
    'numbers issued': summary.numbers.issued,
    'numbers sold': summary.numbers.sold,
    'numbers voided': summary.numbers.voided,
    'numbers reserved to devices': summary.numbers.reserved,
    'numbers returned': summary.numbers.returned,
    'paid orders': summary.soldOrders,
    'paid total (minor units)': summary.paidTotalMinor,
    'refunds requested': refunds().reduce((sum, r) => sum + Number(r.refunds), 0),
    'refunds requested (minor units)': refunds().reduce((sum, r) => sum + Number(r.amount), 0),
    'refunds completed': refunds('SUCCEEDED').reduce((sum, r) => sum + Number(r.refunds), 0),
    'refunds failed': refunds('FAILED').reduce((sum, r) => sum + Number(r.refunds), 0),
    'sealed draw sets': records.seals.length,
    'draws and redraws': records.draws.length,
    ...(records.finance ? financeLines(records.finance) : {}),
  };
  const note =
    `journal entries of the raffle up to the stated tree size, against the ticket, payment and draw records` +
    (view.status === 'OPEN'
      ? '; sales are open, so a sale made while the report ran can show as a difference'
      : '') +
    (summary.numbers.consistent
      ? ''
      : '; the records themselves do not tile the issued numbers (see the register)') +
    (settled
      ? ''
      : `; entries committed before the report were not all in the journal within ${SETTLE_WAIT_MS / 1000} s`);
  return reconcile(journal, operational, note);
}

const FINANCE_LABEL: Record<FinanceKind, string> = {
  EXPENSE: 'expenses',
  PROCEEDS_USE: 'uses of proceeds',
  DEPOSIT: 'deposits',
  CASH_COUNT: 'cash counts',
};

/** Records (reversals included) and their signed sum, per kind: the journal's or the finance table's. */
function financeLines(
  byKind: Record<FinanceKind, { records: number; amountMinor: number }>,
): Record<string, number> {
  const lines: Record<string, number> = {};
  for (const kind of Object.keys(FINANCE_LABEL) as FinanceKind[]) {
    lines[`${FINANCE_LABEL[kind]} recorded`] = byKind[kind].records;
    lines[`${FINANCE_LABEL[kind]} (minor units)`] = byKind[kind].amountMinor;
  }
  return lines;
}

function bearerTotalsSection(totals: BearerTicketTotals): ReportSection {
  const describe: Record<string, string> = {
    VALID: 'Valid',
    WINNER: 'Winner (holds a standing winning number)',
    VOIDED: 'Voided (refund not completed)',
    REFUNDED: 'Voided and refunded',
  };
  return {
    id: 'receipt-totals',
    title: 'Receipts issued and what became of them',
    note:
      'Receipts issued equals the gross sales of the raffle summary for the same period and tree size; voided and refunded receipts are those of them voided up to the tree size. ' +
      `Reprints: ${totals.reprints} copies of ${totals.reprintedReceipts} receipts.`,
    columns: [{ key: 'item', label: 'Receipts', width: 3 }, ...tallyColumns()],
    rows: [
      { item: 'Issued (every receipt)', ...totals.issued },
      ...RECEIPT_STATUSES.map((status) => ({ item: describe[status], ...totals.byStatus[status] })),
    ],
  };
}

function financialSections(totals: FinancialSummaryTotals, records: FinanceRecordSeen[]): ReportSection[] {
  const f = totals.raffle;
  const money = (key: string, label: string, width = 1) => ({ key, label, kind: 'money' as const, width });
  return [
    {
      id: 'figures',
      title: 'Financial summary of the raffle (RPT-7)',
      note:
        'Gross receipts = sales - voids; net income = gross receipts - prizes - expenses. Cash over (+) or short (-) and deposits are shown, not added in. ' +
        'Records are dated by the licensee (UTC); a reversal counts in its record’s month.' +
        (totals.prizesWithoutAmount > 0
          ? ` ${totals.prizesWithoutAmount} prize(s) awarded are described, not valued: counted 0.`
          : '') +
        ` Cash counts recomputed from the journal at their stated tree size: ${totals.cashCounts.checked}` +
        (totals.cashCounts.differing.length === 0
          ? ', each as stated.'
          : `; DIFFERING: ${totals.cashCounts.differing
              .map(
                (d) =>
                  `${d.recordId} states ${d.statedExpectedMinor} expected, the journal gives ${d.journalExpectedMinor}`,
              )
              .join('; ')}.`),
      columns: [{ key: 'item', label: 'Item', width: 3 }, money('amountMinor', 'Amount')],
      rows: [
        { item: 'Gross sales (tickets sold)', amountMinor: f.salesMinor },
        { item: 'Voids (refunds due)', amountMinor: f.voidsMinor },
        { item: 'Gross receipts', amountMinor: f.grossReceiptsMinor },
        { item: 'Prizes awarded', amountMinor: f.prizesMinor },
        { item: 'Expenses', amountMinor: f.expensesMinor },
        { item: 'Net income', amountMinor: f.netIncomeMinor },
        { item: 'Use of proceeds', amountMinor: f.proceedsUsedMinor },
        { item: 'Cash over (short)', amountMinor: f.cashOverShortMinor },
        { item: 'Bank deposits', amountMinor: f.depositsMinor },
      ],
    },
    {
      id: 'months',
      title: 'By month (UTC)',
      columns: [
        { key: 'month', label: 'Month', width: 0.8 },
        money('salesMinor', 'Sales'),
        money('voidsMinor', 'Voids'),
        money('grossReceiptsMinor', 'Gross receipts'),
        money('prizesMinor', 'Prizes'),
        money('expensesMinor', 'Expenses'),
        money('netIncomeMinor', 'Net income'),
        money('proceedsUsedMinor', 'Use of proceeds'),
        money('cashOverShortMinor', 'Cash over (short)'),
        money('depositsMinor', 'Deposits'),
      ],
      rows: totals.months.map((m) => ({ ...m })),
    },
    {
      id: 'records',
      title: 'Financial records and reversals (as journaled)',
      columns: [
        { key: 'seq', label: 'Seq', kind: 'int', width: 0.6 },
        { key: 'kind', label: 'Kind', width: 1.1 },
        { key: 'date', label: 'Date (UTC)', width: 1 },
        money('amountMinor', 'Amount'),
        { key: 'description', label: 'Description', width: 4 },
        { key: 'reverses', label: 'Reverses', width: 2.4 },
        { key: 'reason', label: 'Reason', width: 2 },
        { key: 'recordId', label: 'Record', width: 2.4 },
      ],
      rows: records.map((r) => ({ ...r })),
    },
  ];
}

function tallyColumns() {
  return [
    { key: 'orders', label: 'Orders', kind: 'int' as const },
    { key: 'tickets', label: 'Tickets', kind: 'int' as const },
    { key: 'amountMinor', label: 'Amount', kind: 'money' as const },
  ];
}

function summarySections(t: RaffleJournalTotals, raffle: FrozenRaffle): ReportSection[] {
  const rules = raffle.rules;
  const soldOf = new Map(t.salesByPackage.map((p) => [p.packageId, p]));
  const packageRows: Row[] = rules.packages.map((pkg) => ({
    packageId: pkg.id,
    label: pkg.label,
    ticketsPerPackage: pkg.tickets,
    priceMinor: pkg.priceMinor,
    orders: soldOf.get(pkg.id)?.orders ?? 0,
    tickets: soldOf.get(pkg.id)?.tickets ?? 0,
    amountMinor: soldOf.get(pkg.id)?.amountMinor ?? 0,
  }));
  const winnersOf = new Map<string, number[]>();
  for (const w of currentWinners(t))
    winnersOf.set(w.draw.prizeId, [...(winnersOf.get(w.draw.prizeId) ?? []), w.ticket]);
  const awarded = new Map(t.prizesAwarded.map((a) => [a.prizeId, a]));
  const prizeRows: Row[] = rules.prizes.map((prize) => {
    const journaled = awarded.get(prize.id);
    const estimate = prize.amountMinor ?? (prize.kind === 'MAIN' && t.split ? t.split.prizeMinor : null);
    return {
      prizeId: prize.id,
      name: prize.name,
      kind: prize.kind,
      schedule: prize.drawAt ?? prize.drawCron,
      amountMinor: journaled ? journaled.amountMinor : estimate,
      basis: journaled
        ? `awarded (DRAW_PRIZE, seq ${journaled.seq}, ${journaled.basis})`
        : prize.amountMinor !== null
          ? 'fixed'
          : t.split
            ? 'estimate: 50/50 share of paid, not voided sales (+ seed)'
            : null,
      winners: (winnersOf.get(prize.id) ?? []).join(' '),
    };
  });
  const unissued = rules.maxTickets - t.numbers.issued;
  return [
    {
      id: 'totals',
      title: 'Sales, voids, refunds and net',
      columns: [{ key: 'item', label: 'Item', width: 3 }, ...tallyColumns()],
      rows: [
        { item: 'Gross sales', ...t.sales },
        { item: 'Voids (tickets voided, refunds due)', ...t.voids },
        { item: 'Net sales', ...t.net },
        {
          item: 'Refunds requested',
          orders: t.refunds.requested.count,
          tickets: null,
          amountMinor: t.refunds.requested.amountMinor,
        },
        {
          item: 'Refunds completed',
          orders: t.refunds.completed.count,
          tickets: null,
          amountMinor: t.refunds.completed.amountMinor,
        },
        {
          item: 'Refunds failed (operator to act)',
          orders: t.refunds.failed.count,
          tickets: null,
          amountMinor: t.refunds.failed.amountMinor,
        },
        {
          item: 'Online holds placed / released',
          orders: t.holds.placed,
          tickets: t.holds.cancelled,
          amountMinor: null,
        },
      ],
    },
    {
      id: 'packages',
      title: 'Sales by price package',
      columns: [
        { key: 'packageId', label: 'Package' },
        { key: 'label', label: 'Label', width: 1.5 },
        { key: 'ticketsPerPackage', label: 'Numbers each', kind: 'int' },
        { key: 'priceMinor', label: 'Price', kind: 'money' },
        ...tallyColumns(),
      ],
      rows: packageRows,
    },
    {
      id: 'channels',
      title: 'Sales by channel',
      columns: [{ key: 'channel', label: 'Channel', width: 2 }, ...tallyColumns()],
      rows: t.salesByChannel.map((c) => ({ ...c })),
    },
    {
      id: 'split',
      title: 'Prize fund (whole raffle, paid and not voided)',
      columns: [
        { key: 'item', label: 'Item', width: 3 },
        { key: 'amountMinor', label: 'Amount', kind: 'money' },
      ],
      rows: [
        { item: 'Paid, not voided sales', amountMinor: t.paidTotalMinor },
        ...(t.split
          ? [
              {
                item: `Prize share (${t.split.shareBps / 100}%, rounded down) + seed ${t.split.seedMinor}`,
                amountMinor: t.split.prizeMinor,
              },
              { item: 'Charity share', amountMinor: t.split.charityMinor },
            ]
          : []),
        {
          item: 'Fixed prizes (from the rules)',
          amountMinor: rules.prizes.reduce((s, p) => s + (p.amountMinor ?? 0), 0),
        },
      ],
    },
    {
      id: 'prizes',
      title: 'Prizes',
      columns: [
        { key: 'prizeId', label: 'Prize' },
        { key: 'name', label: 'Name', width: 2 },
        { key: 'kind', label: 'Kind' },
        { key: 'schedule', label: 'Draw (UTC)', width: 1.6 },
        { key: 'amountMinor', label: 'Amount', kind: 'money' },
        { key: 'basis', label: 'Basis', width: 2 },
        { key: 'winners', label: 'Winning numbers', width: 1.5 },
      ],
      rows: prizeRows,
    },
    numbersSection(t, unissued),
    {
      id: 'lifecycle',
      title: 'Lifecycle (from the journal)',
      columns: [
        { key: 'status', label: 'Status' },
        { key: 'at', label: 'At (UTC)', width: 2 },
        { key: 'by', label: 'By', width: 2 },
        { key: 'reason', label: 'Reason', width: 2 },
        { key: 'seq', label: 'Journal seq', kind: 'int' },
      ],
      rows: t.lifecycle.map((s) => ({ ...s })),
    },
  ];
}

function numbersSection(t: RaffleJournalTotals, unissued?: number): ReportSection {
  const available = t.rules?.maxTickets ?? null;
  const notIssued = unissued ?? (available === null ? null : available - t.numbers.issued);
  return {
    id: 'numbers',
    title: 'Ticket numbers by status (from the journal; RPT-3)',
    columns: [
      { key: 'status', label: 'Status', width: 3 },
      { key: 'numbers', label: 'Numbers', kind: 'int' },
    ],
    rows: [
      { status: 'Sold (paid, not voided)', numbers: t.numbers.sold },
      { status: 'Voided', numbers: t.numbers.voided },
      { status: 'Reserved to devices, not yet sold or returned', numbers: t.numbers.reserved },
      { status: 'Returned unsold', numbers: t.numbers.returned },
      { status: 'Issued (1 to this number)', numbers: t.numbers.issued },
      { status: 'Not issued', numbers: notIssued },
      { status: 'Available (maximum tickets)', numbers: available },
    ],
    note: 'sold + voided + reserved + returned = issued; issued + not issued = available. Numbers are issued only to a paid order or a reserved block.',
  };
}

function sellerSection(sellers: SellerTally[], t: RaffleJournalTotals): ReportSection {
  const rows: Row[] = sellers.map((s) => ({
    sellerId: s.sellerId,
    deviceId: s.deviceId,
    channel: s.channel,
    provider: s.provider,
    orders: s.orders,
    tickets: s.tickets,
    amountMinor: s.amountMinor,
    voidedOrders: s.voided.orders,
    voidedTickets: s.voided.tickets,
    voidedAmountMinor: s.voided.amountMinor,
    netAmountMinor: s.amountMinor - s.voided.amountMinor,
  }));
  const sum = (key: string) => rows.reduce((total, row) => total + (row[key] as number), 0);
  rows.push({
    sellerId: 'TOTAL',
    deviceId: null,
    channel: null,
    provider: null,
    orders: t.sales.orders,
    tickets: t.sales.tickets,
    amountMinor: t.sales.amountMinor,
    voidedOrders: sum('voidedOrders'),
    voidedTickets: sum('voidedTickets'),
    voidedAmountMinor: sum('voidedAmountMinor'),
    netAmountMinor: t.sales.amountMinor - sum('voidedAmountMinor'),
  });
  return {
    id: 'sellers',
    title: 'Sales per seller, device, channel and payment method (RPT-2)',
    note: 'Sales made in the period; voided: those of them voided up to the stated tree size. Cash is the "cash" payment method.',
    columns: [
      { key: 'sellerId', label: 'Seller', width: 1.5 },
      { key: 'deviceId', label: 'Device' },
      { key: 'channel', label: 'Channel' },
      { key: 'provider', label: 'Payment' },
      { key: 'orders', label: 'Orders', kind: 'int' },
      { key: 'tickets', label: 'Tickets', kind: 'int' },
      { key: 'amountMinor', label: 'Sold', kind: 'money' },
      { key: 'voidedOrders', label: 'Voided orders', kind: 'int' },
      { key: 'voidedTickets', label: 'Voided tickets', kind: 'int' },
      { key: 'voidedAmountMinor', label: 'Voided', kind: 'money' },
      { key: 'netAmountMinor', label: 'Net', kind: 'money' },
    ],
    rows,
  };
}

function drawSections(t: RaffleJournalTotals, raffle: FrozenRaffle): ReportSection[] {
  const prizeName = new Map(raffle.rules.prizes.map((p) => [p.id, p.name]));
  const seal = new Map(t.seals.map((s) => [s.sealId, s]));
  const awarded = new Map(t.prizesAwarded.map((a) => [a.drawId, a]));
  const rows: Row[] = t.draws.flatMap((d) =>
    d.tickets.map((ticket, place) => ({
      drawId: d.drawId,
      kind: d.kind,
      prizeId: d.prizeId,
      prize: prizeName.get(d.prizeId) ?? null,
      place: place + 1,
      ticket,
      drawnAt: d.drawnAt,
      sealedCount: seal.get(d.sealId)?.count ?? null,
      amountMinor: d.kind === 'result' ? (awarded.get(d.drawId)?.amountMinor ?? null) : null,
      rng: `${d.rngProvider}${d.rngCertified ? ' (certified)' : ' (NOT certified)'}`,
      replaces: d.replaces ? `${d.replaces.ticket} of ${d.replaces.drawId}: ${d.replaces.reason}` : null,
      seq: d.seq,
      proof: `/v1/draws/${d.drawId}/proof`,
      entry: `/v1/ledger/entries/${d.seq}`,
    })),
  );
  return [
    {
      id: 'seals',
      title: 'Sealed ticket sets',
      columns: [
        { key: 'sealId', label: 'Seal', width: 2.3 },
        { key: 'prizeIds', label: 'Prizes', width: 1.5 },
        { key: 'count', label: 'Tickets sealed', kind: 'int' },
        { key: 'root', label: 'Set root', width: 4 },
        { key: 'ledgerTreeSize', label: 'At tree size', kind: 'int' },
        { key: 'seq', label: 'Journal seq', kind: 'int' },
      ],
      rows: t.seals.map((s) => ({ ...s, prizeIds: s.prizeIds.join(' ') })),
    },
    {
      id: 'draws',
      title: 'Draws and winners, with their proofs',
      note: 'proof: GET it from the service (public); entry: the journal entry with its inclusion proof (auditor). docs/draws.md section 6 says how to check a proof.',
      columns: [
        { key: 'drawId', label: 'Draw', width: 2.3 },
        { key: 'kind', label: 'Kind', width: 0.7 },
        { key: 'prize', label: 'Prize', width: 1.5 },
        { key: 'place', label: 'Place', kind: 'int', width: 0.5 },
        { key: 'ticket', label: 'Winning number', kind: 'int' },
        { key: 'drawnAt', label: 'Drawn at (UTC)', width: 1.6 },
        { key: 'sealedCount', label: 'Tickets in draw', kind: 'int' },
        { key: 'amountMinor', label: 'Prize', kind: 'money' },
        { key: 'rng', label: 'RNG', width: 1.3 },
        { key: 'replaces', label: 'Replaces', width: 2 },
        { key: 'seq', label: 'Seq', kind: 'int', width: 0.6 },
        { key: 'proof', label: 'Proof', width: 2.5 },
        { key: 'entry', label: 'Journal entry', width: 1.6 },
      ],
      rows,
    },
  ];
}

function voidSections(fold: NonNullable<ReturnType<typeof totalsCollector>['fold']>): ReportSection[] {
  return [
    {
      id: 'voids',
      title: 'Voided tickets (CXL-2, RPT-4)',
      columns: [
        { key: 'seq', label: 'Seq', kind: 'int', width: 0.6 },
        { key: 'time', label: 'Time (UTC)', width: 1.6 },
        { key: 'kind', label: 'Kind', width: 1 },
        { key: 'orderId', label: 'Order', width: 2.3 },
        { key: 'first', label: 'First', kind: 'int' },
        { key: 'last', label: 'Last', kind: 'int' },
        { key: 'orders', label: 'Orders', kind: 'int', width: 0.6 },
        { key: 'tickets', label: 'Tickets', kind: 'int', width: 0.6 },
        { key: 'amountMinor', label: 'Amount', kind: 'money' },
        { key: 'reason', label: 'Reason', width: 3 },
        { key: 'by', label: 'By', width: 1.2 },
      ],
      rows: fold.voidRecords.map((v) => ({ ...v })),
    },
    {
      id: 'refunds',
      title: 'Refunds',
      columns: [
        { key: 'seq', label: 'Seq', kind: 'int', width: 0.6 },
        { key: 'time', label: 'Time (UTC)', width: 1.6 },
        { key: 'event', label: 'Event', width: 1 },
        { key: 'refundId', label: 'Refund', width: 2.3 },
        { key: 'orderId', label: 'Order', width: 2.3 },
        { key: 'provider', label: 'Provider', width: 0.8 },
        { key: 'amountMinor', label: 'Amount', kind: 'money' },
        { key: 'reason', label: 'Reason / failure', width: 2 },
      ],
      rows: fold.refundRecords.map((r) => ({ ...r })),
    },
  ];
}

function complaintsSection(rows: AsyncIterable<Row>, current: boolean): ReportSection {
  return {
    id: 'complaints',
    title: 'Complaints filed, oldest first (text and contact details: GET /v1/complaints)',
    columns: [
      { key: 'reference', label: 'Reference', width: 2.4 },
      { key: 'raffleId', label: 'Raffle', width: 2.4 },
      { key: 'category', label: 'Category', width: 1.2 },
      { key: 'filedAt', label: 'Filed (UTC)', width: 2.2 },
      { key: 'status', label: 'Status', width: 1 },
      { key: 'updatedAt', label: 'Last change (UTC)', width: 2.2 },
      { key: 'updatedBy', label: 'By', width: 1.1 },
      { key: 'resolution', label: 'Resolution', width: 3 },
      { key: 'textSha256', label: 'Text SHA-256', width: 3.4 },
    ],
    rows,
    note: current
      ? undefined
      : 'The rows are the records as they stand now; the figures above are those of the journal at the stated tree size.',
  };
}

function unclaimedSection(t: RaffleJournalTotals, raffle: FrozenRaffle, now: Date): ReportSection {
  const rule = raffle.profile.unclaimedPrize.value;
  const prizeName = new Map(raffle.rules.prizes.map((p) => [p.id, p.name]));
  const rows: Row[] = unclaimedWinners(t).map(({ ticket, draw, attempts }) => {
    const drawnAt = new Date(draw.drawnAt);
    const deadline = claimDeadline(drawnAt, raffle.rules.claimDeadlineDays, rule)?.toISOString() ?? null;
    const holdUntil = new Date(drawnAt.getTime() + rule.minimumHoldDays * DAY_MS).toISOString();
    const last = attempts.at(-1);
    return {
      prize: prizeName.get(draw.prizeId) ?? draw.prizeId,
      ticket,
      drawId: draw.drawId,
      drawnAt: draw.drawnAt,
      claimDeadline: deadline,
      pastDeadline: deadline === null ? null : now.toISOString() > deadline,
      handling:
        rule.handling === 'HOLD_IN_TRUST'
          ? `hold in trust until at least ${holdUntil}`
          : 'redraw as the rules allow (DRAW_REDRAWN)',
      status: 'UNCLAIMED: no claim recorded',
      contactAttempts: attempts.length,
      lastContact: last ? `${last.attemptedAt} ${last.channel} ${last.outcome} (seq ${last.seq})` : null,
    };
  });
  return {
    id: 'unclaimed',
    title: 'Winners whose prize has not been claimed (DRAW-7)',
    note:
      'Standing winners with no PRIZE_CLAIMED entry; a replaced winner (DRAW_REDRAWN) and a claimed prize are not listed. ' +
      'Contact attempts are the WINNER_CONTACT_ATTEMPTED entries (the contact details themselves are personal data, not journaled). ' +
      "The claim deadline is the rules' claimDeadlineDays from the draw, never shorter than the profile's minimum hold. " +
      `Profile ${raffle.profile.code}: ${rule.handling}, at least ${rule.minimumHoldDays} days (${raffle.profile.unclaimedPrize.trace.join(', ')}).`,
    columns: [
      { key: 'prize', label: 'Prize', width: 1.5 },
      { key: 'ticket', label: 'Winning number', kind: 'int' },
      { key: 'drawId', label: 'Draw', width: 2.3 },
      { key: 'drawnAt', label: 'Drawn at (UTC)', width: 1.6 },
      { key: 'claimDeadline', label: 'Claim deadline (UTC)', width: 1.6 },
      { key: 'pastDeadline', label: 'Past deadline' },
      { key: 'handling', label: 'If unclaimed', width: 2.5 },
      { key: 'status', label: 'Status', width: 2.4 },
      { key: 'contactAttempts', label: 'Contact attempts', kind: 'int', width: 0.8 },
      { key: 'lastContact', label: 'Last contact attempt (UTC, channel, outcome)', width: 2.6 },
    ],
    rows,
  };
}
