// The public results page in headless Chromium (Debian's chromium, driven by playwright-core) against
// the service on a fresh PostgreSQL database: a raffle with sales drawn by the draw module at its
// scheduled time, and one still selling; the page lists them with their jackpots and the winner;
// "verify this draw" recomputes the draw in the browser from GET /v1/draws/{id}/proof and shows every
// check passing; a proof tampered in flight (page.route) shows the failure and names the check.

import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import { generateNoteKeys } from '../src/ledger/core/index.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { sell, shortRaffle, until, voidOrder } from './support/draws.js';
import { raffleDraft } from './support/factories.js';
import { openRaffle, type Headers } from './support/sales.js';

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
};

interface JournalProof {
  entry: { seq: number; type: string; payload: Record<string, unknown> };
  inclusion: unknown;
}

interface DrawProofResponse {
  drawProof: {
    seal: { count: number };
    draw: {
      tickets: number[];
      sealed: { count: number };
      rngRequestId: string | null;
      rngCalls: { byteCount: number; bytes: string }[];
    };
  };
  journal: { seal: JournalProof; draw: JournalProof; rngRequest: JournalProof | null };
}

interface Drawn {
  raffle: { id: string; name: string };
  drawId: string;
  winner: number;
  prizeMinor: number;
}

describe('the public results page (headless Chromium)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let drawn: Drawn;
  let selling: { id: string; name: string };
  let draft: { statusCode: number; json(): { id: string } };

  beforeAll(async () => {
    t = await startTestApp({
      engine: 'postgres',
      env: {
        SALES_SCHEDULER_INTERVAL_MS: '100',
        DRAW_SCHEDULER_INTERVAL_MS: '100',
        DRAW_CUTOFF_GRACE_MS: '300',
      },
    });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const admin: Headers = bearer(await t.token(['admin'], 'alice-admin'));
    const operator: Headers = bearer(await t.token(['operator'], 'oscar-operator'));
    const seller: Headers = bearer(await t.token(['seller'], 'sam-seller'));

    // A raffle whose sales close in a few seconds and whose main prize the scheduler then draws.
    const raffle = await shortRaffle(t, admin, {
      closeInMs: 6_000,
      overrides: { name: 'Hospital Foundation 50/50 (drawn)' },
    });
    const orders = [];
    for (const pkg of ['five', 'one', 'thirty', 'five', 'one'])
      orders.push(await sell(t, raffle.id, seller, pkg));
    expect((await voidOrder(t, orders[1].orderId, operator)).statusCode).toBe(200);
    // A raffle still selling: its jackpot is an estimate.
    selling = await openRaffle(t, admin, { name: 'Children’s Hospital 50/50 (selling)' });
    await sell(t, selling.id, seller, 'thirty');
    draft = await t.app.inject({
      method: 'POST',
      url: '/v1/raffles',
      payload: raffleDraft({ name: 'Not yet public' }),
      headers: admin,
    });
    expect(draft.statusCode).toBe(201);

    const results = await until(
      async () => (await t.app.inject({ method: 'GET', url: `/v1/raffles/${raffle.id}/results` })).json(),
      (r) => r.prizes?.[0]?.status === 'DRAWN',
      60_000,
    );
    const main = results.prizes[0].draw;
    drawn = {
      raffle,
      drawId: main.drawId,
      winner: main.winningTickets[0],
      prizeMinor: main.prize.amountMinor,
    };
    browser = await chromium.launch(CHROMIUM);
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page that records any script error or CSP violation; `proof` may intercept the proof request. */
  async function openPage(
    proof?: (route: Route) => Promise<void>,
  ): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    if (proof) await page.route(`**/v1/draws/${drawn.drawId}/proof`, proof);
    return { page, problems };
  }

  async function verify(proof?: (route: Route) => Promise<void>) {
    const { page, problems } = await openPage(proof);
    await page.goto(`${base}/#/draws/${drawn.drawId}`);
    const summary = page.locator('#verify-summary[data-outcome]');
    await summary.waitFor({ timeout: 20_000 });
    const checks = await page
      .locator('#verify-checks li')
      .evaluateAll((items) =>
        items.map((li) => [li.getAttribute('data-check'), li.getAttribute('data-status')]),
      );
    const result = {
      outcome: await summary.getAttribute('data-outcome'),
      summary: (await summary.textContent()) ?? '',
      checks: Object.fromEntries(checks) as Record<string, string>,
      problems,
    };
    await page.close();
    return result;
  }

  /** Verifies with a key typed into the page's form; returns the signature check's status and detail. */
  async function verifyWithKey(key: string) {
    const { page, problems } = await openPage();
    await page.goto(`${base}/#/draws/${drawn.drawId}`);
    await page.locator('#verify-summary[data-outcome]').waitFor({ timeout: 20_000 });
    await page.getByLabel('Ledger verifier key').fill(key);
    await page.getByRole('button', { name: 'Verify' }).click();
    // Until the checks are redrawn, the signature is the one checked with the key served with the proof.
    await page
      .locator('[data-check="checkpoint-signature"] .detail', { hasNotText: 'served with this proof' })
      .waitFor({ timeout: 20_000 });

    const check = page.locator('[data-check="checkpoint-signature"]');
    const result = {
      status: await check.getAttribute('data-status'),
      detail: (await check.locator('.detail').textContent()) ?? '',
      outcome: await page.locator('#verify-summary').getAttribute('data-outcome'),
      problems,
    };
    await page.close();
    return result;
  }

  /** Intercepts the service's real proof response and changes it before the page sees it. */
  const tampered = (change: (proof: DrawProofResponse) => void) => async (route: Route) => {
    const response = await route.fetch();
    const proof = (await response.json()) as DrawProofResponse;
    change(proof);
    await route.fulfill({ response, json: proof });
  };

  it('serves the page under the service’s strict content security policy', async () => {
    const response = await fetch(`${base}/`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    expect(response.headers.get('content-security-policy')).toMatch(/script-src 'self'/);
    expect(await response.text()).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/); // no inline script
    const asset = await fetch(`${base}/results/verifier/draw-proof.js`);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await fetch(`${base}/results/..%2Fresults.service.ts`)).status).toBe(400);
    expect((await fetch(`${base}/results/missing.js`)).status).toBe(404);
  });

  it('lists raffles that have opened, never drafts', async () => {
    const response = await t.app.inject({ method: 'GET', url: '/v1/results/raffles' });
    expect(response.statusCode).toBe(200);
    const ids = (response.json() as { raffles: { id: string }[] }).raffles.map((r) => r.id);
    expect(ids.sort()).toEqual([drawn.raffle.id, selling.id].sort());
    expect(ids).not.toContain(draft.json().id);
  });

  it('lists the drawn raffle with its final prize and winner, and the selling one with an estimate', async () => {
    const { page, problems } = await openPage();
    await page.goto(`${base}/`);
    const card = page.locator(`[data-raffle="${drawn.raffle.id}"]`);
    await card.waitFor();
    expect(await card.locator('h3').textContent()).toContain(drawn.raffle.name);
    const prize = `CA$${(drawn.prizeMinor / 100).toFixed(2)}`;
    expect(await card.locator('.jackpot').textContent()).toBe(
      `Prize: ${prize} (final, from the journaled draw: 50% of paid sales of CA$${((drawn.prizeMinor * 2) / 100).toFixed(2)}, rounded down)`,
    );
    expect(await card.locator(`[data-draw="${drawn.drawId}"]`).textContent()).toBe(
      drawn.winner.toLocaleString('en-US'),
    );
    // What a screen reader is given: landmarks, headings, named lists and links that say which draw.
    const tree = await page.locator('main').ariaSnapshot();
    expect(tree).toContain('region "Raffles"');
    expect(tree).toContain(`heading "${drawn.raffle.name} status: drawn" [level=3]`);
    expect(tree).toContain(`list "Prizes of ${drawn.raffle.name}"`);
    expect(tree).toContain('link "Verify this draw (draw of 50/50 main prize)"');
    const open = page.locator(`[data-raffle="${selling.id}"]`);
    expect(await open.locator('.jackpot').textContent()).toMatch(
      /^Estimated jackpot: CA\$25\.00 — an estimate/,
    );
    expect(await open.locator('.prizes').textContent()).toMatch(/Not drawn yet/);
    await card.getByRole('link', { name: 'Verify this draw (draw of 50/50 main prize)' }).click();
    await page.locator('#verify-summary[data-outcome]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#verify-summary').getAttribute('data-outcome')).toBe('pass');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('verifies the genuine proof: every check passes', async () => {
    const result = await verify();
    expect(result.outcome).toBe('pass');
    expect(result.summary).toContain(`Verified: winning ticket ${drawn.winner.toLocaleString('en-US')}`);
    expect(Object.keys(result.checks)).toEqual([
      'format',
      'seal-link',
      'last-range',
      'excluded',
      'rng-replay',
      'winners',
      'checkpoint',
      'journal-seal',
      'journal-draw',
      'journal-rng',
      'checkpoint-signature',
      'seal-checkpoint',
      'shown-winners',
    ]);
    expect(Object.values(result.checks).every((s) => s === 'pass')).toBe(true);
    expect(result.problems).toEqual([]);
  });

  it('shows a proof with a changed random byte as failed at the RNG replay', async () => {
    const result = await verify(
      tampered((p) => {
        const call = p.drawProof.draw.rngCalls.at(-1)!;
        call.bytes = call.bytes.slice(0, -1) + (call.bytes.endsWith('0') ? '1' : '0');
      }),
    );
    expect(result.outcome).toBe('fail');
    expect(result.checks['rng-replay']).toBe('fail');
    expect(result.checks['journal-draw']).toBe('fail');
    expect(result.summary).toMatch(/Verification failed: the journaled random bytes replay/);
  });

  it('checks the draw’s random bytes against the RNG_REQUEST entry that served them, and fails a proof whose request is not that one', async () => {
    const proof = (await t.app.inject({ method: 'GET', url: `/v1/draws/${drawn.drawId}/proof` })).json();
    expect(proof.journal.rngRequest.entry).toMatchObject({
      type: 'RNG_REQUEST',
      subject: `raffle/${drawn.raffle.id}`,
      payload: { requestId: proof.drawProof.draw.rngRequestId, k: 1 },
    });
    expect(proof.journal.rngRequest.entry.seq).toBeLessThan(proof.journal.draw.entry.seq);
    expect(proof.journal.rngRequest.inclusion).toMatchObject({
      leafIndex: proof.journal.rngRequest.entry.seq,
      treeSize: proof.journal.treeSize,
    });

    const failures: Array<[string, (p: DrawProofResponse) => void, RegExp]> = [
      [
        // What a forger who journaled other bytes would need: the RNG's record to hash them.
        'the request’s bytes hash changed',
        (p) => {
          const payload = p.journal.rngRequest!.entry.payload;
          const hash = String(payload.bytesSha256);
          payload.bytesSha256 = (hash[0] === '0' ? '1' : '0') + hash.slice(1);
        },
        /journal\.rngRequest: the entry’s content hashes to/,
      ],
      [
        'a genuine, journaled entry that is not an RNG request (the seal’s)',
        (p) => {
          p.journal.rngRequest = p.journal.seal;
        },
        /journal\.rngRequest\.entry is a DRAW_SEALED entry, not RNG_REQUEST/,
      ],
      [
        'no RNG request for a draw with a winner',
        (p) => {
          p.journal.rngRequest = null;
        },
        /the draw names RNG request .*, but journal\.rngRequest carries no entry to prove it/,
      ],
    ];
    for (const [what, change, detail] of failures) {
      const result = await verify(tampered(change));
      const failed = Object.entries(result.checks).filter(([, status]) => status === 'fail');
      expect({ what, failed, outcome: result.outcome }).toEqual({
        what,
        failed: [['journal-rng', 'fail']],
        outcome: 'fail',
      });
      expect(result.summary).toMatch(
        /Verification failed: the random bytes are the ones the rng served for this draw/,
      );
      expect(result.summary).toMatch(detail);
      expect(result.problems).toEqual([]);
    }
  });

  it('shows a proof with another winner as failed at the winners', async () => {
    const result = await verify(
      tampered((p) => {
        p.drawProof.draw.tickets[0] = p.drawProof.draw.tickets[0] === 1 ? 2 : 1;
      }),
    );
    expect(result.outcome).toBe('fail');
    expect(result.checks.winners).toBe('fail');
    expect(result.checks['shown-winners']).toBe('fail');
    expect(result.summary).toMatch(/Verification failed: each winning ticket is in the sealed set/);
  });

  it('shows a proof of another set as failed where the set no longer matches', async () => {
    const result = await verify(
      tampered((p) => {
        p.drawProof.seal.count += 1;
        p.drawProof.draw.sealed.count += 1;
      }),
    );
    expect(result.outcome).toBe('fail');
    expect(result.checks['last-range']).toBe('fail');
    expect(result.checks['journal-seal']).toBe('fail');
    expect(result.summary).toMatch(
      /Verification failed: the last sealed range ends exactly at the ticket count/,
    );
  });

  it('checks the checkpoint signature with a key the reader types in, and fails it with another key', async () => {
    const auditor = bearer(await t.token(['auditor'], 'ada-auditor'));
    const { verifierKey } = (
      await t.app.inject({ method: 'GET', url: '/v1/ledger/public-key', headers: auditor })
    ).json();
    const genuine = await verifyWithKey(verifierKey);
    expect(genuine).toMatchObject({ status: 'pass', outcome: 'pass', problems: [] });
    expect(genuine.detail).toMatch(/the key you supplied/);
    const other = await verifyWithKey(generateNoteKeys(verifierKey.split('+')[0]).verifierKey);
    expect(other).toMatchObject({ status: 'fail', outcome: 'fail' });
    expect(other.detail).toMatch(/not signed by/);
  });

  it('says when results and a proof are not available yet, and claims no verdict', async () => {
    const notYet = { status: 503, code: 'NOT_YET_JOURNALED', message: 'the draw is not journaled yet' };
    const { page, problems } = await openPage((route) => route.fulfill({ status: 503, json: notYet }));
    await page.route(`**/v1/raffles/${drawn.raffle.id}/results`, (route) =>
      route.fulfill({ status: 503, json: notYet }),
    );
    await page.goto(`${base}/`);
    const card = page.locator(`[data-raffle="${drawn.raffle.id}"]`);
    await card.waitFor();
    expect(await card.textContent()).toContain('A draw is being recorded in the journal');
    expect(await card.locator('[data-draw]').count()).toBe(0);
    await page.goto(`${base}/#/draws/${drawn.drawId}`);
    const summary = page.locator('#verify-summary[data-outcome]');
    await summary.waitFor({ timeout: 20_000 });
    expect(await summary.getAttribute('data-outcome')).toBe('unavailable');
    expect(await summary.textContent()).toMatch(/still being recorded .* Nothing was verified\./);
    expect(await page.locator('#verify-checks li').count()).toBe(0);
    // The browser logs the two 503 answers as failed loads; nothing else may go wrong.
    expect(problems.filter((p) => !/status of 503/.test(p))).toEqual([]);
    await page.close();
  });

  it('shows a redraw beside the draw it changes, and both proofs verify', async () => {
    const admin = bearer(await t.token(['admin'], 'alice-admin'));
    const redrawn = await t.app.inject({
      method: 'POST',
      url: `/v1/draws/${drawn.drawId}/redraw`,
      payload: { ticket: drawn.winner, cause: 'INELIGIBLE', reason: 'winner is an employee of the licensee' },
      headers: admin,
    });
    expect(redrawn.statusCode).toBe(200);
    const redraw = redrawn.json() as { drawId: string; winningTickets: number[] };
    const replacement = redraw.winningTickets[0];

    const { page, problems } = await openPage();
    await page.goto(`${base}/`);
    const card = page.locator(`[data-raffle="${drawn.raffle.id}"]`);
    await card.waitFor();
    expect(await card.locator(`[data-draw="${drawn.drawId}"]`).textContent()).toBe(
      replacement.toLocaleString('en-US'),
    );
    expect(await card.locator('.prizes').textContent()).toContain(
      `Ticket ${drawn.winner.toLocaleString('en-US')} was replaced by ${replacement.toLocaleString('en-US')} (winner ineligible: winner is an employee of the licensee)`,
    );
    await card.getByRole('link', { name: /^Verify this draw \(redraw of 50\/50 main prize/ }).click();
    const summary = page.locator('#verify-summary[data-outcome]');
    await summary.waitFor({ timeout: 20_000 });
    expect(await page.locator('#verify-heading').textContent()).toBe(`Verify draw ${redraw.drawId}`);
    expect(await summary.getAttribute('data-outcome')).toBe('pass');
    expect(await summary.textContent()).toContain(`winning ticket ${replacement.toLocaleString('en-US')}`);
    expect(problems).toEqual([]);
    await page.close();

    // The original draw still verifies: it journaled the first winner, which the page shows as replaced.
    const original = await verify();
    expect(original.outcome).toBe('pass');
    expect(original.checks['shown-winners']).toBe('pass');
  });
});
