/**
 * Statistical evidence for a test lab (GLI-31 RNG-1, RNG-4): runs the SP 800-22 suite and the
 * chi-square test of scaled outputs, writes report.json and report.md.
 *
 *   npm run rng:report -- --provider os --bits 10000000 [--out dir]
 *   npm run rng:report -- --provider pkcs11 --bits 10000000        (PKCS11_MODULE, _TOKEN_LABEL, _PIN set)
 *   npm run rng:report -- --input capture.bin [--bits N] [--out dir]
 *   npm run rng:report -- --input digits.txt --ascii
 *
 * Plain Node, no NestJS. `--provider` reads the service's own RNG variables (RNG_PROVIDER is
 * overridden by the flag) and draws through the same health-monitored engine as the draws.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { bufferSource, type RandomBytes } from '../core/random-bytes.js';
import { bitsFromAscii, bitsFromBytes, bytesFromBits, type Bits } from '../stats/bits.js';
import { checkAppendixB } from '../stats/reference/appendix-b.js';
import { buildRngReport, type RngReport } from '../stats/report.js';
import { renderReportMarkdown } from '../stats/report-markdown.js';
import { scaledChiSquare, type ScaledChiSquareResult } from '../stats/scaled-chi-square.js';
import type { SuiteParameters } from '../stats/suite-parameters.js';
import { rngSettingsFromEnvironment, startRngEngine } from '../rng-from-environment.js';

/** Ranges used by draws, small to large (RNG-4), with non-powers of two and a prime. */
export const DEFAULT_CHI_SQUARE_RANGES = [2, 6, 10, 37, 1000, 12345, 1_000_003, 2 ** 53 - 1];
export const DEFAULT_CHI_SQUARE_DRAWS = 100_000;
export const DEFAULT_BITS = 10_000_000;
/** Bytes per request to a provider; an HSM call should stay modest. */
const CHUNK_BYTES = 1 << 20;

export interface ResolvedSource {
  source: RandomBytes;
  label: string;
  details: Record<string, unknown>;
  /** Closes the provider (logs out of the token, ends the KMS client). */
  close(): Promise<void>;
}

/**
 * The CLI's providers: `name` overrides RNG_PROVIDER, every other setting comes from the same
 * variables the service reads (PKCS11_*, RNG_KMS_*, ...). The bytes come through the engine the
 * draws use: start-up test first, then the SP 800-90B continuous tests on every block.
 */
export async function resolveSource(
  name: string,
  env: NodeJS.ProcessEnv = process.env,
): Promise<ResolvedSource> {
  const engine = await startRngEngine(rngSettingsFromEnvironment(env, name));
  const { provider, certified, identity } = engine.info;
  return {
    source: (n) => engine.read(n),
    label: `${provider} (${identity}, ${certified ? 'certified' : 'NOT certified'}, health-monitored)`,
    details: {
      provider,
      identity,
      certified,
      healthTests: 'SP 800-90B repetition count and adaptive proportion tests on every block',
      startUp: engine.startUpRecord,
    },
    close: () => engine.close(),
  };
}

export interface RunReportOptions {
  source: RandomBytes;
  /** Bits to draw for the SP 800-22 suite. */
  bits: number;
  /** Output directory; default ./reports/rng-<timestamp>. */
  out?: string;
  sourceLabel: string;
  /** Extra facts about the source recorded in the report (provider, identity, certified, ...). */
  sourceDetails?: Record<string, unknown>;
  sequenceLength?: number;
  parameters?: Partial<SuiteParameters>;
  chiSquareRanges?: number[];
  chiSquareDraws?: number;
  /** Recompute Appendix B for e first and record it (default true; about 2 s). */
  referenceCheck?: boolean;
  now?: Date;
}

export interface RunReportResult {
  report: RngReport;
  directory: string;
  jsonPath: string;
  markdownPath: string;
}

