import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  exportLines,
  frontierOf,
  makeJournal,
  signedCheckpointOf,
  TEST_ORIGIN,
  testKeys,
} from '../core/testing/journal-fixtures.js';
import type { VerifyJournalResult } from '../core/verify-journal.js';
import { main, USAGE } from './verify.js';

const journal = makeJournal(300);
const lines = exportLines(journal);
const { signer, verifierKey } = testKeys();

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'fairdraw-verify-cli-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: string | Buffer): string {
  const path = join(dir, name);
  writeFileSync(path, content);
  return path;
}

async function run(...argv: string[]): Promise<{ status: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const status = await main(argv, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t) });
  return { status, stdout, stderr };
}

describe('verify CLI', () => {
  it('exits 0 on a good export and prints a summary', async () => {
    const exportPath = file('good.ndjson', lines.join('\n') + '\n');
    const cp100 = file('cp-100.txt', signedCheckpointOf(journal, 100, signer));
    const cp300 = file('cp-300.txt', signedCheckpointOf(journal, 300, signer));
    const { status, stdout, stderr } = await run(
      exportPath,
      '--checkpoint',
      cp100,
      '--checkpoint',
      cp300,
      '--verifier-key',
      verifierKey,
    );
    expect(stderr).toBe('');
    expect(status).toBe(0);
    const root = frontierOf(journal).root().toString('hex');
    expect(stdout).toContain('Fairdraw journal verification: OK\n');
    expect(stdout).toContain('  entries          300 (seq 0 to 299)\n');
    expect(stdout).toContain('  tree size        300\n');
    expect(stdout).toContain(`  root hash        ${root}\n`);
    expect(stdout).toContain('  checkpoints      2 of 2 verified\n');
    expect(stdout).toContain(
      `    matched       ${cp300}  ${TEST_ORIGIN}  size 300  time ${journal[299].time}  signed by ${TEST_ORIGIN}\n`,
    );
    expect(stdout).not.toContain('problems');
  });

  it('exits 1 on a tampered line and names the entry', async () => {
    const tampered = [...lines];
    tampered[41] = tampered[41].replace('"amountMinor":2000', '"amountMinor":2500');
    expect(tampered[41]).not.toBe(lines[41]);
    const { status, stdout } = await run(file('tampered.ndjson', tampered.join('\n') + '\n'));
    expect(status).toBe(1);
    expect(stdout).toContain('Fairdraw journal verification: FAILED\n');
    expect(stdout).toContain('  first bad entry  41\n');
    expect(stdout).toMatch(
      /\n {4}entry 41: hash does not match its content \(recomputed [0-9a-f]{64}, recorded [0-9a-f]{64}\)\n/,
    );
  });

  it('exits 1 on an export truncated before a checkpoint', async () => {
    const exportPath = file('truncated.ndjson', lines.slice(0, 250).join('\n') + '\n');
    const cp = file('cp-300b.txt', signedCheckpointOf(journal, 300, signer));
    const { status, stdout } = await run(exportPath, '--checkpoint', cp, '--verifier-key', verifierKey);
    expect(status).toBe(1);
    expect(stdout).toContain('  first bad entry  250\n');
    expect(stdout).toContain(`    beyond-export ${cp}`);
    expect(stdout).toContain(
      `checkpoint ${cp} signs tree size 300, but the export ends at tree size 250: entries 250 to 299 are missing (truncated export or deleted entries)`,
    );
  });

  it('prints the full result as JSON on request', async () => {
    const { status, stdout } = await run(file('json.ndjson', lines.slice(0, 10).join('\n')), '--json');
    expect(status).toBe(0);
    const result = JSON.parse(stdout) as VerifyJournalResult;
    expect(result).toMatchObject({ ok: true, entries: 10, treeSize: 10, problems: [], checkpoints: [] });
  });

  it('verifies an export that starts later, given the prior frontier', async () => {
    const start = file(
      'start.json',
      JSON.stringify({ frontier: frontierOf(journal.slice(0, 120)), prevHash: journal[119].hash }),
    );
    const cp = file('cp-300c.txt', signedCheckpointOf(journal, 300, signer));
    const exportPath = file('tail.ndjson', lines.slice(120).join('\n') + '\n');
    const { status, stdout } = await run(
      exportPath,
      '--start',
      start,
      '--checkpoint',
      cp,
      '--verifier-key',
      verifierKey,
      '--origin',
      TEST_ORIGIN,
    );
    expect(status).toBe(0);
    expect(stdout).toContain('  entries          180 (seq 120 to 299)\n');
  });

  it('exits 1 when the export is not UTF-8', async () => {
    const { status, stderr } = await run(file('binary.ndjson', Buffer.from([0x7b, 0xff, 0x7d, 0x0a])));
    expect(status).toBe(1);
    expect(stderr).toMatch(/cannot be read as an NDJSON export/);
  });

  it('exits 2 on usage errors', async () => {
    const good = file('usage.ndjson', lines.slice(0, 3).join('\n'));
    const cp = file('cp-usage.txt', signedCheckpointOf(journal, 3, signer));
    const cases: [string[], RegExp][] = [
      [[], /missing the export file/],
      [[good, good], /expected one export file, got 2/],
      [[good, '--frobnicate'], /Unknown option '--frobnicate'/],
      [[join(dir, 'absent.ndjson')], /absent\.ndjson: ENOENT/],
      [[dir], /not a file/],
      [[good, '--checkpoint', cp], /--checkpoint needs at least one --verifier-key/],
      [
        [good, '--checkpoint', join(dir, 'nope.txt'), '--verifier-key', verifierKey],
        /--checkpoint .*nope\.txt: ENOENT/,
      ],
      [[good, '--verifier-key', 'not-a-key'], /--verifier-key not-a-key: malformed verifier key/],
      [[good, '--start', good], /--start .*: not JSON/],
      [[good, '--max-problems', '0'], /--max-problems must be a positive integer/],
    ];
    for (const [argv, message] of cases) {
      const { status, stdout, stderr } = await run(...argv);
      expect([argv, status, stdout]).toEqual([argv, 2, '']);
      expect(stderr).toMatch(message);
      expect(stderr).toContain('usage: verify <export.ndjson>');
    }
    expect(await run('--help')).toEqual({ status: 0, stdout: USAGE, stderr: '' });
  });
});
