// Offline verifier of a Fairdraw journal export, for auditors: plain Node, no service, no database.
//
//   node dist/src/ledger/cli/verify.js <export.ndjson> [--checkpoint note.txt ...] [--verifier-key KEY ...]
//
// Exit codes: 0 the export verifies; 1 it does not (problems listed, first bad entry named);
// 2 usage error (bad arguments, unreadable files, malformed keys).

import { type FileHandle, open, readFile } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  createDrawCheck,
  createExclusionRuleCheck,
  createPrizeCheck,
  type DrawCheckSummary,
  drawJournalAdapter,
  type ExclusionRuleSummary,
} from '../../draw/core/index.js';
import { type ClaimCheckSummary, createClaimCheck, type SoldCodes } from '../../draw/core/claim-check.js';
import { TICKETS_SOLD, ticketSalesMapping } from '../../ticket/core/sales-journal.js';
import { type NoteVerifier, parseVerifierKey } from '../core/note-keys.js';
import {
  type JournalStart,
  type SignedCheckpointInput,
  verifyJournalStream,
  type VerifyJournalResult,
} from '../core/verify-journal.js';
import { bundledReportChecks, type ReportCheckOutcome } from '../../report/core/bundle.js';
import { type BundleInput, BundleReadError, readBundle } from '../../report/cli/bundle-input.js';
import { createErasureCheck, type ErasureCheckSummary } from '../../privacy/core/erasure-check.js';

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export const USAGE = `usage: verify <export.ndjson> [options]

Verifies a Fairdraw journal export offline: entry format, gapless seqs, hashes, the prevHash chain,
the Merkle root, signed checkpoints (C2SP tlog-checkpoint notes), and every draw in it: each seal's
ticket set is recomputed from the sales and voids journaled before it, each draw is replayed from
its journaled random bytes, and its exclusion is the one its prize's journaled rules set
(docs/draws.md section 7); every prize claim stands on a journaled draw and sale, and every erasure of
personal data names a record journaled before it, once (docs/privacy.md section 4).

options:
  --checkpoint FILE     a signed checkpoint to check the export against (repeatable)
  --verifier-key KEY    a trusted key, <name>+<key id>+<base64 key> (repeatable; needed with --checkpoint)
  --origin ORIGIN       require checkpoints to carry this origin
  --start FILE          for an export that does not begin at seq 0: JSON {"frontier":{"size":N,"hashes":[...]},"prevHash":"..."}
  --bundle DIR          verify an export bundle (npm run export:bundle) instead of one export: every file
                        against the manifest, the journal against the bundled, anchored and stated
                        checkpoints, and every report's totals recomputed from the journal
  --json                print the full result as JSON instead of a summary
  --max-problems N      problems to keep and print (default 1000)
  -h, --help            show this help

exit status: 0 verified, 1 problems found, 2 usage error
`;

const PROBLEMS_SHOWN = 50;

class UsageError extends Error {}

interface CliOptions {
  exportPath: string;
  bundle?: BundleInput;
  /** The verifier key came from the bundle itself, not from the auditor. */
  keyFromBundle?: string;
  checkpoints: SignedCheckpointInput[];
  verifiers: NoteVerifier[];
  origin?: string;
  start?: JournalStart;
  json: boolean;
  maxProblems: number;
}