/** Draws `bits` from a live source, tests them, draws the chi-square samples, writes both files. */
export async function runReport(options: RunReportOptions): Promise<RunReportResult> {
  if (!Number.isSafeInteger(options.bits) || options.bits < 1)
    throw new RangeError('bits must be a positive integer');
  const bytes = await readAll(options.source, Math.ceil(options.bits / 8));
  const bits = bitsFromBytes(bytes, options.bits);
  const chiSquare: ScaledChiSquareResult[] = [];
  for (const range of options.chiSquareRanges ?? DEFAULT_CHI_SQUARE_RANGES) {
    chiSquare.push(
      await scaledChiSquare(options.source, range, options.chiSquareDraws ?? DEFAULT_CHI_SQUARE_DRAWS),
    );
  }
  return write(bits, chiSquare, [], {
    ...options,
    sourceDetails: { ...options.sourceDetails, bytesDrawnForSuite: bytes.length },
  });
}

export interface RunFileReportOptions extends Omit<RunReportOptions, 'source' | 'bits' | 'sourceLabel'> {
  input: string;
  ascii?: boolean;
  /** Use only the first N bits of the file. */
  bits?: number;
}

/**
 * Tests recorded output. The chi-square draws read the same bytes through uniformInt, each range
 * starting again at the beginning of the file, as many draws as the file allows.
 */
export async function runFileReport(options: RunFileReportOptions): Promise<RunReportResult> {
  const content = await readFile(options.input);
  const all: Bits = options.ascii ? bitsFromAscii(content.toString('latin1')) : bitsFromBytes(content);
  const count = options.bits ?? all.length;
  if (count > all.length)
    throw new RangeError(`${options.input} holds ${all.length} bits, fewer than the ${count} asked for`);
  const bits = all.subarray(0, count);
  const packed = options.ascii ? bytesFromBits(bits) : content.subarray(0, Math.ceil(count / 8));
  const chiSquare: ScaledChiSquareResult[] = [];
  const notes: string[] = [];
  for (const range of options.chiSquareRanges ?? DEFAULT_CHI_SQUARE_RANGES) {
    try {
      chiSquare.push(
        await scaledChiSquare(
          bufferSource(packed),
          range,
          options.chiSquareDraws ?? DEFAULT_CHI_SQUARE_DRAWS,
          {
            allowShortfall: true,
          },
        ),
      );
    } catch (error) {
      if (!(error instanceof RangeError)) throw error;
      notes.push(`chi-square for range ${range} skipped: ${error.message}`);
    }
  }
  return write(bits, chiSquare, notes, {
    ...options,
    sourceLabel: `file ${options.input}`,
    sourceDetails: {
      file: resolve(options.input),
      format: options.ascii ? 'ascii' : 'binary',
      sha256: createHash('sha256').update(content).digest('hex'),
    },
  });
}

