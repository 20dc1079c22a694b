import { randomBytes } from 'node:crypto';
import { link, mkdir, open, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const READ_ONLY = 0o444;

/**
 * Creates `path` with `bytes` unless it already exists, never overwriting, and crash-safe: the bytes
 * reach the disk under a temporary name first, then a hard link publishes them atomically (link
 * fails with EEXIST instead of replacing), then the directory is synced so the name survives a crash.
 * Returns false when `path` already existed.
 */
export async function createFileOnce(path: string, bytes: Uint8Array): Promise<boolean> {
  const directory = dirname(path);
  await ensureDurableDirectory(directory);
  const temporary = join(
    directory,
    `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`,
  );
  const handle = await open(temporary, 'wx', READ_ONLY);
  try {
    await handle.writeFile(bytes);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    await link(temporary, path);
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  } finally {
    await unlink(temporary);
  }
  await syncDirectory(directory);
  return true;
}

async function ensureDurableDirectory(directory: string): Promise<void> {
  const firstCreated = await mkdir(directory, { recursive: true });
  if (firstCreated === undefined) return;
  // Every directory mkdir created must be recorded in its parent, or a crash can lose the whole folder.
  for (let created = directory; ; created = dirname(created)) {
    await syncDirectory(dirname(created));
    if (created === firstCreated) return;
  }
}

async function syncDirectory(directory: string): Promise<void> {
  const handle = await open(directory, 'r');
  try {
    await handle.sync();
  } catch (error) {
    // Some platforms (Windows) cannot fsync a directory; there the rename/link is all we can rely on.
    if (!['EISDIR', 'EPERM', 'EINVAL'].includes(errorCode(error) ?? '')) throw error;
  } finally {
    await handle.close();
  }
}

// Duck-typed rather than instanceof Error: errors from node:fs may come from another realm (jest's VM).
export function errorCode(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string'
    ? error.code
    : undefined;
}
