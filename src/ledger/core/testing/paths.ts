// Locations outside the source tree that tests read. The repository root is four levels above this
// folder (src/ledger/core/testing); shared/ sits beside the repository, as on developers' machines and CI.
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../../../..');
export const RFC9162_VECTORS_DIR = resolve(REPO_ROOT, '../shared/vectors/rfc9162');
