import { readdir, readFile, stat } from 'node:fs/promises';
import { join, resolve } from 'node:path';

import type { AnchoredCheckpoint, AnchorReceipt, CheckpointAnchor } from './checkpoint-anchor.js';
import { AnchorConflictError } from './anchor-errors.js';
import { assertCheckpointMatchesNote, noteBytes, sha256Hex } from './checkpoint-note.js';
import {
  assertTreeSize,
  CHECKPOINTS_FOLDER,
  checkpointObjectName,
  treeSizeFromObjectName,
} from './checkpoint-object-name.js';
import { createFileOnce, errorCode } from './durable-file.js';
import { checkpointStoredAt } from './stored-checkpoint.js';

/**
 * The development anchor (DATA_DIR/anchors): read-only files created once. It protects against
 * mistakes and crashes, not against someone with write access to the folder; production uses S3
 * Object Lock.
 */
export class LocalFolderAnchor implements CheckpointAnchor {
  readonly kind = 'local' as const;
  private readonly dir: string;

  constructor(dir: string) {
    this.dir = resolve(dir);
  }

  async anchor(checkpoint: AnchoredCheckpoint): Promise<AnchorReceipt> {
    assertCheckpointMatchesNote(checkpoint);
    const path = this.pathOf(checkpoint.treeSize);
    const bytes = noteBytes(checkpoint.note);
    const existing = await readIfExists(path);
    if (existing === null) await createFileOnce(path, bytes);
    // Whether this call or an earlier (possibly concurrent) one created the file, the file decides.
    const anchored = existing ?? (await readFile(path));
    if (!anchored.equals(bytes)) {
      throw new AnchorConflictError(checkpoint.treeSize, path, sha256Hex(anchored), sha256Hex(bytes));
    }
    return {
      anchor: this.kind,
      location: path,
      anchoredAt: (await stat(path)).mtime.toISOString(),
      sha256: sha256Hex(anchored),
    };
  }

  async latest(): Promise<AnchoredCheckpoint | null> {
    const anchored = await this.list();
    const last = anchored.at(-1);
    return last === undefined ? null : this.read(last.treeSize);
  }

  async list(): Promise<Array<{ treeSize: number; location: string }>> {
    let names: string[];
    try {
      names = await readdir(join(this.dir, CHECKPOINTS_FOLDER));
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return [];
      throw error;
    }
    return names
      .map((name) => treeSizeFromObjectName(CHECKPOINTS_FOLDER + name))
      .filter((treeSize): treeSize is number => treeSize !== null)
      .sort((a, b) => a - b)
      .map((treeSize) => ({ treeSize, location: this.pathOf(treeSize) }));
  }

  async read(treeSize: number): Promise<AnchoredCheckpoint | null> {
    assertTreeSize(treeSize);
    const path = this.pathOf(treeSize);
    const bytes = await readIfExists(path);
    if (bytes === null) return null;
    return checkpointStoredAt(path, treeSize, bytes);
  }

  private pathOf(treeSize: number): string {
    return join(this.dir, checkpointObjectName(treeSize));
  }
}

async function readIfExists(path: string): Promise<Buffer | null> {
  try {
    return await readFile(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return null;
    throw error;
  }
}
