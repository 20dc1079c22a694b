// Where the files of a QLDB journal export are, as QLDB wrote them to S3 and an operator copied them
// (e.g. `aws s3 sync s3://bucket/prefix ./export`). From
// https://docs.aws.amazon.com/qldb/latest/developerguide/export-journal.output.html and the AWS
// samples' JournalS3ExportReader (Java, Node.js, Python):
//   prefix/<exportId>.started.manifest              the request (ledgerName, exportId, outputFormat, ...)
//   prefix/<exportId>.<strandId>.completed.manifest {keys: [...]} the ordered data object keys
//   prefix/yyyy/mm/dd/hh/<strandId>.<first>-<last>.ion  data objects, one block per top-level value

import { createHash } from 'node:crypto';
import { readdir, readFile, stat } from 'node:fs/promises';
import { basename, join, relative, sep } from 'node:path';
import { dom, IonTypes } from 'ion-js';

export type QldbExportSource =
  { kind: 'directory'; path: string; exportId?: string } | { kind: 'files'; paths: string[] };

export interface StartedManifest {
  ledgerName: string | null;
  exportId: string | null;
  outputFormat: string | null;
  inclusiveStartTime: string | null;
  exclusiveEndTime: string | null;
}

export interface DataObject {
  /** Absolute path on disk. */
  path: string;
  /** The key as the completed manifest lists it, or the path relative to the export folder. */
  key: string;
  /** The block range the object's name declares (`<strandId>.<first>-<last>.ion`), if it follows the convention. */
  declared?: { strandId: string; first: number; last: number };
}

export interface ExportLayout {
  root: string;
  started?: { path: string; manifest: StartedManifest };
  completed?: { path: string; exportId: string; strandId: string; keys: string[] };
  dataObjects: DataObject[];
  /** Problems with the layout itself (missing objects, unreadable manifests). */
  problems: {
    kind: 'MANIFEST_INVALID' | 'FILE_MISSING' | 'EXPORT_INCOMPLETE' | 'UNSUPPORTED_FORMAT';
    message: string;
  }[];
  warnings: string[];
}

export class ExportLayoutError extends Error {
  override readonly name = 'ExportLayoutError';
}

const STARTED = /^(.+)\.started\.manifest$/;
const COMPLETED = /^([^.]+)\.([^.]+)\.completed\.manifest$/;
const DATA_OBJECT = /^([A-Za-z0-9]+)\.(\d+)-(\d+)\.ion$/;

export function declaredRange(key: string): DataObject['declared'] {
  const match = DATA_OBJECT.exec(basename(key));
  return match ? { strandId: match[1], first: Number(match[2]), last: Number(match[3]) } : undefined;
}

