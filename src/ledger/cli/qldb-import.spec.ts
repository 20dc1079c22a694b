import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadEnvironment } from '../../config/environment.js';
import { chainEntries, exportLine, readJournalEntry, ZERO_HASH } from '../core/entry.js';
import { openQldbImportContext } from '../qldb/qldb-import.context.js';
import { rewriteObject, writeSyntheticExport } from '../qldb/testing/synthetic-export.js';
import { main, USAGE } from './qldb-import.js';

let dir: string;
let dataDir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'qldb-cli-'));
  dataDir = mkdtempSync(join(tmpdir(), 'qldb-cli-data-'));
});
afterAll(() => {
  rmSync(dir, { recursive: true, force: true });
  rmSync(dataDir, { recursive: true, force: true });
});

// The same variables the service reads: no DATABASE_URL, so PGlite in DATA_DIR.
const env = () =>
  ({
    DATA_DIR: dataDir,
    LOG_LEVEL: 'silent',
    NODE_ENV: 'test',
    ANCHOR_INTERVAL_SECONDS: '0',
  }) as NodeJS.ProcessEnv;

async function run(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, env(), { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

function newExport(name: string, format: 'text' | 'binary' = 'text') {
  const root = join(dir, name);
  return writeSyntheticExport({ dir: root, format, variant: `-${name}` });
}

function file(name: string, content: string): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

describe('qldb-import CLI', () => {
  it('prints its usage with --help, and exits 2 without an export', async () => {
    expect(await run('--help')).toEqual({ status: 0, stdout: USAGE, stderr: '' });
    const none = await run();
    expect(none.status).toBe(2);
    expect(none.stderr).toMatch(/give the export folder/);
    expect((await run(join(dir, 'nowhere'))).stderr).toMatch(/no such file or folder/);
  });

  it('--verify-only prints a summary and exits 0 on a good export', async () => {
    const exp = newExport('good', 'binary');
    const { status, stdout } = await run(exp.exportDir, '--verify-only');
    expect(status).toBe(0);
    expect(stdout).toContain(`QLDB export ${exp.exportId} of ledger fairdraw-legacy (ION_BINARY)`);
    expect(stdout).toContain(`blocks ${exp.strandId}/7 to ${exp.strandId}/12: 6 blocks, 14 revisions`);
    expect(stdout).toContain(`final block hash ${exp.blocks[5].blockHash}`);
    expect(stdout).toContain('verified: every check passed');
  });

  it('--verify-only exits 1 and names the first bad block', async () => {
    const exp = newExport('tampered');
    rewriteObject(exp.objects[2], 'text', (text) => text.replace('taxRate:0.130', 'taxRate:0.131'));
    const { status, stdout } = await run(exp.exportDir, '--verify-only');
    expect(status).toBe(1);
    expect(stdout).toMatch(
      /NOT VERIFIED: 1 problem\(s\); the first: block StrAbCdEfGhIjKlMnOpQrS\/11 revision 0: hash/,
    );
  });

  it('verifies block files given one by one', async () => {
    const exp = newExport('files');
    const { status, stdout } = await run(...exp.objects, '--ledger-name', 'fairdraw-legacy', '--verify-only');
    expect(status).toBe(0);
    expect(stdout).toContain('warning: block files given one by one');
  });

  it('imports into the configured database, prints the journal entries, and is idempotent', async () => {
    const exp = newExport('imported');
    const { getDigest, getBlock } = exp.digest(2);
    const digest = file('digest.json', getDigest);
    const proof = file('get-block.json', getBlock);

    const first = await run(exp.exportDir, '--digest', digest, '--digest-proof', proof);
    expect(first.stderr).toBe('');
    expect(first.status).toBe(0);
    expect(first.stdout).toMatch(/digest .*: VERIFIED/);
    expect(first.stdout).toMatch(/IMPORTED: journaled 6 blocks of ledger fairdraw-legacy/);
    expect(first.stdout).toMatch(
      /journal entries \d+ to \d+ \(7\); QLDB_EXPORT_VERIFIED is entry \d+; import #1/,
    );

    const again = await run(exp.exportDir, '--json');
    expect(again.status).toBe(0);
    expect(JSON.parse(again.stdout)).toMatchObject({ status: 'ALREADY_IMPORTED', report: { ok: true } });
    // Two runs of the CLI, each opening the ledger on PGlite: about 50 s on a loaded machine, near the default 60 s.
  }, 180_000);

  it('refuses to import a tampered export and exits 1', async () => {
    const exp = newExport('refused');
    rewriteObject(exp.objects[0], 'text', (text) => text.replace('drawNote:"block-7', 'drawNote:"block-8'));
    const { status, stdout } = await run(exp.exportDir);
    expect(status).toBe(1);
    expect(stdout).toMatch(
      /REJECTED: the export does not verify: block StrAbCdEfGhIjKlMnOpQrS\/7 revision 0/,
    );
  });

  it('exits 2 on a digest file it cannot read', async () => {
    const exp = newExport('bad-digest');
    const { status, stderr } = await run(
      exp.exportDir,
      '--verify-only',
      '--digest',
      file('bad.json', '{"Digest": 5}'),
    );
    expect(status).toBe(2);
    expect(stderr).toMatch(/--digest: Digest must be a blob or base64 text/);
  });

  it('--audit recomputes the imported QLDB history from a journal export, and catches a rewritten journal', async () => {
    // The journal export an auditor downloads (GET /ledger/export), taken here from the same database.
    const context = await openQldbImportContext(loadEnvironment(env()));
    let ndjson = '';
    try {
      for await (const line of context.ledger.exportLines(0)) ndjson += line;
    } finally {
      await context.close();
    }
    const good = await run('--audit', file('journal.ndjson', ndjson));
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^journal: \d+ entries verify/);
    expect(good.stdout).toMatch(
      /QLDB ledger fairdraw-legacy: QLDB_EXPORT_VERIFIED at entry \d+, blocks StrAbCdEfGhIjKlMnOpQrS\/7 to 12 \(6\)/,
    );
    expect(good.stdout).toMatch(/QLDB history: 6 blocks and 14 revisions recomputed from the journal/);

    // Someone with write access rewrites a revision's readable data and re-chains every entry after it.
    // Fairdraw's own chain verifies again (only a checkpoint signed earlier would catch it), but the
    // journaled QLDB Ion no longer says what the JSON says.
    const entries = ndjson
      .trimEnd()
      .split('\n')
      .map((line) => readJournalEntry(JSON.parse(line)).entry);
    const victim = entries.find((entry) => entry.type === 'QLDB_BLOCK_IMPORTED')!;
    const revision = (victim.payload.revisions as Record<string, Record<string, unknown>>[])[0];
    revision.data.drawNote = 'rewritten';
    const rechained = chainEntries(ZERO_HASH, 0, entries);
    const forged = await run(
      '--audit',
      file('forged.ndjson', rechained.map((entry) => exportLine(entry) + '\n').join('')),
    );
    expect(forged.status).toBe(1);
    expect(forged.stdout).toMatch(/^journal: \d+ entries verify/);
    expect(forged.stdout).toMatch(/revision 0: the journaled data JSON differs from its Ion/);
    expect(forged.stdout).toMatch(/QLDB history: NOT VERIFIED/);
  });
});
