// Reads an export bundle for the offline verifier: checks every file against the manifest's
// SHA-256 (a file added, removed or changed is reported), and hands back the journal's path, the
// checkpoints (bundled, anchored, and the one each report states) and the JSON reports. Plain Node.

import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type { SignedCheckpointInput } from '../../ledger/core/verify-journal.js';
import { BUNDLE_FILES, BUNDLE_FORMAT, type BundledReport, type BundleManifest } from '../core/bundle.js';

export interface BundleInput {
  manifest: BundleManifest;
  journalPath: string;
  checkpoints: SignedCheckpointInput[];
  reports: BundledReport[];
  /** Files that do not match the manifest, or are missing, or are not in it. */
  fileProblems: string[];
}

export class BundleReadError extends Error {}

export async function readBundle(dir: string): Promise<BundleInput> {
  let manifest: BundleManifest;
  try {
    manifest = JSON.parse(await readFile(join(dir, BUNDLE_FILES.manifest), 'utf8')) as BundleManifest;
  } catch (error) {
    throw new BundleReadError(`${join(dir, BUNDLE_FILES.manifest)}: ${(error as Error).message}`);
  }
  if (manifest.format !== BUNDLE_FORMAT || !Array.isArray(manifest.files)) {
    throw new BundleReadError(`${BUNDLE_FILES.manifest} is not a ${BUNDLE_FORMAT} manifest`);
  }
  const fileProblems: string[] = [];
  const listed = new Set(manifest.files.map((f) => f.path));
  for (const present of await filesUnder(dir)) {
    if (present !== BUNDLE_FILES.manifest && !listed.has(present)) {
      fileProblems.push(`${present}: in the bundle but not in the manifest (added after it was written)`);
    }
  }
  for (const file of manifest.files) {
    const actual = await sha256(join(dir, file.path));
    if (actual === null) fileProblems.push(`${file.path}: listed in the manifest but missing`);
    else if (actual !== file.sha256) {
      fileProblems.push(
        `${file.path}: SHA-256 ${actual} differs from the manifest's ${file.sha256} (changed)`,
      );
    }
  }
  const checkpoints: SignedCheckpointInput[] = [];
  const reports: BundledReport[] = [];
  for (const file of manifest.files) {
    const path = join(dir, file.path);
    if (file.path === BUNDLE_FILES.checkpoint || file.path.startsWith(`${BUNDLE_FILES.anchoredDir}/`)) {
      checkpoints.push({ source: file.path, note: await readFile(path) });
    } else if (file.path.startsWith(`${BUNDLE_FILES.reportsDir}/`) && file.path.endsWith('.json')) {
      try {
        const report = JSON.parse(await readFile(path, 'utf8')) as Omit<BundledReport, 'path'>;
        reports.push({ ...report, path: file.path });
        checkpoints.push({ source: `${file.path} (its stated checkpoint)`, note: report.ledger.checkpoint });
      } catch (error) {
        fileProblems.push(`${file.path}: not a readable report: ${(error as Error).message}`);
      }
    }
  }
  return { manifest, journalPath: join(dir, BUNDLE_FILES.journal), checkpoints, reports, fileProblems };
}

async function filesUnder(root: string): Promise<string[]> {
  const entries = await readdir(root, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)).split(sep).join('/'))
    .sort();
}

async function sha256(path: string): Promise<string | null> {
  const hash = createHash('sha256');
  try {
    for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  } catch {
    return null;
  }
  return hash.digest('hex');
}
