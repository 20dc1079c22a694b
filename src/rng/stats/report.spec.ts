import { randomBytes } from 'node:crypto';
import { bitsFromBytes } from './bits.js';
import { binaryExpansionOfE } from './reference/binary-expansion-of-e.js';
import { buildRngReport } from './report.js';
import { renderReportMarkdown } from './report-markdown.js';
import { chiSquareOfValues } from './scaled-chi-square.js';

const generatedAt = new Date('2026-01-02T03:04:05.000Z');

describe('buildRngReport', () => {
  it('reports e as one Appendix B sequence: one row per statistic, each with its P-value', () => {
    const e = binaryExpansionOfE(1_000_000);
    const report = buildRngReport(e, { source: { label: 'data.e (computed)' }, generatedAt });
    expect(report.generatedAt).toBe('2026-01-02T03:04:05.000Z');
    expect(report.parameters).toMatchObject({
      alpha: 0.01,
      blockFrequencyBlockLength: 128,
      serialBlockLength: 16,
      approximateEntropyBlockLength: 10,
      linearComplexityBlockLength: 500,
      sequenceLength: 1_000_000,
      sequences: 1,
      bitsDiscarded: 0,
    });
    // 1 + 1 + 2 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 1 + 8 + 18 + 2 + 1 rows, as in finalAnalysisReport.
    expect(report.tests).toHaveLength(41);
    const row = (name: string) => report.tests.find((t) => t.name === name)!;
    expect(row('Frequency').pValues[0].toFixed(6)).toBe('0.953749');
    expect(row('Serial (2)').pValues[0].toFixed(6)).toBe('0.462921');
    expect(row('RandomExcursions (x=+1)').pValues[0].toFixed(6)).toBe('0.786868');
    expect(row('NonOverlappingTemplate (000000001)').pValues[0].toFixed(6)).toBe('0.078790');
    // e fails no row at alpha = 0.01 except the random excursion state -1 (P = 0.007779): one
    // P-value below 0.01 among 41 is what chance gives, so the family-wise verdict passes.
    expect(report.tests.filter((t) => !t.passed).map((t) => t.name)).toEqual(['RandomExcursions (x=-1)']);
    expect(row('RandomExcursions (x=-1)')).toMatchObject({
      verdict: 'fail',
      proportion: { passed: 0, total: 1 },
    });
    expect(row('RandomExcursions (x=-1)').evidencePValue).toBeCloseTo(2 * 0.007779, 5);
    expect(report.verdict).toMatchObject({
      passed: true,
      statistics: 41,
      reasons: [],
      nistRowFailures: ['RandomExcursions (x=-1)'],
    });
    expect(report.verdict.threshold).toBeCloseTo(0.01 / 41, 12);
    expect(report.passed).toBe(true);
  });

  it('judges many sequences by proportion and uniformity (section 4.2)', () => {
    const bits = bitsFromBytes(randomBytes((60 * 2048) / 8));
    const report = buildRngReport(bits, { source: { label: 'os' }, sequenceLength: 2048, generatedAt });
    expect(report.parameters.sequences).toBe(60);
    const frequency = report.tests.find((t) => t.name === 'Frequency')!;
    expect(frequency.pValues).toHaveLength(60);
    expect(frequency.histogram.reduce((a, b) => a + b)).toBe(60);
    expect(frequency.uniformityPValue).not.toBeNull();
    // 0.99 - 3 sqrt(0.99 * 0.01 / 60) = 0.9515, so 58 of 60 must pass.
    expect(frequency.proportion).toMatchObject({ total: 60, minimum: 58, maximum: 60 });
    // Universal needs 387,840 bits and the excursion tests 500 cycles: not applicable here.
    expect(report.tests.find((t) => t.test === 'Universal')!.verdict).toBe('not-applicable');
    expect(report.notes.join(' ')).toMatch(/recommended size/);
  });

  it('fails a biased source', () => {
    const bytes = randomBytes((10 * 4096) / 8).map((b) => b | 0x01); // every 8th bit stuck at 1
    const report = buildRngReport(bitsFromBytes(bytes), {
      source: { label: 'stuck bit' },
      sequenceLength: 4096,
    });
    expect(report.passed).toBe(false);
    expect(report.tests.find((t) => t.name === 'Frequency')!.verdict).toBe('fail');
    expect(report.verdict.reasons.join('\n')).toMatch(/^Frequency: evidence P-value/);
  });

  it('carries the chi-square results into the verdict', () => {
    const bits = bitsFromBytes(randomBytes(4096));
    const modulo = chiSquareOfValues(
      10,
      Array.from(randomBytes(200_000), (b) => b % 10),
    );
    const report = buildRngReport(bits, {
      source: { label: 'x' },
      chiSquare: [{ ...modulo, drawsRequested: 200_000, attempts: 200_000, bytesConsumed: 200_000 }],
    });
    expect(report.chiSquare[0].passed).toBe(false);
    expect(report.passed).toBe(false);
    expect(report.verdict.reasons).toEqual([expect.stringMatching(/^chi-square range 10: P-value/)]);
  });

  it('refuses input shorter than one sequence', () => {
    expect(() =>
      buildRngReport(new Uint8Array(100), { source: { label: 'x' }, sequenceLength: 1000 }),
    ).toThrow(RangeError);
    expect(() => buildRngReport(new Uint8Array(100), { source: { label: 'x' } })).toThrow(
      /at least 1024 bits/,
    );
  });
});

describe('renderReportMarkdown', () => {
  it('shows the verdict, the source, every statistic and the chi-square table', () => {
    const bits = bitsFromBytes(randomBytes(16384));
    const chi = chiSquareOfValues(
      6,
      Array.from({ length: 600 }, (_, i) => i % 6),
    );
    const report = buildRngReport(bits, {
      source: { label: 'unit test', provider: 'os', certified: false },
      chiSquare: [{ ...chi, drawsRequested: 600, attempts: 700, bytesConsumed: 700 }],
      generatedAt,
    });
    const markdown = renderReportMarkdown(report);
    expect(markdown).toMatch(/^# RNG statistical test report/);
    expect(markdown).toContain(
      `**Verdict: ${report.passed ? 'PASS' : 'FAIL'}** (GLI-31 RNG-4): a family-wise 99% confidence test`,
    );
    expect(markdown).toContain('- Source label: unit test');
    expect(markdown).toContain('- Source certified: false');
    for (const row of report.tests) expect(markdown).toContain(`| ${row.name} |`);
    expect(markdown).toContain('| 6 | 600 | 6 (value) | 0.00 | 5 | 1.000000 | 700 / 800 | pass |');
  });
});
