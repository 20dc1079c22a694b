// The SHA-256 digest of Fairdraw's code, for a test lab to compare with the certified build and
// with what the running service reports (GET /v1/integrity/software). Plain Node, no service.
//
//   npm run integrity:digest [-- --manifest | --json | --root DIR | --expect HEX]
//
// Exit codes: 0 digest printed (and equal to --expect); 1 it differs from --expect; 2 usage error
// or code that cannot be hashed.

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { SERVICE_VERSION } from '../../common/service-version.js';
import { CODE_DIRECTORIES, computeCodeDigest, ROOT_FILES, type CodeKind } from '../code-digest.js';
import { runningCode } from '../running-code.js';

export interface CliOutput {
  stdout(text: string): void;
  stderr(text: string): void;
}

const processOutput: CliOutput = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

export const USAGE = `usage: integrity:digest [options]

Prints the SHA-256 digest of Fairdraw's code: one sha256sum line for every file of dist/ (except
dist/.build-stamp) and for ${ROOT_FILES.join(' and ')}, sorted by path (the manifest); the digest is
the SHA-256 of the manifest. The running service reports the same at GET /v1/integrity/software.

options:
  --root DIR     the directory holding dist/ and ${ROOT_FILES.join(', ')} (default: this installation)
  --kind KIND    build (dist/) or source (src/) (default: build, or source when run from TypeScript)
  --manifest     print the manifest itself (sha256sum -c accepts it; its sha256sum is the digest)
  --json         print {name, version, kind, root, digest, files} as JSON
  --expect HEX   exit 1 unless the digest is HEX (e.g. the CERTIFIED_CODE_DIGEST of the lab letter)
  -h, --help     show this help

exit status: 0 printed (and equal to --expect), 1 differs from --expect, 2 usage or read error
`;

class UsageError extends Error {}

export async function main(argv: string[], output: CliOutput = processOutput): Promise<number> {
  let options;
  try {
    options = readOptions(argv);
  } catch (error) {
    output.stderr(`integrity:digest: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (options === 'help') {
    output.stdout(USAGE);
    return 0;
  }
  let result;
  try {
    result = await computeCodeDigest(options.root, options.kind);
  } catch (error) {
    output.stderr(`integrity:digest: ${(error as Error).message}\n`);
    return 2;
  }
  if (options.manifest) output.stdout(result.manifest);
  else if (options.json) {
    const { kind, digest, files } = result;
    const report = { name: 'fairdraw', version: SERVICE_VERSION, kind, root: options.root, digest, files };
    output.stdout(JSON.stringify(report, null, 2) + '\n');
  } else {
    output.stdout(
      `${result.digest}\n` +
        `fairdraw ${SERVICE_VERSION}: SHA-256 of the ${result.kind === 'build' ? 'build' : 'SOURCES (not a build)'} ` +
        `at ${options.root}: ${result.files} files (${CODE_DIRECTORIES[result.kind]}/, ${ROOT_FILES.join(', ')})\n`,
    );
  }
  if (options.expect !== undefined && options.expect !== result.digest) {
    output.stderr(
      `integrity:digest: MISMATCH: expected ${options.expect}, the code gives ${result.digest}\n`,
    );
    return 1;
  }
  return 0;
}

function readOptions(argv: string[]) {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      root: { type: 'string' },
      kind: { type: 'string' },
      manifest: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      expect: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) return 'help' as const;
  if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0]}`);
  if (values.kind !== undefined && values.kind !== 'build' && values.kind !== 'source') {
    throw new UsageError('--kind must be build or source');
  }
  if (values.manifest && values.json) throw new UsageError('--manifest and --json exclude each other');
  const expect = values.expect?.trim().toLowerCase();
  if (expect !== undefined && !/^[0-9a-f]{64}$/.test(expect)) {
    throw new UsageError('--expect needs a SHA-256 digest of 64 hex digits');
  }
  const here = values.root === undefined ? runningCode() : undefined;
  return {
    root: values.root ?? here!.root,
    kind: (values.kind as CodeKind | undefined) ?? here?.kind ?? 'build',
    manifest: values.manifest,
    json: values.json,
    expect,
  };
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`integrity:digest: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
