// Verifies an export of a retired Amazon QLDB ledger and imports its history into Fairdraw's journal.
//
//   npm run qldb:import -- <export-dir | block-file ...> [--digest digest.json] [--verify-only]
//
// Runs against the configured database, with the service's environment (DATABASE_URL, or PGlite in
// DATA_DIR). --verify-only needs no database. Exit codes: 0 verified (and imported, or already
// imported); 1 the export does not verify, contradicts an earlier import, or cannot be journaled;
// 2 usage error (bad arguments, unreadable files, configuration). Rules: docs/qldb-migration.md.

import { readFile, stat } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { ConfigError, loadEnvironment } from '../../config/environment.js';
import { readJournalEntry } from '../core/entry.js';
import { verifyJournal } from '../core/verify-journal.js';
import { DigestFormatError, parseQldbDigest, type QldbDigestInput } from '../qldb/digest.js';
import { ExportLayoutError, type QldbExportSource } from '../qldb/export-layout.js';
import { IonConversionError } from '../qldb/ion-json.js';
import { formatAddress } from '../qldb/journal-block.js';
import { DEFAULT_MAX_ENTRY_BYTES, EntryTooLargeError } from '../qldb/journal-payloads.js';
import { openQldbImportContext } from '../qldb/qldb-import.context.js';
import type { QldbImportResult } from '../qldb/qldb-import.service.js';
import { type QldbExportReport, verifyQldbExport } from '../qldb/verify-export.js';
import { verifyImportedQldbHistory } from '../qldb/verify-imported.js';

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export const USAGE = `usage: qldb-import <export-dir | block-file ...> [options]
       qldb-import --audit <journal.ndjson>

Verifies a journal export of an Amazon QLDB ledger (Ion text or binary, as QLDB wrote it to S3) and
journals its history in Fairdraw's ledger: one QLDB_EXPORT_VERIFIED entry, then one
QLDB_BLOCK_IMPORTED entry per block. Importing the same export again journals nothing.

options:
  --digest FILE          a QLDB digest: the JSON of 'aws qldb get-digest' or a digest saved from the console
  --digest-proof FILE    the JSON of 'aws qldb get-block --digest-tip-address ...' (Block and Proof)
  --ledger-name NAME     the ledger's name, when the export has no started manifest
  --export-id ID         which export, when the folder holds several
  --verify-only          verify and print a summary; journal nothing (no database needed)
  --max-entry-bytes N    largest journal entry payload (default ${DEFAULT_MAX_ENTRY_BYTES}); larger blocks are split by revision
  --json                 print the full result as JSON
  --audit FILE           for auditors: verify a Fairdraw journal export (NDJSON) and recompute, from its
                         QLDB_* entries alone, every imported QLDB revision hash, block hash and link
  -h, --help             show this help

exit status: 0 verified (and imported or already imported), 1 rejected, 2 usage error
`;

const PROBLEMS_SHOWN = 50;

class UsageError extends Error {}

interface CliOptions {
  audit?: string;
  source: QldbExportSource;
  digest?: QldbDigestInput;
  ledgerName?: string;
  verifyOnly: boolean;
  maxEntryBytes: number;
  json: boolean;
}

