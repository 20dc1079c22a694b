import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main as verifyCli } from '../src/ledger/cli/verify.js';
import { generateNoteKeys } from '../src/ledger/core/note-keys.js';
import { main as exportBundle } from '../src/report/cli/export-bundle.js';
import type { BundleManifest } from '../src/report/core/bundle.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell, shortRaffle, until, voidOrder } from './support/draws.js';
import type { Headers } from './support/sales.js';
import { createHash } from 'node:crypto';
import { textHash } from '../src/complaint/core/complaint-entries.js';

const COMPLAINT_TEXT = 'My receipt printed twice.';

/** The export bundle, written by the CLI over HTTP and verified offline; refused after tampering. */
describe.each(['pglite', 'postgres'] as const)('export bundle on %s', (engine) => {
  let t: TestApp;
  let auditorToken: string;
  let verifierKey: string;
  let raffleId: string;
  const root = mkdtempSync(join(tmpdir(), 'fairdraw-bundle-'));
  const bundle = join(root, 'bundle');

  async function verify(dir: string, args: string[] = ['--verifier-key', verifierKey]) {
    let stdout = '';
    let stderr = '';
    const status = await verifyCli(['--bundle', dir, ...args], {
      stdout: (text) => (stdout += text),
      stderr: (text) => (stderr += text),
    });
    return { status, stdout, stderr };
  }
  /** A copy of the bundle, changed by `change`; with `rehash`, the manifest is updated to match. */
  function tampered(name: string, change: (dir: string) => string | void, rehash = false): string {
    const dir = join(root, name);
    cpSync(bundle, dir, { recursive: true });
    const changed = change(dir);
    if (rehash && changed) {
      const manifestPath = join(dir, 'manifest.json');
      const manifest = JSON.parse(readFileSync(manifestPath, 'utf8')) as BundleManifest;
      const file = manifest.files.find((f) => f.path === changed)!;
      file.sha256 = createHash('sha256')
        .update(readFileSync(join(dir, changed)))
        .digest('hex');
      writeFileSync(manifestPath, JSON.stringify(manifest, null, 2));
    }
    return dir;
  }
  /** A copy of the bundle whose JSON report at `path` was changed by `change`, the manifest rehashed. */
  function reportTampered(
    name: string,
    path: string,
    change: (report: ReturnType<typeof JSON.parse>) => void,
  ): string {
    return tampered(
      name,
      (d) => {
        const report = JSON.parse(readFileSync(join(d, path), 'utf8'));
        change(report);
        writeFileSync(join(d, path), JSON.stringify(report));
        return path;
      },
      true,
    );
  }

  beforeAll(async () => {
    t = await startTestApp({
      engine,
      env: {
        SALES_SCHEDULER_INTERVAL_MS: '100',
        DRAW_SCHEDULER_INTERVAL_MS: '100',
        DRAW_CUTOFF_GRACE_MS: '300',
      },
    });
    const admin: Headers = bearer(await t.token(['admin'], 'alice-admin'));
    const operator: Headers = bearer(await t.token(['operator'], 'oscar-operator'));
    const seller: Headers = bearer(await t.token(['seller'], 'sam-seller'));
    auditorToken = await t.token(['auditor'], 'ada-auditor');
    const raffle = await shortRaffle(t, admin, { closeInMs: 4_000 });
    raffleId = raffle.id;
    const orders = [];
    for (const pkg of ['five', 'one', 'thirty', 'one', 'five'])
      orders.push(await sell(t, raffleId, seller, pkg));
    expect((await voidOrder(t, orders[0].orderId, operator)).statusCode).toBe(200);
    await until(
      async () => (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffleId}/results` })).json(),
      (r) => r.prizes[0].status === 'DRAWN',
    );
    const expense = await t.app.inject({
      method: 'POST',
      url: `/v1/finance/raffles/${raffleId}/expenses`,
      payload: {
        amountMinor: 1_500,
        currency: 'CAD',
        date: new Date().toISOString().slice(0, 10),
        category: 'printing',
        payee: 'Prairie Print Ltd.',
      },
      headers: operator,
    });
    expect(expense.statusCode).toBe(201);
    // A complaint, filed by a buyer and taken into review: the bundle's complaints report counts it.
    const complaint = await t.app.inject({
      method: 'POST',
      url: '/v1/complaints',
      payload: { raffleId, category: 'TICKET_PURCHASE', text: COMPLAINT_TEXT },
      remoteAddress: '198.51.100.23',
    });
    expect(complaint.statusCode).toBe(201);
    const [filed] = (
      await t.app.inject({ method: 'GET', url: `/v1/complaints?raffleId=${raffleId}`, headers: operator })
    ).json();
    const review = await t.app.inject({
      method: 'POST',
      url: `/v1/complaints/${filed.complaintId}/status`,
      payload: { status: 'IN_REVIEW' },
      headers: operator,
    });
    expect(review.statusCode).toBe(201);
    const anchored = await t.app.inject({ method: 'POST', url: '/v1/ledger/anchor', headers: admin });
    expect(anchored.statusCode).toBe(201);
    verifierKey = (
      await t.app.inject({ method: 'GET', url: '/v1/ledger/public-key', headers: bearer(auditorToken) })
    ).json().verifierKey;

    await t.app.listen(0, '127.0.0.1');
    const address = t.app.getHttpServer().address() as { port: number };
    const status = await exportBundle([
      '--url',
      `http://127.0.0.1:${address.port}`,
      '--out',
      bundle,
      '--token',
      auditorToken,
    ]);
    expect(status).toBe(0);
  });
  afterAll(async () => {
    await t?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('holds the journal, its checkpoints, the key and every report, pinned to one tree size', () => {
    const manifest = JSON.parse(readFileSync(join(bundle, 'manifest.json'), 'utf8')) as BundleManifest;
    expect(manifest.raffles).toEqual([raffleId]);
    expect(manifest.verifierKey).toBe(verifierKey);
    const paths = manifest.files.map((f) => f.path);
    expect(paths).toEqual(expect.arrayContaining(['journal.ndjson', 'checkpoint.txt', 'public-key.json']));
    expect(paths.some((p) => p.startsWith('checkpoints/anchored-'))).toBe(true);
    for (const kind of [
      'raffle-summary',
      'sales-by-seller',
      'ticket-register',
      'draws-and-winners',
      'voids-and-refunds',
      'unclaimed-prizes',
      'bearer-tickets',
      'financial-summary',
    ]) {
      for (const format of ['json', 'csv', 'pdf'])
        expect(paths).toContain(`reports/${raffleId}/${kind}.${format}`);
    }
    for (const kind of ['significant-events', 'complaints']) {
      for (const format of ['json', 'csv', 'pdf']) expect(paths).toContain(`reports/${kind}.${format}`);
    }
    const lines = readFileSync(join(bundle, 'journal.ndjson'), 'utf8').trimEnd().split('\n');
    expect(lines).toHaveLength(manifest.treeSize);
    const complaints = JSON.parse(readFileSync(join(bundle, 'reports/complaints.json'), 'utf8'));
    expect(complaints).toMatchObject({
      filter: { raffleId: null, from: null, to: null },
      ledger: { treeSize: manifest.treeSize, rootHash: manifest.rootHash },
      totals: { filed: 1, byCategory: { TICKET_PURCHASE: 1 }, byStatus: { IN_REVIEW: 1 } },
    });
    // Reports leave the service: the complaint's hash is in them, never its text.
    for (const format of ['json', 'csv']) {
      const text = readFileSync(join(bundle, `reports/complaints.${format}`), 'utf8');
      expect(text).toContain(textHash(COMPLAINT_TEXT));
      expect(text).not.toContain(COMPLAINT_TEXT);
    }
    const summary = JSON.parse(readFileSync(join(bundle, `reports/${raffleId}/raffle-summary.json`), 'utf8'));
    expect(summary.ledger).toMatchObject({ treeSize: manifest.treeSize, rootHash: manifest.rootHash });
  });

  it('verifies offline: journal, checkpoints, draws and every report recomputed from the journal', async () => {
    const { status, stdout } = await verify(bundle);
    expect(stdout).toContain('Fairdraw journal verification: OK');
    expect(stdout).toContain('Fairdraw bundle verification: OK');
    expect(stdout).toContain('reports          10 of 10 recomputed from the journal and equal');
    expect(stdout).toMatch(/1 of 1 draws replayed/);
    expect(status).toBe(0);
    // Without a key of their own, the verifier says the key came from the bundle.
    const own = await verify(bundle, []);
    expect(own.status).toBe(0);
    expect(own.stdout).toContain('taken from the bundle');
  });

  it('refuses a report whose totals were changed, even with the manifest rewritten to match', async () => {
    const path = `reports/${raffleId}/raffle-summary.json`;
    const dir = reportTampered('report-totals', path, (report) => {
      report.totals.sales.amountMinor += 1_000;
    });
    const { status, stdout } = await verify(dir);
    expect(status).toBe(1);
    expect(stdout).toContain('Fairdraw bundle verification: FAILED');
    expect(stdout).toMatch(/totals\.sales\.amountMinor: the report states \d+, the journal gives \d+/);
  });

  it('refuses a complaints report that hides a complaint', async () => {
    const path = 'reports/complaints.json';
    const dir = reportTampered('complaints', path, (report) => {
      report.totals.filed -= 1;
      report.totals.byCategory.TICKET_PURCHASE -= 1;
      report.totals.byStatus.IN_REVIEW -= 1;
      report.sections[0].rows = [];
    });
    const { status, stdout } = await verify(dir);
    expect(status).toBe(1);
    expect(stdout).toContain('Fairdraw bundle verification: FAILED');
    expect(stdout).toMatch(/reports\/complaints\.json/);
    expect(stdout).toContain('totals.filed: the report states 0, the journal gives 1');
    expect(stdout).toContain('totals.byStatus.IN_REVIEW: the report states 0, the journal gives 1');
  });

  it('refuses a financial summary whose expenses were changed, and a bearer-ticket report with a receipt’s status changed', async () => {
    const path = `reports/${raffleId}/financial-summary.json`;
    const dir = reportTampered('financial-summary', path, (report) => {
      expect(report.totals.raffle.expensesMinor).toBe(1_500);
      report.totals.raffle.expensesMinor = 500;
      report.totals.raffle.netIncomeMinor += 1_000;
    });
    const { status, stdout } = await verify(dir);
    expect(status).toBe(1);
    expect(stdout).toContain('totals.raffle.expensesMinor: the report states 500, the journal gives 1500');

    const bearerPath = `reports/${raffleId}/bearer-tickets.json`;
    const bearerDir = reportTampered('bearer-tickets', bearerPath, (report) => {
      const rows = report.sections.find((s: { id: string }) => s.id === 'receipts').rows;
      // The voided 5-pack (refunded, or still voided if its refund is not done yet) shown as valid.
      const voided = rows.find((r: { status: string }) => r.status === 'REFUNDED' || r.status === 'VOIDED');
      voided.status = 'VALID';
    });
    const bearerChecked = await verify(bearerDir);
    expect(bearerChecked.status).toBe(1);
    expect(bearerChecked.stdout).toMatch(
      /receipts: (VOIDED|REFUNDED) rows add up to \{"amountMinor":0,"orders":0,"tickets":0\}, the journal gives \{"amountMinor":2000,"orders":1,"tickets":5\}/,
    );
  });

  it('refuses a register whose rows do not add up to the journal, a changed PDF, and an added file', async () => {
    const path = `reports/${raffleId}/ticket-register.json`;
    const register = reportTampered('register', path, (report) => {
      const rows = report.sections.find((s: { id: string }) => s.id === 'register').rows;
      const voided = rows.find((r: { status: string }) => r.status === 'VOIDED');
      voided.status = 'SOLD';
    });
    const checked = await verify(register);
    expect(checked.status).toBe(1);
    expect(checked.stdout).toMatch(/register: \d+ numbers SOLD, the journal gives \d+/);

    const pdf = tampered('pdf', (d) => {
      const file = join(d, `reports/${raffleId}/raffle-summary.pdf`);
      const bytes = readFileSync(file);
      bytes[bytes.length - 20] ^= 0x01;
      writeFileSync(file, bytes);
    });
    const pdfChecked = await verify(pdf);
    expect(pdfChecked.status).toBe(1);
    expect(pdfChecked.stdout).toMatch(/raffle-summary\.pdf: SHA-256 [0-9a-f]{64} differs from the manifest/);

    const added = tampered('added', (d) => writeFileSync(join(d, 'reports/extra.json'), '{}'));
    const addedChecked = await verify(added);
    expect(addedChecked.status).toBe(1);
    expect(addedChecked.stdout).toContain('reports/extra.json: in the bundle but not in the manifest');
  });

  it('refuses a journal entry changed after the export, and a bundle signed by another key', async () => {
    const journal = tampered(
      'journal',
      (d) => {
        const file = join(d, 'journal.ndjson');
        const text = readFileSync(file, 'utf8').replace('"priceMinor":1000', '"priceMinor":100');
        writeFileSync(file, text);
        return 'journal.ndjson';
      },
      true,
    );
    const checked = await verify(journal);
    expect(checked.status).toBe(1);
    expect(checked.stdout).toMatch(/entry \d+: hash does not match its content/);

    const stranger = generateNoteKeys('fairdraw.local/ledger');
    const other = await verify(bundle, ['--verifier-key', stranger.verifierKey]);
    expect(other.status).toBe(1);
    expect(other.stdout).toContain('no valid signed checkpoint covers the whole journal');
  });
});
