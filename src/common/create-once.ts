import { randomBytes } from 'node:crypto';
import { linkSync, mkdirSync, unlinkSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';

/**
 * Creates `file` with `content` unless it exists, so that processes starting together on one
 * folder agree on one value (a development key): the content is written to a private temporary
 * file first and then linked into place, which either publishes the whole file or fails because
 * another process won. A reader never sees a file half written. Returns whether this call made it.
 */
export function createFileOnce(file: string, content: string, mode = 0o600): boolean {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  writeFileSync(temporary, content, { mode, flag: 'wx' });
  try {
    linkSync(temporary, file);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  } finally {
    unlinkSync(temporary);
  }
}
