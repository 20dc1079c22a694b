import { basename, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeDigestError, type CodeKind } from './code-digest.js';

export interface RunningCode {
  /** The directory holding `dist/` (or `src/`) and `package-lock.json`. */
  root: string;
  kind: CodeKind;
}

/**
 * Where the code of this process is, found from this very file, never from configuration: a
 * setting could point the check at a pristine copy while altered code runs.
 *
 * Built: `<root>/dist/src/integrity/running-code.js` hashes `<root>/dist`. Run from TypeScript
 * (the tests): `<root>/src/integrity/running-code.ts` hashes `<root>/src`, labelled `source`.
 */
export function runningCode(moduleUrl: string = import.meta.url): RunningCode {
  const file = fileURLToPath(moduleUrl);
  const srcDirectory = dirname(dirname(file));
  const above = dirname(srcDirectory);
  if (basename(srcDirectory) !== 'src') {
    throw new CodeDigestError(`cannot locate the code: ${file} is not inside a src/ directory`);
  }
  if (file.endsWith('.ts')) return { root: above, kind: 'source' };
  if (basename(above) !== 'dist') {
    throw new CodeDigestError(`cannot locate the build: ${file} is not inside dist/src/`);
  }
  return { root: dirname(above), kind: 'build' };
}