async function write(
  bits: Bits,
  chiSquare: ScaledChiSquareResult[],
  notes: string[],
  options: Omit<RunReportOptions, 'source' | 'bits'>,
): Promise<RunReportResult> {
  const now = options.now ?? new Date();
  const report = buildRngReport(bits, {
    source: { label: options.sourceLabel, ...options.sourceDetails },
    parameters: options.parameters,
    sequenceLength: options.sequenceLength,
    chiSquare,
    referenceCheck: options.referenceCheck === false ? undefined : checkAppendixB(),
    notes,
    generatedAt: now,
  });
  const directory = resolve(
    options.out ?? join('reports', `rng-${now.toISOString().replace(/[:.]/g, '').replace(/-/g, '')}`),
  );
  await mkdir(directory, { recursive: true });
  const jsonPath = join(directory, 'report.json');
  const markdownPath = join(directory, 'report.md');
  await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`);
  await writeFile(markdownPath, renderReportMarkdown(report));
  return { report, directory, jsonPath, markdownPath };
}

async function readAll(source: RandomBytes, count: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for (let remaining = count; remaining > 0; remaining -= CHUNK_BYTES) {
    const size = Math.min(CHUNK_BYTES, remaining);
    const chunk = await source(size);
    if (chunk.length !== size)
      throw new Error(`random source returned ${chunk.length} bytes when ${size} were requested`);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

const USAGE = `usage: rng:report -- (--provider NAME | --input FILE [--ascii]) [options]
  --provider NAME        pkcs11, kms or os, configured by the service's variables (PKCS11_*, RNG_KMS_*)
  --input FILE           raw bytes (bits MSB first), or '0'/'1' digits with --ascii
  --bits N               bits to test (provider default ${DEFAULT_BITS}; file default: all)
  --out DIR              output directory (default ./reports/rng-<timestamp>)
  --sequence-length N    bits per sequence (default min(bits, 1000000))
  --ranges a,b,c         chi-square ranges (default ${DEFAULT_CHI_SQUARE_RANGES.join(',')})
  --draws N              chi-square draws per range (default ${DEFAULT_CHI_SQUARE_DRAWS})
  --all-templates        all 148 non-overlapping templates instead of Appendix B's one
  --no-self-check        skip recomputing SP 800-22 Appendix B first
exit status: 0 report passed, 1 report failed, 2 usage or runtime error`;

/** The command line; returns the exit status. */
export async function main(argv: string[], log: (line: string) => void = console.log): Promise<number> {
  let result: RunReportResult;
  try {
    const { values } = parseArgs({
      args: argv,
      strict: true,
      options: {
        provider: { type: 'string' },
        input: { type: 'string' },
        ascii: { type: 'boolean', default: false },
        bits: { type: 'string' },
        out: { type: 'string' },
        'sequence-length': { type: 'string' },
        ranges: { type: 'string' },
        draws: { type: 'string' },
        'all-templates': { type: 'boolean', default: false },
        'no-self-check': { type: 'boolean', default: false },
        help: { type: 'boolean', default: false },
      },
    });
    if (values.help) {
      log(USAGE);
      return 0;
    }
    if ((values.provider === undefined) === (values.input === undefined)) {
      throw new UsageError('give exactly one of --provider and --input');
    }
    const common = {
      out: values.out,
      sequenceLength: optionalInteger(values['sequence-length'], '--sequence-length'),
      chiSquareRanges: values.ranges?.split(',').map((r) => integer(r, '--ranges')),
      chiSquareDraws: optionalInteger(values.draws, '--draws'),
      parameters: values['all-templates'] ? { nonOverlappingTemplates: 'all' as const } : undefined,
      referenceCheck: !values['no-self-check'],
    };
    if (values.input !== undefined) {
      result = await runFileReport({
        ...common,
        input: values.input,
        ascii: values.ascii,
        bits: optionalInteger(values.bits, '--bits'),
      });
    } else {
      const bits = optionalInteger(values.bits, '--bits') ?? DEFAULT_BITS;
      const resolved = await resolveSource(values.provider!);
      try {
        result = await runReport({
          ...common,
          source: resolved.source,
          bits,
          sourceLabel: resolved.label,
          sourceDetails: resolved.details,
        });
      } finally {
        await resolved.close();
      }
    }
  } catch (error) {
    log(`rng:report: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError) log(USAGE);
    return 2;
  }
  const { report } = result;
  log(
    `RNG report ${report.passed ? 'PASSED' : 'FAILED'}: ${report.parameters.sequences} sequence(s) of ${report.parameters.sequenceLength} bits, ${report.chiSquare.length} chi-square range(s)`,
  );
  for (const reason of report.verdict.reasons) log(`  failed: ${reason}`);
  if (report.verdict.nistRowFailures.length > 0) {
    log(`  rows outside the SP 800-22 4.2.1 interval: ${report.verdict.nistRowFailures.join(', ')}`);
  }
  log(`  ${result.jsonPath}\n  ${result.markdownPath}`);
  return report.passed ? 0 : 1;
}

class UsageError extends Error {}

function integer(text: string, flag: string): number {
  const value = Number(text.replace(/_/g, ''));
  if (!Number.isSafeInteger(value) || value < 1)
    throw new UsageError(`${flag} needs a positive integer, got ${JSON.stringify(text)}`);
  return value;
}

function optionalInteger(text: string | undefined, flag: string): number | undefined {
  return text === undefined ? undefined : integer(text, flag);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