export async function locateExport(source: QldbExportSource): Promise<ExportLayout> {
  if (source.kind === 'files') {
    if (source.paths.length === 0) throw new ExportLayoutError('no block files given');
    return {
      root: process.cwd(),
      dataObjects: source.paths.map((path) => ({ path, key: path, declared: declaredRange(path) })),
      problems: [],
      warnings: ['block files given one by one: no completed manifest attests that the export is complete'],
    };
  }
  const root = source.path;
  if (!(await stat(root).catch(() => undefined))?.isDirectory()) {
    throw new ExportLayoutError(`${root} is not a directory`);
  }
  const files = await listFiles(root);
  const layout: ExportLayout = { root, dataObjects: [], problems: [], warnings: [] };

  const completed = files.flatMap((path) => {
    const match = COMPLETED.exec(basename(path));
    return match ? [{ path, exportId: match[1], strandId: match[2] }] : [];
  });
  const exportIds = [...new Set(completed.map((manifest) => manifest.exportId))];
  const exportId = source.exportId ?? (exportIds.length === 1 ? exportIds[0] : undefined);
  if (exportIds.length > 1 && source.exportId === undefined) {
    throw new ExportLayoutError(
      `${root} holds several exports (${exportIds.join(', ')}); choose one with --export-id`,
    );
  }
  if (source.exportId !== undefined && completed.length > 0 && !exportIds.includes(source.exportId)) {
    throw new ExportLayoutError(`${root} has no completed manifest of export ${source.exportId}`);
  }
  const chosen = completed.filter((manifest) => manifest.exportId === exportId);
  if (chosen.length > 1) {
    // QLDB journals have a single strand (developer guide, "Data verification"); so does this importer.
    throw new ExportLayoutError(
      `export ${exportId} has completed manifests for ${chosen.length} strands; QLDB journals have one`,
    );
  }

  const startedPath = files.find((path) => {
    const match = STARTED.exec(basename(path));
    return match !== null && (exportId === undefined || match[1] === exportId);
  });
  if (startedPath)
    layout.started = { path: startedPath, manifest: await readStartedManifest(startedPath, layout) };
  const format = layout.started?.manifest.outputFormat;
  if (format === 'JSON') {
    layout.problems.push({
      kind: 'UNSUPPORTED_FORMAT',
      message:
        'this export is in JSON: QLDB down-converted the Ion (blobs, decimals, timestamps, symbols lose their ' +
        'types), so revision hashes cannot be recomputed; only ION_TEXT and ION_BINARY exports can be verified',
    });
    return layout;
  }

  if (chosen.length === 1) {
    const manifest = chosen[0];
    const keys = await readCompletedManifest(manifest.path, layout);
    layout.completed = { ...manifest, keys };
    for (const key of keys) {
      const path = resolveKey(root, key, files);
      if (path === undefined) {
        layout.problems.push({
          kind: 'FILE_MISSING',
          message: `data object ${key} listed in the completed manifest is missing`,
        });
      } else {
        layout.dataObjects.push({ path, key, declared: declaredRange(key) });
      }
    }
    return layout;
  }

  if (layout.started) {
    layout.problems.push({
      kind: 'EXPORT_INCOMPLETE',
      message: `${basename(layout.started.path)} has no completed manifest: the export job did not finish, or its manifest was not copied`,
    });
  } else {
    layout.warnings.push('no completed manifest: nothing attests that the export is complete');
  }
  layout.dataObjects = files
    .filter((path) => DATA_OBJECT.test(basename(path)))
    .map((path) => ({ path, key: relative(root, path).split(sep).join('/'), declared: declaredRange(path) }))
    .sort((a, b) =>
      a.declared!.strandId === b.declared!.strandId
        ? a.declared!.first - b.declared!.first
        : a.declared!.strandId < b.declared!.strandId
          ? -1
          : 1,
    );
  if (layout.dataObjects.length === 0)
    throw new ExportLayoutError(`${root} holds no QLDB data objects (*.ion)`);
  return layout;
}

/**
 * A completed manifest lists full S3 keys (the AWS samples fetch them as they are), which start with
 * the export's prefix; the local copy usually starts below it. Try the key, then ever shorter suffixes.
 */
function resolveKey(root: string, key: string, files: string[]): string | undefined {
  const known = new Set(files);
  const parts = key.split('/').filter((part) => part.length > 0 && part !== '.' && part !== '..');
  for (let i = 0; i < parts.length; i++) {
    const candidate = join(root, ...parts.slice(i));
    if (known.has(candidate)) return candidate;
  }
  return undefined;
}

async function listFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

async function loadManifest(path: string, layout: ExportLayout): Promise<dom.Value | undefined> {
  try {
    const values = dom.loadAll(new Uint8Array(await readFile(path)));
    if (values.length === 1 && values[0].getType() === IonTypes.STRUCT) return values[0];
    layout.problems.push({ kind: 'MANIFEST_INVALID', message: `${basename(path)} is not one Ion struct` });
  } catch (error) {
    layout.problems.push({
      kind: 'MANIFEST_INVALID',
      message: `${basename(path)} is not valid Ion: ${(error as Error).message}`,
    });
  }
  return undefined;
}

async function readStartedManifest(path: string, layout: ExportLayout): Promise<StartedManifest> {
  const value = await loadManifest(path, layout);
  const text = (field: string): string | null => {
    const found = value?.get(field);
    if (!found || found.isNull()) return null;
    return found.getType() === IonTypes.TIMESTAMP
      ? found.timestampValue()!.toString()
      : String(found.stringValue());
  };
  return {
    ledgerName: text('ledgerName'),
    exportId: text('exportId'),
    outputFormat: text('outputFormat'),
    inclusiveStartTime: text('inclusiveStartTime'),
    exclusiveEndTime: text('exclusiveEndTime'),
  };
}

async function readCompletedManifest(path: string, layout: ExportLayout): Promise<string[]> {
  const value = await loadManifest(path, layout);
  const keys = value?.get('keys');
  if (!keys || keys.getType() !== IonTypes.LIST || keys.isNull()) {
    layout.problems.push({ kind: 'MANIFEST_INVALID', message: `${basename(path)} has no keys list` });
    return [];
  }
  return keys.elements().map((key) => String(key.stringValue()));
}

export interface ReadFile {
  bytes: Buffer;
  sha256: string;
}

export async function readWithDigest(path: string): Promise<ReadFile> {
  const bytes = await readFile(path);
  return { bytes, sha256: createHash('sha256').update(bytes).digest('hex') };
}
