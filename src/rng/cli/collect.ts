/**
 * Evidence for a test lab (GLI-31 RNG-1 to RNG-4): writes the output of the configured RNG to a
 * file, through the very engine the draws use (provider -> SP 800-90B health tests -> scaling).
 *
 *   npm run rng:collect -- --raw --bytes 268435456 --out raw.bin          raw bytes, before scaling
 *   npm run rng:collect -- --raw --out - | dieharder -a -g 200            stream until the reader stops
 *   npm run rng:collect -- --range 1000 --count 100000 --winners 1 --out d.txt   draws of 1 winner
 *   npm run rng:collect -- --range 37 --count 1000000 --repeats --out r.txt      with repeats
 *
 * Configured by the service's own variables (RNG_PROVIDER, PKCS11_*, RNG_KMS_*); `--provider`
 * overrides RNG_PROVIDER. Every output file gets a JSON sidecar (FILE.json) saying which
 * generator produced it, with what parameters, and the file's SHA-256.
 */
import { createHash } from 'node:crypto';
import { createWriteStream, type WriteStream } from 'node:fs';
import { writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVICE_VERSION } from '../../common/service-version.js';
import { RNG_ALGORITHM, type RngEngine } from '../rng-engine.js';
import { rngSettingsFromEnvironment, startRngEngine } from '../rng-from-environment.js';
import { describeRngSettings, type RngSettings } from '../rng-settings.js';

/** Bytes per read in raw mode: large enough to be fast, small enough for an HSM call. */
const RAW_CHUNK_BYTES = 64 * 1024;
/** With repeats, draws are independent: writing them in selections of this size changes nothing. */
const REPEATS_PER_SELECTION = 10_000;

export type CollectParameters =
  | { mode: 'raw'; bytes: number | null }
  | { mode: 'scaled'; range: number; count: number; repeats: boolean; winnersPerSelection: number };

export interface CollectResult {
  file: string;
  sidecar: string | null;
  sha256: string;
  /** Bytes written to the output (raw mode) or outcome lines (scaled mode). */
  written: number;
  bytesConsumed: number;
}

/** Output sink: a file, or stdout that may be closed by its reader (e.g. dieharder) at any time. */
export class Sink {
  private readonly stream: NodeJS.WritableStream;
  private error?: Error;
  closedByReader = false;

  constructor(readonly target: string) {
    this.stream = target === '-' ? process.stdout : createWriteStream(target);
    this.stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') this.closedByReader = true;
      else this.error = error;
    });
  }

  /** False once the reader has gone away. */
  async write(chunk: Buffer | string): Promise<boolean> {
    if (this.error) throw this.error;
    if (this.closedByReader) return false;
    if (!this.stream.write(chunk)) {
      await new Promise<void>((done) => {
        const finish = () => {
          this.stream.off('drain', finish);
          this.stream.off('error', finish);
          done();
        };
        this.stream.on('drain', finish);
        this.stream.on('error', finish);
      });
    }
    if (this.error) throw this.error;
    return !this.closedByReader;
  }

  async close(): Promise<void> {
    if (this.target === '-') return;
    const file = this.stream as WriteStream;
    await new Promise<void>((done, fail) =>
      file.end((error?: Error | null) => (error ? fail(error) : done())),
    );
  }
}

/** Raw provider bytes after the health tests; `bytes` null streams until the reader stops. */
export async function collectRaw(engine: RngEngine, bytes: number | null, sink: Sink) {
  const hash = createHash('sha256');
  let written = 0;
  while (bytes === null || written < bytes) {
    const size = bytes === null ? RAW_CHUNK_BYTES : Math.min(RAW_CHUNK_BYTES, bytes - written);
    const block = await engine.read(size);
    if (!(await sink.write(block))) break;
    hash.update(block);
    written += size;
  }
  return { sha256: hash.digest('hex'), written, bytesConsumed: written };
}

