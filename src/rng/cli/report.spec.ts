import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSoftHsm } from '../../../test/support/softhsm.js';
import { bufferSource } from '../core/random-bytes.js';
import { main, resolveSource, runReport } from './report.js';

let directory: string;
beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'rng-report-'));
});
afterEach(async () => {
  await rm(directory, { recursive: true, force: true });
});

async function readJson(
  path: string,
): Promise<Record<string, unknown> & { tests: Array<Record<string, unknown>> }> {
  return JSON.parse(await readFile(path, 'utf8'));
}

describe('rng:report', () => {
  it('tests a binary capture file and writes report.json and report.md', async () => {
    const input = join(directory, 'capture.bin');
    await writeFile(input, randomBytes(125_000)); // 10^6 bits
    const out = join(directory, 'out');
    const lines: string[] = [];
    const status = await main(
      ['--input', input, '--out', out, '--draws', '20000', '--ranges', '6,37,1000003'],
      (l) => lines.push(l),
    );

    const report = await readJson(join(out, 'report.json'));
    expect(status).toBe(report.passed ? 0 : 1);
    expect(report.source).toMatchObject({ label: `file ${input}`, format: 'binary' });
    expect((report.source as { sha256: string }).sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(report.parameters).toMatchObject({
      bitsProvided: 1_000_000,
      sequences: 1,
      sequenceLength: 1_000_000,
    });
    expect(report.tests).toHaveLength(41);
    for (const row of report.tests) {
      expect(typeof row.name).toBe('string');
      expect(typeof row.passed).toBe('boolean');
      expect(Array.isArray(row.pValues)).toBe(true);
    }
    expect(report.tests.find((t) => t.name === 'Frequency')!.pValues).toHaveLength(1);
    expect((report.chiSquare as Array<{ range: number }>).map((c) => c.range)).toEqual([6, 37, 1_000_003]);
    expect((report.referenceCheck as { passed: boolean }).passed).toBe(true);

    const markdown = await readFile(join(out, 'report.md'), 'utf8');
    expect(markdown).toContain(`**Verdict: ${report.passed ? 'PASS' : 'FAIL'}**`);
    expect(markdown).toContain('| Frequency |');
    expect(markdown).toContain('Implementation self-check');
    expect(lines.join('\n')).toContain(join(out, 'report.json'));
  });

  it('reads ASCII digits with --ascii and flags a defective sequence', async () => {
    const input = join(directory, 'digits.txt');
    // 40 sequences of 2048 bits with 3 ones in 4: every frequency-type test must fail.
    const digits = Array.from({ length: 40 * 2048 }, (_, i) => (i % 4 === 0 ? '0' : '1')).join('');
    await writeFile(input, digits.replace(/(.{64})/g, '$1\n'));
    const out = join(directory, 'ascii');
    const lines: string[] = [];
    const status = await main(
      [
        '--input',
        input,
        '--ascii',
        '--out',
        out,
        '--sequence-length',
        '2048',
        '--ranges',
        '6',
        '--draws',
        '1000',
        '--no-self-check',
      ],
      (line) => lines.push(line),
    );
    expect(status).toBe(1);
    expect(lines[0]).toMatch(/^RNG report FAILED: 40 sequence\(s\) of 2048 bits/);
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}failed: Frequency: evidence P-value/));
    expect(lines).toContainEqual(expect.stringMatching(/^ {2}failed: chi-square range 6: no value below 6/));
    const report = await readJson(join(out, 'report.json'));
    expect(report.source).toMatchObject({ format: 'ascii' });
    expect(report.parameters).toMatchObject({ sequences: 40, sequenceLength: 2048 });
    expect(report.passed).toBe(false);
    expect(report.tests.find((t) => t.name === 'Frequency')).toMatchObject({
      passed: false,
      verdict: 'fail',
    });
    expect(report.referenceCheck).toBeUndefined();
    // Every byte is 0x77: masked to 3 bits it is 7, never below 6, so the scaler gives up.
    expect(report.chiSquare).toEqual([
      expect.objectContaining({
        range: 6,
        passed: false,
        sourceFailure: expect.stringMatching(/not working/),
      }),
    ]);
  });

  it('draws exactly the requested bits, then the chi-square samples, from a live source', async () => {
    const data = randomBytes(200_000);
    const source = bufferSource(data);
    const result = await runReport({
      source,
      bits: 8192 * 8,
      out: join(directory, 'live'),
      sourceLabel: 'test source',
      sourceDetails: { provider: 'test' },
      sequenceLength: 8192,
      chiSquareRanges: [10],
      chiSquareDraws: 5000,
      referenceCheck: false,
      now: new Date('2026-03-04T05:06:07Z'),
    });
    expect(result.report.generatedAt).toBe('2026-03-04T05:06:07.000Z');
    expect(result.report.source).toMatchObject({
      label: 'test source',
      provider: 'test',
      bytesDrawnForSuite: 8192,
    });
    expect(result.report.parameters.sequences).toBe(8);
    expect(result.report.chiSquare[0]).toMatchObject({ range: 10, draws: 5000 });
    expect(source.remaining()).toBe(data.length - 8192 - result.report.chiSquare[0].bytesConsumed);
  });

  it('resolves the os provider, and pkcs11 and kms from the service variables', async () => {
    const os = await resolveSource('os', {});
    expect((await os.source(16)).length).toBe(16);
    expect(os.details).toMatchObject({ provider: 'os', certified: false, startUp: { passed: true } });
    await os.close();
    await expect(resolveSource('pkcs11', {})).rejects.toMatchObject({ variable: 'PKCS11_MODULE' });
    await expect(resolveSource('kms', {})).rejects.toMatchObject({ variable: 'RNG_KMS_REGION' });
    await expect(resolveSource('dice', {})).rejects.toThrow(/unknown provider/);

    const hsm = await createSoftHsm({ tokenLabel: 'fairdraw-report' });
    try {
      const pkcs11 = await resolveSource('pkcs11', {
        PKCS11_MODULE: hsm.modulePath,
        PKCS11_TOKEN_LABEL: hsm.tokenLabel,
        PKCS11_PIN: hsm.pin,
      });
      expect((await pkcs11.source(4096)).length).toBe(4096);
      expect(pkcs11.details).toMatchObject({ provider: 'pkcs11', certified: true });
      expect(pkcs11.label).toMatch(
        /^pkcs11 \(pkcs11:token=fairdraw-report;.*serial=.*, certified, health-monitored\)$/,
      );
      await pkcs11.close();
    } finally {
      await hsm.cleanup();
    }
  });

  it('runs the os provider from the command line', async () => {
    const out = join(directory, 'os');
    const status = await main(
      [
        '--provider',
        'os',
        '--bits',
        '65536',
        '--sequence-length',
        '8192',
        '--out',
        out,
        '--draws',
        '2000',
        '--ranges',
        '6,10',
        '--no-self-check',
      ],
      () => undefined,
    );
    const report = await readJson(join(out, 'report.json'));
    expect(status).toBe(report.passed ? 0 : 1);
    expect(report.source).toMatchObject({ provider: 'os', certified: false });
    expect(report.parameters).toMatchObject({ bitsProvided: 65536, sequences: 8 });
  });

  it('rejects bad usage with status 2', async () => {
    const lines: string[] = [];
    expect(await main([], (l) => lines.push(l))).toBe(2);
    expect(lines.join('\n')).toMatch(/exactly one of --provider and --input/);
    expect(await main(['--provider', 'os', '--bits', 'many'], () => undefined)).toBe(2);
    expect(await main(['--provider', 'kms'], () => undefined)).toBe(2);
    expect(await main(['--input', join(directory, 'missing.bin')], () => undefined)).toBe(2);
    expect(await main(['--bogus'], () => undefined)).toBe(2);
    const help: string[] = [];
    expect(await main(['--help'], (l) => help.push(l))).toBe(0);
    expect(help.join('\n')).toMatch(/usage: rng:report/);
  });
});