async function readOptions(argv: string[]): Promise<CliOptions | 'help'> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        digest: { type: 'string' },
        'digest-proof': { type: 'string' },
        'ledger-name': { type: 'string' },
        'export-id': { type: 'string' },
        'verify-only': { type: 'boolean', default: false },
        'max-entry-bytes': { type: 'string' },
        json: { type: 'boolean', default: false },
        audit: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  if (values.audit !== undefined) {
    if (positionals.length > 0) throw new UsageError('--audit takes a journal export, not a QLDB export');
    return {
      audit: values.audit,
      source: { kind: 'files', paths: [] },
      verifyOnly: true,
      maxEntryBytes: 0,
      json: values.json,
    };
  }
  if (positionals.length === 0) throw new UsageError('give the export folder, or its block files');

  let source: QldbExportSource;
  const kinds = await Promise.all(positionals.map((path) => stat(path).catch(() => undefined)));
  const missing = positionals.find((_, i) => kinds[i] === undefined);
  if (missing !== undefined) throw new UsageError(`${missing}: no such file or folder`);
  if (positionals.length === 1 && kinds[0]!.isDirectory()) {
    source = { kind: 'directory', path: positionals[0], exportId: values['export-id'] };
  } else if (kinds.every((kind) => kind!.isFile())) {
    if (values['export-id'] !== undefined) throw new UsageError('--export-id applies to an export folder');
    source = { kind: 'files', paths: positionals };
  } else {
    throw new UsageError('give one export folder, or block files only');
  }

  let digest: QldbDigestInput | undefined;
  if (values['digest-proof'] !== undefined && values.digest === undefined) {
    throw new UsageError('--digest-proof needs --digest');
  }
  if (values.digest !== undefined) {
    const texts = [await readText(values.digest)];
    if (values['digest-proof'] !== undefined) texts.push(await readText(values['digest-proof']));
    try {
      digest = parseQldbDigest(...texts);
    } catch (error) {
      if (error instanceof DigestFormatError) throw new UsageError(`--digest: ${error.message}`);
      throw error;
    }
  }

  let maxEntryBytes = DEFAULT_MAX_ENTRY_BYTES;
  if (values['max-entry-bytes'] !== undefined) {
    maxEntryBytes = Number(values['max-entry-bytes']);
    if (!Number.isSafeInteger(maxEntryBytes) || maxEntryBytes < 1024) {
      throw new UsageError('--max-entry-bytes must be a whole number of at least 1024');
    }
  }
  return {
    source,
    digest,
    ledgerName: values['ledger-name'],
    verifyOnly: values['verify-only'],
    maxEntryBytes,
    json: values.json,
  };
}

async function readText(path: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    throw new UsageError(`${path}: ${(error as NodeJS.ErrnoException).message}`);
  }
}

export function summary(report: QldbExportReport): string {
  const lines = [
    `QLDB export ${report.exportId ?? '(no manifest)'} of ledger ${report.ledgerName ?? '(unnamed)'}` +
      (report.outputFormat ? ` (${report.outputFormat})` : ''),
    `  files: ${report.files.length}, SHA-256 of the file list ${report.filesSha256}`,
  ];
  for (const strand of report.strands) {
    lines.push(
      `  blocks ${formatAddress(strand.firstBlock)} to ${formatAddress(strand.lastBlock)}: ` +
        `${strand.blockCount} blocks, ${strand.revisionCount} revisions`,
      `  final block hash ${strand.finalBlockHash}`,
    );
  }
  const hashes = report.revisionHashes;
  lines.push(
    `  revision hashes: ${hashes.verified} recomputed, ${hashes['hash-only']} system (hash only), ` +
      `${hashes.unconfirmed} unconfirmed, ${hashes.mismatch} wrong`,
  );
  if (report.digest)
    lines.push(`  digest ${report.digest.digest}: ${report.digest.status} (${report.digest.message})`);
  for (const warning of report.warnings) lines.push(`  warning: ${warning}`);
  if (report.ok) {
    lines.push('verified: every check passed');
  } else {
    lines.push(
      `NOT VERIFIED: ${report.problemCount} problem(s); the first: ${report.problems[0]?.message ?? '?'}`,
    );
    for (const problem of report.problems.slice(0, PROBLEMS_SHOWN))
      lines.push(`  - [${problem.kind}] ${problem.message}`);
    if (report.problemCount > PROBLEMS_SHOWN)
      lines.push(`  ... and ${report.problemCount - PROBLEMS_SHOWN} more`);
  }
  return lines.join('\n') + '\n';
}

