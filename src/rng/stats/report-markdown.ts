import type { RngReport, ReportTestRow } from './report.js';

/** A Markdown rendering of the report for a test lab or an auditor; the JSON stays the record. */
export function renderReportMarkdown(report: RngReport): string {
  const p = report.parameters;
  const lines: string[] = [
    `# RNG statistical test report`,
    '',
    `**Verdict: ${report.passed ? 'PASS' : 'FAIL'}** (GLI-31 RNG-4): ${report.verdict.rule}.`,
    '',
    ...(report.verdict.reasons.length > 0
      ? ['Failed because:', '', ...report.verdict.reasons.map((r) => `- ${r}`), '']
      : []),
    report.verdict.nistRowFailures.length > 0
      ? `Rows outside the SP 800-22 section 4.2.1 proportion interval: ${report.verdict.nistRowFailures.join(', ')}.`
      : 'Every row lies within the SP 800-22 section 4.2.1 proportion interval.',
    '',
    `- Generated: ${report.generatedAt}`,
    ...Object.entries(report.source).map(([key, value]) => `- Source ${key}: ${formatValue(value)}`),
    `- Bits: ${p.bitsProvided} provided, ${p.sequences} sequence(s) of ${p.sequenceLength} bits tested, ${p.bitsDiscarded} discarded`,
    '',
    `## Parameters (SP 800-22 rev1a; defaults are those of Appendix B)`,
    '',
    '| parameter | value |',
    '|---|---|',
    `| Block Frequency M | ${p.blockFrequencyBlockLength} |`,
    `| Non-overlapping Template m / templates | ${p.nonOverlappingTemplateLength} / ${formatTemplates(p.nonOverlappingTemplates)} |`,
    `| Overlapping Template m (M = 1032) | ${p.overlappingTemplateLength} |`,
    `| Linear Complexity M | ${p.linearComplexityBlockLength} |`,
    `| Serial m | ${p.serialBlockLength} |`,
    `| Approximate Entropy m | ${p.approximateEntropyBlockLength} |`,
    `| Universal | ${p.universal} |`,
    '',
    `## SP 800-22 tests`,
    '',
    '| statistic | P-value | proportion | C1..C10 | uniformity P-value_T | evidence P-value | section 4.2 verdict |',
    '|---|---|---|---|---|---|---|',
    ...report.tests.map(testRow),
    '',
  ];
  if (report.chiSquare.length > 0) {
    lines.push(
      `## Chi-square uniformity of scaled outputs (uniformInt, RNG-3)`,
      '',
      '| range n | draws | bins | chi-square | df | P-value | attempts / expected | verdict |',
      '|---|---|---|---|---|---|---|---|',
      ...report.chiSquare.map(
        (c) =>
          `| ${c.range} | ${c.draws}${c.draws < c.drawsRequested ? ` of ${c.drawsRequested}` : ''} | ${c.bins} (${c.binning}) | ${c.statistic.toFixed(2)} | ${c.degreesOfFreedom} | ${c.pValue.toFixed(6)} | ${c.attempts} / ${c.expectedAttempts.toFixed(0)} | ${c.passed ? 'pass' : c.sourceFailure ? `**FAIL**: ${c.sourceFailure}` : '**FAIL**'} |`,
      ),
      '',
    );
  }
  if (report.referenceCheck) {
    const check = report.referenceCheck;
    lines.push(
      `## Implementation self-check: ${check.reference}`,
      '',
      `${check.passed ? 'Reproduced' : '**NOT reproduced**'}: this build recomputed the published P-values (difference at most 1e-6).`,
      '',
      '| statistic | published | computed | 6 decimals equal |',
      '|---|---|---|---|',
      ...check.comparisons.map(
        (c) =>
          `| ${c.test}${c.variant ? ` (${c.variant})` : ''} | ${c.published.toFixed(6)} | ${c.computed.toFixed(8)} | ${c.exact ? 'yes' : 'no (see docs/rng.md)'} |`,
      ),
      '',
    );
  }
  const rowNotes = report.tests.flatMap((t) => t.notes.map((note) => `- ${t.name}: ${note}`));
  lines.push(`## Notes`, '', ...report.notes.map((note) => `- ${note}`), ...rowNotes, '');
  return lines.join('\n');
}

function testRow(row: ReportTestRow): string {
  const pValue =
    row.pValues.length === 0
      ? 'n/a'
      : row.pValues.length === 1
        ? row.pValues[0].toFixed(6)
        : `min ${Math.min(...row.pValues).toFixed(6)}, median ${median(row.pValues).toFixed(6)}`;
  const proportion =
    row.applicableSequences === 0
      ? 'n/a'
      : `${row.proportion.passed}/${row.proportion.total} (>= ${row.proportion.minimum})`;
  const uniformity = row.uniformityPValue === null ? '-' : row.uniformityPValue.toFixed(6);
  const evidence = row.evidencePValue === null ? '-' : row.evidencePValue.toPrecision(4);
  const verdict = row.verdict === 'fail' ? '**fail**' : row.verdict;
  return `| ${row.name} | ${pValue} | ${proportion} | ${row.histogram.join(' ')} | ${uniformity} | ${evidence} | ${verdict} |`;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

function formatTemplates(templates: string[] | 'all'): string {
  if (templates === 'all') return 'all aperiodic';
  return templates.length > 4 ? `${templates.length} templates` : templates.join(', ');
}

function formatValue(value: unknown): string {
  return typeof value === 'string' ? value : JSON.stringify(value);
}
