// Writes an export bundle (src/report/core/bundle.ts) from a running service's API, pinned to one
// tree size: the journal [0, N), the checkpoint of N, the anchored checkpoints up to N, the signing
// key, and every report of every raffle (and the significant events and the complaints) in JSON, CSV
// and PDF at N.
// Plain Node: the CLI reads the API over HTTP with an auditor's token; tests pass app.inject.

import { createHash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { once } from 'node:events';
import { BUNDLE_FILES, BUNDLE_FORMAT, type BundleFile, type BundleManifest } from './core/bundle.js';
import type { ReportKind } from './core/report-document.js';

/** Reads one API path (with the caller's credentials); the body as it arrives. */
export type ApiReader = (path: string) => Promise<{ status: number; body: AsyncIterable<Uint8Array> }>;

/** The reports of each raffle in a bundle; the journal-wide ones are JOURNAL_REPORTS. */
export const RAFFLE_REPORTS: Record<Exclude<ReportKind, 'significant-events' | 'complaints'>, string> = {
  'raffle-summary': 'summary',
  'sales-by-seller': 'sales-by-seller',
  'ticket-register': 'ticket-register',
  'draws-and-winners': 'draws',
  'voids-and-refunds': 'voids-and-refunds',
  'unclaimed-prizes': 'unclaimed-prizes',
  'bearer-tickets': 'bearer-tickets',
  'financial-summary': 'financial-summary',
};
/**
 * The reports of the whole journal, by file name and route: the significant events (default
 * categories) and the complaints about every raffle, filed at any time.
 */
export const JOURNAL_REPORTS: Record<Extract<ReportKind, 'significant-events' | 'complaints'>, string> = {
  'significant-events': '/v1/reports/significant-events',
  complaints: '/v1/reports/complaints',
};
const FORMATS = ['json', 'csv', 'pdf'] as const;

export class BundleError extends Error {}

export async function writeBundle(
  api: ApiReader,
  out: string,
  options: { source: string; raffles?: string[]; now?: Date },
): Promise<BundleManifest> {
  const files: BundleFile[] = [];
  const json = async <T>(path: string): Promise<T> =>
    JSON.parse((await bytes(api, path)).toString('utf8')) as T;

  const digest = await json<{ treeSize: number; rootHash: string; checkpoint: string }>('/v1/ledger/digest');
  const n = digest.treeSize;
  const key = await json<{ keyName: string; verifierKey: string; publicKeyPem: string }>(
    '/v1/ledger/public-key',
  );
  const raffles = options.raffles ?? (await openedRaffles(json));

  await mkdir(out, { recursive: true });
  const save = async (path: string, body: AsyncIterable<Uint8Array> | Buffer | string) => {
    files.push(await saveFile(join(out, path), path, body));
  };
  await save(BUNDLE_FILES.journal, await stream(api, `/v1/ledger/export?from=0&to=${n}`));
  await save(BUNDLE_FILES.checkpoint, digest.checkpoint);
  await save(BUNDLE_FILES.publicKey, JSON.stringify(key, null, 2) + '\n');
  const anchored = await json<Array<{ treeSize: number; note: string }>>('/v1/reports/anchored-checkpoints');
  for (const a of anchored.filter((c) => c.treeSize <= n)) {
    await save(`${BUNDLE_FILES.anchoredDir}/anchored-${a.treeSize}.txt`, a.note);
  }
  for (const raffleId of raffles) {
    for (const [kind, route] of Object.entries(RAFFLE_REPORTS)) {
      for (const format of FORMATS) {
        await save(
          `${BUNDLE_FILES.reportsDir}/${raffleId}/${kind}.${format}`,
          await stream(api, `/v1/reports/raffles/${raffleId}/${route}?format=${format}&atTreeSize=${n}`),
        );
      }
    }
  }
  for (const [kind, route] of Object.entries(JOURNAL_REPORTS)) {
    for (const format of FORMATS) {
      await save(
        `${BUNDLE_FILES.reportsDir}/${kind}.${format}`,
        await stream(api, `${route}?format=${format}&atTreeSize=${n}`),
      );
    }
  }
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    createdAt: (options.now ?? new Date()).toISOString(),
    source: options.source,
    treeSize: n,
    rootHash: digest.rootHash,
    verifierKey: key.verifierKey,
    raffles,
    files,
  };
  await writeFile(join(out, BUNDLE_FILES.manifest), JSON.stringify(manifest, null, 2) + '\n');
  return manifest;
}

async function openedRaffles(json: <T>(path: string) => Promise<T>): Promise<string[]> {
  const ids: string[] = [];
  for (let offset = 0; ; offset += 200) {
    const page = await json<Array<{ id: string; status: string }>>(`/v1/raffles?limit=200&offset=${offset}`);
    ids.push(...page.filter((r) => r.status !== 'DRAFT').map((r) => r.id));
    if (page.length < 200) return ids.sort();
  }
}

async function stream(api: ApiReader, path: string): Promise<AsyncIterable<Uint8Array>> {
  const response = await api(path);
  if (response.status !== 200) {
    const text = (await collect(response.body)).toString('utf8').slice(0, 500);
    throw new BundleError(`GET ${path}: ${response.status} ${text}`);
  }
  return response.body;
}

async function bytes(api: ApiReader, path: string): Promise<Buffer> {
  return collect(await stream(api, path));
}

async function collect(body: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of body) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks);
}

/** Writes a file while hashing it, so a journal of millions of entries streams through. */
async function saveFile(
  file: string,
  path: string,
  body: AsyncIterable<Uint8Array> | Buffer | string,
): Promise<BundleFile> {
  await mkdir(dirname(file), { recursive: true });
  const hash = createHash('sha256');
  let size = 0;
  const output = createWriteStream(file);
  const chunks = typeof body === 'string' || Buffer.isBuffer(body) ? [Buffer.from(body)] : body;
  for await (const chunk of chunks) {
    hash.update(chunk);
    size += chunk.length;
    if (!output.write(chunk)) await once(output, 'drain');
  }
  output.end();
  await once(output, 'finish');
  return { path, sha256: hash.digest('hex'), bytes: size };
}