async function readOptions(argv: string[]): Promise<CliOptions | 'help'> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      strict: true,
      options: {
        checkpoint: { type: 'string', multiple: true, default: [] },
        'verifier-key': { type: 'string', multiple: true, default: [] },
        origin: { type: 'string' },
        start: { type: 'string' },
        bundle: { type: 'string' },
        json: { type: 'boolean', default: false },
        'max-problems': { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const { values, positionals } = parsed;
  if (values.help) return 'help';
  let bundle: BundleInput | undefined;
  if (values.bundle !== undefined) {
    if (positionals.length > 0)
      throw new UsageError('--bundle takes the export from the bundle: give no export file');
    try {
      bundle = await readBundle(values.bundle);
    } catch (error) {
      if (!(error instanceof BundleReadError)) throw error;
      throw new UsageError(`--bundle ${values.bundle}: ${error.message}`);
    }
    positionals.push(bundle.journalPath);
  }
  if (positionals.length !== 1) {
    throw new UsageError(
      positionals.length === 0
        ? 'missing the export file'
        : `expected one export file, got ${positionals.length}`,
    );
  }
  const keyFromBundle =
    bundle && values['verifier-key'].length === 0 ? bundle.manifest.verifierKey : undefined;
  if (keyFromBundle !== undefined) values['verifier-key'].push(keyFromBundle);
  const verifiers = values['verifier-key'].map((key) => {
    try {
      return parseVerifierKey(key);
    } catch (error) {
      throw new UsageError(`--verifier-key ${key}: ${(error as Error).message}`);
    }
  });
  if (values.checkpoint.length > 0 && verifiers.length === 0) {
    throw new UsageError('--checkpoint needs at least one --verifier-key to check its signature against');
  }
  const checkpoints = await Promise.all(
    values.checkpoint.map(async (path) => ({ source: path, note: await readInput(path, '--checkpoint') })),
  );
  let start: JournalStart | undefined;
  if (values.start !== undefined) {
    const text = (await readInput(values.start, '--start')).toString('utf8');
    try {
      start = JSON.parse(text) as JournalStart;
    } catch (error) {
      throw new UsageError(`--start ${values.start}: not JSON: ${(error as Error).message}`);
    }
  }
  const maxProblems = values['max-problems'] === undefined ? 1000 : Number(values['max-problems']);
  if (!Number.isSafeInteger(maxProblems) || maxProblems < 1)
    throw new UsageError('--max-problems must be a positive integer');
  return {
    exportPath: positionals[0],
    bundle,
    keyFromBundle,
    checkpoints: [...checkpoints, ...(bundle?.checkpoints ?? [])],
    verifiers,
    origin: values.origin,
    start,
    json: values.json,
    maxProblems,
  };
}

async function readInput(path: string, option: string): Promise<Buffer> {
  try {
    return await readFile(path);
  } catch (error) {
    throw new UsageError(`${option} ${path}: ${(error as Error).message}`);
  }
}

/** Opens the export before streaming it, so that a missing file is a usage error, not a failed verification. */
async function openExport(path: string): Promise<AsyncIterable<Buffer>> {
  let handle: FileHandle;
  try {
    handle = await open(path, 'r');
  } catch (error) {
    throw new UsageError(`${path}: ${(error as Error).message}`);
  }
  if (!(await handle.stat()).isFile()) {
    await handle.close();
    throw new UsageError(`${path}: not a file`);
  }
  return handle.createReadStream({ highWaterMark: 1 << 20 });
}

/** The range and validation-number hash of a sale (TICKETS_SOLD, docs/sales.md), for the claim check. */
const soldCodes: SoldCodes = (entry) => {
  if (entry.type !== TICKETS_SOLD) return undefined;
  const p = entry.payload as Record<string, unknown>;
  if (
    typeof p.raffleId !== 'string' ||
    typeof p.first !== 'number' ||
    typeof p.last !== 'number' ||
    typeof p.codeHash !== 'string'
  )
    return undefined;
  return { raffleId: p.raffleId, first: p.first, last: p.last, codeHash: p.codeHash };
};

function summary(
  path: string,
  result: VerifyJournalResult,
  draws: DrawCheckSummary,
  exclusions: ExclusionRuleSummary,
  claims: ClaimCheckSummary,
  erasures: ErasureCheckSummary,
): string {
  const lines: string[] = [];
  lines.push(`Fairdraw journal verification: ${result.ok ? 'OK' : 'FAILED'}`);
  lines.push(`  export           ${path}`);
  const range = result.firstSeq === undefined ? '' : ` (seq ${result.firstSeq} to ${result.lastSeq})`;
  lines.push(`  entries          ${result.entries}${range}`);
  lines.push(`  tree size        ${result.treeSize}`);
  lines.push(`  root hash        ${result.rootHash}`);
  if (result.firstBadSeq !== undefined) lines.push(`  first bad entry  ${result.firstBadSeq}`);
  const matched = result.checkpoints.filter((c) => c.status === 'matched').length;
  lines.push(`  checkpoints      ${matched} of ${result.checkpoints.length} verified`);
  for (const c of result.checkpoints) {
    const facts = [
      c.origin,
      c.treeSize === undefined ? undefined : `size ${c.treeSize}`,
      c.time === undefined ? undefined : `time ${c.time}`,
      c.signedBy.length > 0 ? `signed by ${c.signedBy.join(', ')}` : undefined,
    ].filter((f) => f !== undefined);
    lines.push(`    ${c.status.padEnd(13)} ${c.source}${facts.length ? `  ${facts.join('  ')}` : ''}`);
    if (c.status !== 'matched') lines.push(`                  ${c.message}`);
  }
  lines.push(
    `  draws            ${draws.sealsRecomputed} of ${draws.seals} seals recomputed, ${draws.drawsReplayed} of ${draws.draws} draws replayed` +
      ` (${draws.redraws} redraws, ${draws.uncertifiedDraws} with an uncertified RNG)`,
  );
  for (const item of draws.notChecked) lines.push(`    not checked: ${item}`);
  for (const item of draws.rngRequestsPending) lines.push(`    pending: ${item}`);
  for (const item of draws.rngRequestsAbandoned) lines.push(`    abandoned: ${item}`);
  lines.push(
    `  exclusion rules  ${exclusions.checked} of ${exclusions.draws} draws checked against their prize's journaled rules`,
  );
  for (const item of exclusions.notChecked) lines.push(`    not checked: ${item}`);
  lines.push(
    `  claims           ${claims.claims} prize claims checked against standing draws (${claims.codesMatched} validation numbers matched to the winning sale), ${claims.contactAttempts} contact attempts`,
  );
  for (const item of claims.notChecked) lines.push(`    not checked: ${item}`);
  lines.push(
    `  erasures         ${erasures.matched} of ${erasures.erasures} personal-data erasures matched to a record journaled before them (${erasures.retentionChecked} past the retention period checked)`,
  );
  for (const item of erasures.notChecked) lines.push(`    not checked: ${item}`);
  const total = result.problems.length + result.problemsOmitted;
  if (total > 0) {
    lines.push(`  problems (${total}):`);
    for (const p of result.problems.slice(0, PROBLEMS_SHOWN)) lines.push(`    ${p.message}`);
    if (total > PROBLEMS_SHOWN)
      lines.push(`    ... and ${total - PROBLEMS_SHOWN} more (use --json to see up to --max-problems)`);
  }
  return lines.join('\n') + '\n';
}

interface BundleOutcome {
  ok: boolean;
  treeSize: number;
  rootHash: string;
  fileProblems: string[];
  manifestProblems: string[];
  reports: ReportCheckOutcome[];
}

function bundleOutcome(
  bundle: BundleInput,
  result: VerifyJournalResult,
  reports: ReportCheckOutcome[],
): BundleOutcome {
  const manifestProblems: string[] = [];
  if (bundle.manifest.treeSize !== result.treeSize || bundle.manifest.rootHash !== result.rootHash) {
    manifestProblems.push(
      `the manifest states tree size ${bundle.manifest.treeSize} and root ${bundle.manifest.rootHash}; ` +
        `the journal gives ${result.treeSize} and ${result.rootHash}`,
    );
  }
  const matched = result.checkpoints.find((c) => c.status === 'matched' && c.treeSize === result.treeSize);
  if (!matched)
    manifestProblems.push(
      `no valid signed checkpoint covers the whole journal (tree size ${result.treeSize})`,
    );
  return {
    ok: bundle.fileProblems.length === 0 && manifestProblems.length === 0 && reports.every((r) => r.ok),
    treeSize: bundle.manifest.treeSize,
    rootHash: bundle.manifest.rootHash,
    fileProblems: bundle.fileProblems,
    manifestProblems,
    reports,
  };
}

function bundleSummary(bundle: BundleOutcome, keyFromBundle: string | undefined): string {
  const lines = [`Fairdraw bundle verification: ${bundle.ok ? 'OK' : 'FAILED'}`];
  if (keyFromBundle !== undefined) {
    lines.push(`  verifier key     ${keyFromBundle}`);
    lines.push(
      '                   taken from the bundle: compare it with the key the operator published, or pass --verifier-key',
    );
  }
  lines.push(
    `  files            ${bundle.fileProblems.length === 0 ? 'all match the manifest' : `${bundle.fileProblems.length} problem(s)`}`,
  );
  for (const problem of [...bundle.fileProblems, ...bundle.manifestProblems]) lines.push(`    ${problem}`);
  const good = bundle.reports.filter((r) => r.ok).length;
  lines.push(`  reports          ${good} of ${bundle.reports.length} recomputed from the journal and equal`);
  for (const report of bundle.reports.filter((r) => !r.ok)) {
    lines.push(`    ${report.path}:`);
    for (const message of report.messages) lines.push(`      ${message}`);
  }
  return lines.join('\n') + '\n';
}

/** Runs the verifier with command-line arguments; returns the exit status. */
export async function main(argv: string[], output: CliOutput = processOutput): Promise<number> {
  let options: CliOptions | 'help';
  let source: AsyncIterable<Buffer>;
  try {
    options = await readOptions(argv);
    if (options === 'help') {
      output.stdout(USAGE);
      return 0;
    }
    source = await openExport(options.exportPath);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    output.stderr(`verify: ${error.message}\n\n${USAGE}`);
    return 2;
  }
  let result: VerifyJournalResult;
  const amounts = ticketSalesMapping();
  const draws = createDrawCheck(drawJournalAdapter(ticketSalesMapping()), {
    // Without keys the seals' checkpoints are compared by size and root, their signatures listed as not checked.
    ...(options.verifiers.length > 0 ? { checkpointVerifiers: options.verifiers } : {}),
  });
  const exclusions = createExclusionRuleCheck();
  const claims = createClaimCheck(soldCodes);
  const erasures = createErasureCheck();
  const reports = bundledReportChecks(options.bundle?.reports ?? []);
  try {
    result = await verifyJournalStream(source, {
      entryChecks: [
        draws,
        exclusions,
        createPrizeCheck((entry) => amounts.amount(entry)),
        claims,
        erasures,
        reports.entryCheck,
      ],
      checkpoints: options.checkpoints,
      verifiers: options.verifiers,
      origin: options.origin,
      start: options.start,
      maxProblems: options.maxProblems,
    });
  } catch (error) {
    // Reading failed midway, or the file is not UTF-8: the export cannot be verified.
    output.stderr(
      `verify: ${options.exportPath}: cannot be read as an NDJSON export: ${(error as Error).message}\n`,
    );
    return 1;
  }
  const bundle = options.bundle ? bundleOutcome(options.bundle, result, reports.finish(result)) : undefined;
  output.stdout(
    options.json
      ? JSON.stringify(
          {
            ...result,
            draws: draws.summary(),
            exclusionRules: exclusions.summary(),
            claims: claims.summary(),
            erasures: erasures.summary(),
            ...(bundle ? { bundle } : {}),
          },
          null,
          2,
        ) + '\n'
      : summary(
          options.exportPath,
          result,
          draws.summary(),
          exclusions.summary(),
          claims.summary(),
          erasures.summary(),
        ) + (bundle ? bundleSummary(bundle, options.keyFromBundle) : ''),
  );
  return result.ok && (bundle?.ok ?? true) ? 0 : 1;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`verify: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
