// JSON rendering of a report, written as it is read: the header members first, then each
// section's rows one by one, so a register of millions of numbers streams.

import type { ReportDocument, Row } from './report-document.js';

export async function* renderJson(doc: ReportDocument): AsyncGenerator<string> {
  const { sections, ...header } = doc;
  yield JSON.stringify(header).slice(0, -1) + ',"sections":[';
  for (const [index, section] of sections.entries()) {
    const { rows, ...meta } = section;
    yield (index > 0 ? ',' : '') + JSON.stringify(meta).slice(0, -1) + ',"rows":[';
    let chunk = '';
    let first = true;
    for await (const row of rows as AsyncIterable<Row>) {
      chunk += (first ? '' : ',') + JSON.stringify(row);
      first = false;
      if (chunk.length > 64 * 1024) {
        yield chunk;
        chunk = '';
      }
    }
    yield chunk + ']}';
  }
  yield ']}\n';
}
