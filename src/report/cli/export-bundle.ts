// Writes an auditor's export bundle from a running Fairdraw service (docs/auditor-guide.md).
//
//   node dist/src/report/cli/export-bundle.js --url https://raffles.example.org --out bundle/ [--raffle ID ...]
//
// The token (role auditor or admin) is read from FAIRDRAW_TOKEN, or --token. Exit codes: 0 written;
// 1 the service refused or failed; 2 usage error.

import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { BundleError, writeBundle } from '../bundle-writer.js';

export const USAGE = `usage: export-bundle --url URL --out DIR [--raffle ID ...] [--token TOKEN]

Reads the journal, its signed and anchored checkpoints, the signing key and every report (JSON, CSV,
PDF) pinned to the current tree size from a Fairdraw service, and writes them with a manifest of
SHA-256 hashes to DIR. Verify it with: npm run verify -- --bundle DIR --verifier-key KEY

options:
  --url URL        the service (e.g. https://raffles.example.org)
  --out DIR        the bundle folder (created)
  --raffle ID      only these raffles (repeatable; default: every raffle that has opened)
  --token TOKEN    a bearer token of an auditor (default: the FAIRDRAW_TOKEN environment variable)
`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    values = parseArgs({
      args: argv,
      strict: true,
      options: {
        url: { type: 'string' },
        out: { type: 'string' },
        raffle: { type: 'string', multiple: true },
        token: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }).values;
  } catch (error) {
    process.stderr.write(`export-bundle: ${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  const token = values.token ?? process.env.FAIRDRAW_TOKEN;
  if (!values.url || !values.out || !token) {
    const missing = !values.url ? '--url' : !values.out ? '--out' : '--token or FAIRDRAW_TOKEN';
    process.stderr.write(`export-bundle: ${missing} is required\n\n${USAGE}`);
    return 2;
  }
  const base = values.url.replace(/\/+$/, '');
  try {
    const manifest = await writeBundle(
      async (path) => {
        const response = await fetch(base + path, { headers: { authorization: `Bearer ${token}` } });
        return {
          status: response.status,
          body: (response.body ?? []) as AsyncIterable<Uint8Array>,
        };
      },
      values.out,
      { source: base, raffles: values.raffle },
    );
    process.stdout.write(
      `bundle written to ${values.out}: tree size ${manifest.treeSize}, root ${manifest.rootHash}, ` +
        `${manifest.raffles.length} raffle(s), ${manifest.files.length} files\n`,
    );
    return 0;
  } catch (error) {
    if (!(error instanceof BundleError) && !(error instanceof TypeError)) throw error;
    process.stderr.write(`export-bundle: ${error.message}\n`);
    return 1;
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main(process.argv.slice(2)).then(
    (status) => {
      process.exitCode = status;
    },
    (error: unknown) => {
      process.stderr.write(`export-bundle: ${(error as Error).stack ?? String(error)}\n`);
      process.exitCode = 2;
    },
  );
}