/** Outcomes exactly as draws make them (engine.select), one per line, first prize first. */
export async function collectScaled(
  engine: RngEngine,
  parameters: Extract<CollectParameters, { mode: 'scaled' }>,
  sink: Sink,
) {
  const hash = createHash('sha256');
  let written = 0;
  let bytesConsumed = 0;
  while (written < parameters.count) {
    const k = Math.min(parameters.winnersPerSelection, parameters.count - written);
    const selection = await engine.select({ k, n: parameters.range, repeats: parameters.repeats });
    const lines = selection.values.join('\n') + '\n';
    if (!(await sink.write(lines))) break;
    hash.update(lines);
    written += k;
    bytesConsumed += selection.bytesConsumed.length;
  }
  return { sha256: hash.digest('hex'), written, bytesConsumed };
}

export interface CollectRun {
  settings: RngSettings;
  parameters: CollectParameters;
  out: string;
  /** Where the JSON sidecar goes; default `<out>.json`, none for stdout unless given. */
  sidecar?: string;
  argv?: string[];
}

/** Opens the RNG, writes the output and its sidecar, closes the RNG. */
export async function collect(run: CollectRun): Promise<CollectResult> {
  const startedAt = new Date();
  const engine = await startRngEngine(run.settings);
  const sink = new Sink(run.out === '-' ? '-' : resolve(run.out));
  try {
    const outcome =
      run.parameters.mode === 'raw'
        ? await collectRaw(engine, run.parameters.bytes, sink)
        : await collectScaled(engine, run.parameters, sink);
    await sink.close();
    const sidecar = run.sidecar ?? (run.out === '-' ? undefined : `${run.out}.json`);
    const info = engine.info;
    if (sidecar !== undefined) {
      const record = {
        tool: 'fairdraw rng:collect',
        version: SERVICE_VERSION,
        ...info,
        certifiedNote: info.certified ? undefined : 'NOT a certified RNG: development or stand-in output',
        algorithm: run.parameters.mode === 'scaled' ? RNG_ALGORITHM : undefined,
        path:
          'provider -> SP 800-90B health tests (RCT, APT) -> ' +
          (run.parameters.mode === 'raw' ? 'raw bytes' : 'selectDistinct/selectWithRepeats, as draws'),
        parameters: run.parameters,
        output: {
          file: run.out === '-' ? 'stdout' : resolve(run.out),
          format: run.parameters.mode === 'raw' ? 'binary' : 'one decimal outcome per line',
          sha256: outcome.sha256,
          [run.parameters.mode === 'raw' ? 'bytes' : 'lines']: outcome.written,
          stoppedByReader: sink.closedByReader,
        },
        bytesConsumed: outcome.bytesConsumed,
        providerCalls: engine.stats.providerCalls,
        health: { state: engine.state, failures: engine.stats.healthFailures, startUp: engine.startUpRecord },
        settings: describeRngSettings(run.settings),
        host: hostname(),
        command: run.argv ? ['rng:collect', ...run.argv].join(' ') : undefined,
        startedAt: startedAt.toISOString(),
        finishedAt: new Date().toISOString(),
      };
      await writeFile(sidecar, `${JSON.stringify(record, null, 2)}\n`);
    }
    return {
      file: run.out,
      sidecar: sidecar ?? null,
      sha256: outcome.sha256,
      written: outcome.written,
      bytesConsumed: outcome.bytesConsumed,
    };
  } finally {
    await engine.close();
  }
}

const USAGE = `usage: rng:collect -- (--raw [--bytes N] | --range n --count k [--repeats] [--winners w]) --out FILE
  --raw                raw provider bytes after the health tests, before any scaling
  --bytes N            bytes to write (required for a file; unlimited to '-' until the reader stops)
  --range n            outcomes are positions in [0, n), scaled exactly as draws scale them
  --count k            outcomes to write, one per line
  --repeats            independent draws (a position may repeat); default: distinct winners
  --winners w          winners per selection (default k; without --repeats w <= n); k must be a multiple
  --out FILE           output file, or - for stdout
  --sidecar FILE       where the JSON description goes (default FILE.json; none for stdout)
  --provider NAME      overrides RNG_PROVIDER (pkcs11, kms, os); other settings from the environment
exit status: 0 written, 1 RNG failure (provider or health test), 2 usage or configuration error`;

