// CSV rendering of a report (RFC 4180: CRLF line ends, fields quoted when they hold a comma, quote,
// CR or LF). The header facts, the ledger digest and the reconciliation come first as comment lines
// starting with '#'; then each section: a '# section:' line, its header row, its rows, an empty line.
// Readers that take one table per file skip comments (pandas: comment='#').

import type { ReportDocument, Row } from './report-document.js';

const EOL = '\r\n';

export function csvField(value: unknown): string {
  if (value === null || value === undefined) return '';
  const text = typeof value === 'object' ? JSON.stringify(value) : String(value);
  // A leading = + - @ makes spreadsheet programs evaluate the cell; a quote mark keeps it text.
  const safe = /^[=+\-@\t\r]/.test(text) && !/^-?\d/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function comment(text: string): string {
  return text
    .split('\n')
    .map((line) => `# ${line}`.trimEnd() + EOL)
    .join('');
}

/** The CSV text of a report, chunk by chunk (rows are read as they are written). */
export async function* renderCsv(doc: ReportDocument): AsyncGenerator<string> {
  let head = comment(`${doc.title} (${doc.report}, ${doc.format})`);
  head += comment(`generated at: ${doc.generatedAt}`);
  head += comment(
    `filter: raffle ${doc.filter.raffleId ?? 'all'}; from ${doc.filter.from ?? 'the start'}; to ${doc.filter.to ?? 'now'}`,
  );
  for (const fact of doc.facts) head += comment(`${fact.label}: ${fact.value ?? ''}`);
  head += comment(`ledger tree size: ${doc.ledger.treeSize}`);
  head += comment(`ledger root hash: ${doc.ledger.rootHash}`);
  head += comment(`signed checkpoint:\n${doc.ledger.checkpoint.trimEnd()}`);
  head += comment(`totals (from the journal): ${JSON.stringify(doc.totals)}`);
  if (doc.reconciliation) {
    const r = doc.reconciliation;
    head += comment(
      `reconciliation with the operational records: ${r.matches === null ? 'not compared' : r.matches ? 'matches' : 'DOES NOT MATCH'} (${r.note})`,
    );
    for (const line of r.lines) {
      head += comment(
        `  ${line.figure}: journal ${line.journal}, records ${line.operational}${line.matches ? '' : '  <-- differs'}`,
      );
    }
  }
  yield head + EOL;
  for (const section of doc.sections) {
    let text = comment(`section: ${section.title}`);
    if (section.note) text += comment(section.note);
    text += section.columns.map((c) => csvField(c.key)).join(',') + EOL;
    yield text;
    let chunk = '';
    for await (const row of section.rows as AsyncIterable<Row>) {
      chunk += section.columns.map((c) => csvField(row[c.key])).join(',') + EOL;
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk + EOL;
  }
}
