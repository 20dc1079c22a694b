// A printable PDF of a report (pdfkit): A4 landscape; a title block with the header facts, the
// journal digest (tree size, root hash, the signed checkpoint in full) and the reconciliation; then
// each section as a table whose header repeats on every page. Each page's footer names the report,
// the tree size it was computed at and the page number, so a loose page still says what it is.

import { PassThrough, type Readable } from 'node:stream';
import PDFDocument from 'pdfkit';
import {
  formatMoney,
  type Cell,
  type Column,
  type ReportDocument,
  type Row,
} from './core/report-document.js';

const MARGIN = 36;
const BODY = 6.5;
const CELL_PAD = 2;

export function renderPdf(report: ReportDocument): Readable {
  const doc = new PDFDocument({
    size: 'A4',
    layout: 'landscape',
    margins: { top: MARGIN, bottom: MARGIN + 14, left: MARGIN, right: MARGIN },
    info: {
      Title: report.title,
      Subject: `${report.report} at ledger tree size ${report.ledger.treeSize}`,
      Author: 'Fairdraw',
    },
  });
  const out = new PassThrough();
  doc.pipe(out);
  write(doc, report).then(
    () => doc.end(),
    (error: unknown) => {
      // End the document anyway so pdfkit releases its compression streams.
      out.destroy(error instanceof Error ? error : new Error(`PDF rendering failed: ${String(error)}`));
      doc.end();
    },
  );
  return out;
}

async function write(doc: PDFKit.PDFDocument, report: ReportDocument): Promise<void> {
  let page = 1;
  const footer = () => {
    const bottom = doc.page.height - MARGIN;
    const { x, y } = doc;
    // Below the bottom margin: without lifting it, pdfkit would start a new page for the footer.
    const margin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc
      .font('Helvetica')
      .fontSize(7)
      .fillColor('#555555')
      .text(
        `${report.title} - ledger tree size ${report.ledger.treeSize} - generated ${report.generatedAt} - page ${page}`,
        MARGIN,
        bottom,
        { width: doc.page.width - 2 * MARGIN, align: 'center', lineBreak: false },
      )
      .fillColor('black');
    doc.page.margins.bottom = margin;
    doc.x = x;
    doc.y = y;
  };
  doc.on('pageAdded', () => {
    page++;
    footer();
  });
  footer();

  doc.font('Helvetica-Bold').fontSize(15).text(report.title, MARGIN, MARGIN);
  doc.moveDown(0.3);
  doc.font('Helvetica').fontSize(9);
  const line = (label: string, value: string) => {
    doc.font('Helvetica-Bold').text(`${label}: `, { continued: true }).font('Helvetica').text(value);
  };
  line('Report', `${report.report} (${report.format})`);
  line('Generated', report.generatedAt);
  line(
    'Filter',
    `raffle ${report.filter.raffleId ?? 'all'}; from ${report.filter.from ?? 'the start'}; to ${report.filter.to ?? 'now'}`,
  );
  for (const fact of report.facts) line(fact.label, cellText(fact.value, undefined, report.currency));
  doc.moveDown(0.5);
  doc.font('Helvetica-Bold').fontSize(10).text('Computed at this journal digest');
  doc.font('Helvetica').fontSize(9);
  line('Tree size', String(report.ledger.treeSize));
  line('Root hash', report.ledger.rootHash);
  doc.font('Helvetica-Bold').text('Signed checkpoint:');
  doc.font('Courier').fontSize(7.5).text(report.ledger.checkpoint.trimEnd(), { indent: 12 });
  doc.font('Helvetica').fontSize(9);
  if (report.reconciliation) {
    const r = report.reconciliation;
    doc.moveDown(0.5);
    doc
      .font('Helvetica-Bold')
      .fontSize(10)
      .text(
        `Reconciliation with the operational records: ${r.matches === null ? 'not compared' : r.matches ? 'matches' : 'DOES NOT MATCH'}`,
      );
    doc.font('Helvetica').fontSize(8).text(r.note);
    if (r.lines.length > 0) {
      await table(
        doc,
        [
          { key: 'figure', label: 'Figure', width: 3 },
          { key: 'journal', label: 'Journal', kind: 'int' },
          { key: 'operational', label: 'Records', kind: 'int' },
          { key: 'matches', label: 'Matches' },
        ],
        r.lines.map((l) => ({ ...l }) as Row),
        report.currency,
      );
    }
  }
  for (const section of report.sections) {
    doc.moveDown(0.8);
    if (doc.y > doc.page.height - MARGIN - 80) doc.addPage();
    doc.font('Helvetica-Bold').fontSize(11).text(section.title, MARGIN);
    if (section.note) doc.font('Helvetica').fontSize(8).text(section.note);
    doc.moveDown(0.2);
    await table(doc, section.columns, section.rows, report.currency);
  }
}

async function table(
  doc: PDFKit.PDFDocument,
  columns: Column[],
  rows: Iterable<Row> | AsyncIterable<Row>,
  currency: string | null,
): Promise<void> {
  const width = doc.page.width - 2 * MARGIN;
  const units = columns.reduce((sum, c) => sum + (c.width ?? 1), 0);
  const widths = columns.map((c) => ((c.width ?? 1) / units) * width);
  const bottom = () => doc.page.height - MARGIN - 14;
  const drawRow = (cells: string[], bold: boolean) => {
    doc.font(bold ? 'Helvetica-Bold' : 'Helvetica').fontSize(BODY);
    const height =
      Math.max(
        ...cells.map((text, i) => doc.heightOfString(text || ' ', { width: widths[i] - 2 * CELL_PAD })),
      ) +
      2 * CELL_PAD;
    if (doc.y + height > bottom()) {
      doc.addPage();
      if (!bold)
        drawRow(
          columns.map((c) => c.label),
          true,
        );
    }
    const y = doc.y;
    let x = MARGIN;
    cells.forEach((text, i) => {
      const numeric = columns[i].kind === 'int' || columns[i].kind === 'money';
      doc.text(text, x + CELL_PAD, y + CELL_PAD, {
        width: widths[i] - 2 * CELL_PAD,
        align: numeric ? 'right' : 'left',
      });
      x += widths[i];
    });
    doc
      .moveTo(MARGIN, y + height)
      .lineTo(MARGIN + width, y + height)
      .lineWidth(0.3)
      .strokeColor(bold ? '#000000' : '#bbbbbb')
      .stroke();
    doc.x = MARGIN;
    doc.y = y + height;
  };
  drawRow(
    columns.map((c) => c.label),
    true,
  );
  let count = 0;
  for await (const row of rows as AsyncIterable<Row>) {
    drawRow(
      columns.map((c) => cellText(row[c.key], c, currency)),
      false,
    );
    count++;
  }
  if (count === 0) {
    doc
      .font('Helvetica-Oblique')
      .fontSize(BODY)
      .text('(none)', MARGIN + CELL_PAD, doc.y + CELL_PAD);
  }
  doc.x = MARGIN;
}

function cellText(value: Cell | undefined, column: Column | undefined, currency: string | null): string {
  if (value === null || value === undefined) return '';
  if (column?.kind === 'money' && typeof value === 'number') return formatMoney(value, currency);
  if (column?.kind === 'int' && typeof value === 'number') return value.toLocaleString('en');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  return String(value);
}