class UsageError extends Error {}

function integer(text: string | undefined, flag: string, min = 1): number {
  const value = Number(text?.replace(/_/g, ''));
  if (text === undefined || !Number.isSafeInteger(value) || value < min) {
    throw new UsageError(`${flag} needs an integer of at least ${min}, got ${JSON.stringify(text)}`);
  }
  return value;
}

function parse(argv: string[]): { run: Omit<CollectRun, 'settings'>; provider?: string } | 'help' {
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      raw: { type: 'boolean', default: false },
      bytes: { type: 'string' },
      range: { type: 'string' },
      count: { type: 'string' },
      repeats: { type: 'boolean', default: false },
      winners: { type: 'string' },
      out: { type: 'string' },
      sidecar: { type: 'string' },
      provider: { type: 'string' },
      help: { type: 'boolean', default: false },
    },
  });
  if (values.help) return 'help';
  if (values.out === undefined) throw new UsageError('--out is required (a file, or - for stdout)');
  const scaled = values.range !== undefined || values.count !== undefined;
  if (values.raw === scaled) throw new UsageError('give either --raw or --range with --count');
  let parameters: CollectParameters;
  if (values.raw) {
    if (values.bytes === undefined && values.out !== '-')
      throw new UsageError('--bytes is required for a file');
    parameters = { mode: 'raw', bytes: values.bytes === undefined ? null : integer(values.bytes, '--bytes') };
  } else {
    const range = integer(values.range, '--range');
    const count = integer(values.count, '--count');
    const repeats = values.repeats ?? false;
    const winners =
      values.winners !== undefined
        ? integer(values.winners, '--winners')
        : repeats
          ? Math.min(count, REPEATS_PER_SELECTION)
          : count;
    if (!repeats && winners > range) {
      throw new UsageError(
        `${winners} distinct winners cannot come from a range of ${range}; use --winners or --repeats`,
      );
    }
    if (values.winners !== undefined && count % winners !== 0) {
      throw new UsageError(`--count ${count} is not a multiple of --winners ${winners}`);
    }
    parameters = { mode: 'scaled', range, count, repeats, winnersPerSelection: winners };
  }
  return { run: { parameters, out: values.out, sidecar: values.sidecar, argv }, provider: values.provider };
}

/** The command line; returns the exit status. Messages go to `log` (stderr): stdout may be the data. */
export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<number> {
  let parsed: ReturnType<typeof parse>;
  let settings: RngSettings;
  try {
    parsed = parse(argv);
    if (parsed === 'help') {
      log(USAGE);
      return 0;
    }
    settings = rngSettingsFromEnvironment(env, parsed.provider);
  } catch (error) {
    log(`rng:collect: ${error instanceof Error ? error.message : String(error)}`);
    if (error instanceof UsageError || (error instanceof TypeError && 'code' in error)) log(USAGE);
    return 2;
  }
  try {
    const result = await collect({ ...parsed.run, settings });
    const what =
      parsed.run.parameters.mode === 'raw' ? `${result.written} bytes` : `${result.written} outcomes`;
    log(`rng:collect: ${what} from ${settings.RNG_PROVIDER} to ${result.file} (sha256 ${result.sha256})`);
    if (result.sidecar) log(`rng:collect: described in ${result.sidecar}`);
    return 0;
  } catch (error) {
    // A provider that cannot open, a failed start-up test or a health test failure mid-way.
    log(`rng:collect: ${error instanceof Error ? error.message : String(error)}`);
    return 1;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then((status) => {
    process.exitCode = status;
  });
}