function importSummary(result: QldbImportResult): string {
  const lines = [summary(result.report).trimEnd(), `${result.status}: ${result.message}`];
  if (result.journal) {
    lines.push(
      `  journal entries ${result.journal.firstSeq} to ${result.journal.lastSeq} (${result.journal.entryCount}); ` +
        `QLDB_EXPORT_VERIFIED is entry ${result.journal.verifiedSeq}; import #${result.importId}`,
    );
  }
  return lines.join('\n') + '\n';
}

async function audit(path: string, json: boolean, output: CliOutput): Promise<number> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    output.stderr(`qldb-import: ${path}: ${(error as Error).message}\n`);
    return 2;
  }
  const lines = text.split('\n').filter((line) => line.length > 0);
  const journal = await verifyJournal(lines);
  const entries = journal.ok ? lines.map((line) => readJournalEntry(JSON.parse(line)).entry) : [];
  const history = verifyImportedQldbHistory(entries);
  if (json) {
    output.stdout(JSON.stringify({ journal, qldb: history }, null, 2) + '\n');
  } else {
    const report = [
      journal.ok
        ? `journal: ${journal.entries} entries verify (root ${journal.rootHash})`
        : `journal: NOT VERIFIED: ${journal.problems[0]?.message ?? 'problems found'} (run the verify command for details)`,
    ];
    for (const imported of history.imports) {
      report.push(
        `QLDB ledger ${imported.ledgerName}: QLDB_EXPORT_VERIFIED at entry ${imported.verifiedAt}, ` +
          `blocks ${imported.strandId}/${imported.firstSequenceNo ?? '-'} to ${imported.lastSequenceNo ?? '-'} ` +
          `(${imported.blockCount}), final block hash ${imported.finalBlockHash ?? '-'}`,
      );
    }
    for (const problem of history.problems.slice(0, PROBLEMS_SHOWN))
      report.push(`  - entry ${problem.seq}: ${problem.message}`);
    report.push(
      journal.ok && history.ok
        ? `QLDB history: ${history.blockCount} blocks and ${history.revisionCount} revisions recomputed from the journal`
        : 'QLDB history: NOT VERIFIED',
    );
    output.stdout(report.join('\n') + '\n');
  }
  return journal.ok && history.ok ? 0 : 1;
}

export async function main(
  argv: string[],
  env: NodeJS.ProcessEnv = process.env,
  output: CliOutput = processOutput,
): Promise<number> {
  let options: CliOptions | 'help';
  try {
    options = await readOptions(argv);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.stderr(`qldb-import: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    output.stdout(USAGE);
    return 0;
  }

  try {
    if (options.audit !== undefined) return await audit(options.audit, options.json, output);
    if (options.verifyOnly) {
      const report = await verifyQldbExport(options.source, {
        ledgerName: options.ledgerName,
        digest: options.digest,
      });
      output.stdout(options.json ? JSON.stringify(report, null, 2) + '\n' : summary(report));
      return report.ok ? 0 : 1;
    }
    const context = await openQldbImportContext(loadEnvironment(env));
    try {
      const result = await context.importer.import(options.source, {
        ledgerName: options.ledgerName,
        digest: options.digest,
        maxEntryBytes: options.maxEntryBytes,
      });
      output.stdout(options.json ? JSON.stringify(result, null, 2) + '\n' : importSummary(result));
      return result.status === 'IMPORTED' || result.status === 'ALREADY_IMPORTED' ? 0 : 1;
    } finally {
      await context.close();
    }
  } catch (error) {
    if (error instanceof ExportLayoutError || error instanceof ConfigError) {
      output.stderr(`qldb-import: ${error.message}\n`);
      return 2;
    }
    if (error instanceof EntryTooLargeError || error instanceof IonConversionError) {
      output.stderr(`qldb-import: nothing was journaled: ${error.message}\n`);
      return 1;
    }
    throw error;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`qldb-import: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
