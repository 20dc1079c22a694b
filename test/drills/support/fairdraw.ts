import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { LocalSigningKey } from '../../../src/auth/local-signing-key.js';
import type { Role } from '../../../src/auth/roles.js';
import { treeSizeFromObjectName } from '../../../src/ledger/anchor/checkpoint-object-name.js';
import type { JournalEntry } from '../../../src/ledger/core/entry.js';
import type { VerifyJournalResult } from '../../../src/ledger/core/verify-journal.js';
import type { RaffleRulesInput } from '../../../src/raffle/raffle-rules.js';
import { raffleDraft } from '../../support/factories.js';
import { bearer, call, expectStatus } from './http.js';
import { sleep } from './report.js';

export type Tokens = Record<Role, Record<string, string>>;

/** Bearer headers for each role, signed with the development key the service keeps in DATA_DIR. */
export async function tokens(dataDir: string, who = 'drill'): Promise<Tokens> {
  const key = await LocalSigningKey.loadOrCreate(dataDir);
  const issue = async (role: Role) =>
    bearer(await key.issue({ sub: `${who}-${role}`, roles: [role], ttlSeconds: 6 * 3600 }));
  return {
    admin: await issue('admin'),
    operator: await issue('operator'),
    seller: await issue('seller'),
    auditor: await issue('auditor'),
  };
}

/** Creates and opens a 50/50 raffle (the factories' draft with `overrides`); returns its id. */
export async function openRaffle(
  base: string,
  admin: Record<string, string>,
  overrides: Partial<RaffleRulesInput> = {},
): Promise<string> {
  const created = await expectStatus<{ id: string }>(201, base, 'POST', '/v1/raffles', {
    headers: admin,
    body: raffleDraft(overrides),
  });
  await expectStatus(200, base, 'POST', `/v1/raffles/${created.id}/open`, { headers: admin });
  return created.id;
}

/** Waits until the journal stops growing (every committed entry integrated); returns its size. */
export async function settledTreeSize(base: string, auditor: Record<string, string>): Promise<number> {
  let last = -1;
  let stable = 0;
  for (let i = 0; i < 600 && stable < 4; i++) {
    const digest = await call(base, 'GET', '/v1/ledger/digest', { headers: auditor });
    const size = digest.ok && digest.status === 200 ? (digest.body as { treeSize: number }).treeSize : -2;
    stable = size === last && size >= 0 ? stable + 1 : 0;
    last = size;
    await sleep(250);
  }
  return last;
}

export interface VerifiedExport {
  /** The offline verifier's result (run as its own process on the exported file). */
  result: VerifyJournalResult;
  exitCode: number;
  entries: JournalEntry[];
  checkpoints: number;
}

/**
 * Exports the journal through the API, as an auditor would, and runs the offline verifier
 * (`dist/src/ledger/cli/verify.js`, no service, no database) on it against the latest signed
 * checkpoint and every checkpoint anchored in DATA_DIR/anchors, with the service's verifier key.
 * The anchors are listed and the checkpoint read first, and the export ends at that checkpoint's
 * tree size: a replica still running may journal more meanwhile, and a checkpoint of a larger tree
 * than the export would read as a truncated journal.
 */
export async function exportAndVerify(options: {
  base: string;
  auditor: Record<string, string>;
  dist: string;
  workDir: string;
  dataDir: string;
}): Promise<VerifiedExport> {
  const { base, auditor, workDir } = options;
  // Checkpoints only, as the anchor itself reads the folder: a replica killed while anchoring leaves
  // its half-written temporary file (`.<name>.<pid>.<random>.tmp`), which was never a checkpoint.
  const anchored = listFiles(join(options.dataDir, 'anchors')).filter(
    (path) => treeSizeFromObjectName(`checkpoints/${basename(path)}`) !== null,
  );
  const checkpoint = await call(base, 'GET', '/v1/ledger/checkpoint', { headers: auditor });
  if (!checkpoint.ok || checkpoint.status !== 200) throw new Error('the latest checkpoint could not be read');
  const checkpointPath = join(workDir, 'latest-checkpoint.txt');
  writeFileSync(checkpointPath, checkpoint.text);
  // A tlog-checkpoint's second line is its tree size.
  const treeSize = Number(checkpoint.text.split('\n')[1]);
  if (!Number.isSafeInteger(treeSize))
    throw new Error(`the latest checkpoint has no tree size: ${checkpoint.text}`);
  const exported = await call(base, 'GET', `/v1/ledger/export?to=${treeSize}`, {
    headers: auditor,
    timeoutMs: 300_000,
  });
  if (!exported.ok || exported.status !== 200)
    throw new Error(`journal export failed: ${JSON.stringify(exported)}`);
  const exportPath = join(workDir, 'journal.ndjson');
  writeFileSync(exportPath, exported.text);
  const { verifierKey } = await expectStatus<{ verifierKey: string }>(
    200,
    base,
    'GET',
    '/v1/ledger/public-key',
    {
      headers: auditor,
    },
  );
  const args = [
    join(options.dist, 'src/ledger/cli/verify.js'),
    exportPath,
    '--json',
    '--verifier-key',
    verifierKey,
    ...[checkpointPath, ...anchored].flatMap((file) => ['--checkpoint', file]),
  ];
  let stdout: string;
  let exitCode = 0;
  try {
    ({ stdout } = await promisify(execFile)(process.execPath, args, { maxBuffer: 1 << 30 }));
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    if (failed.code !== 1 || !failed.stdout) throw new Error(`the verifier could not run: ${failed.stderr}`);
    stdout = failed.stdout;
    exitCode = 1;
  }
  const entries = exported.text
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as JournalEntry);
  return {
    result: JSON.parse(stdout) as VerifyJournalResult,
    exitCode,
    entries,
    checkpoints: 1 + anchored.length,
  };
}

function listFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? listFiles(path) : [path];
  });
}

/** A Prometheus sample from /metrics text (first series of that name). */
export function metric(body: string, name: string): number | undefined {
  const line = body.split('\n').find((l) => l.startsWith(`${name}{`) || l.startsWith(`${name} `));
  return line === undefined ? undefined : Number(line.slice(line.lastIndexOf(' ') + 1));
}

export function readJson<T>(path: string): T {
  return JSON.parse(readFileSync(path, 'utf8')) as T;
}
