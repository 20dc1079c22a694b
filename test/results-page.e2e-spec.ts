// The public results page in headless Chromium (Debian's chromium, driven by playwright-core) against
// the service on a fresh PostgreSQL database: a raffle with sales and a draw; the page lists the raffle,
// its jackpot and its winner; "verify this draw" recomputes the draw in the browser and shows every
// check passing; a proof tampered in flight (page.route) shows the failure and names the check.

import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type Page, type Route } from 'playwright-core';
import {
  buildDrawProof,
  DRAW_ALGORITHM,
  drawResultDraft,
  type DrawResultPayload,
  drawSealedDraft,
  type DrawSealedPayload,
  normaliseTickets,
  pickWinners,
  SEAL_ALGORITHM,
  sealSet,
} from '../src/draw/core/index.js';
import { LedgerService } from '../src/ledger/ledger.service.js';
import { TicketService } from '../src/ticket/ticket.service.js';
import { bearer, startTestApp, type TestApp } from './support/app.js';
import { raffleDraft } from './support/factories.js';
import { openRaffle, order, posCash } from './support/sales.js';

const CHROMIUM = {
  executablePath: '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
};

type Json = Record<string, unknown>;

interface Published {
  raffle: { id: string; name: string };
  drawId: string;
  winner: number;
  /** GET /v1/draws/{id}/proof */
  proof: Json & { drawProof: { draw: DrawResultPayload; seal: DrawSealedPayload; winners: Json[] } };
  /** GET /v1/raffles/{id}/results */
  results: Json;
}

/**
 * A draw of the raffle's real sales, sealed and drawn with the draw core and journaled in the real
 * ledger (entries, inclusion proofs, signed checkpoint), as the draw module publishes it.
 * TODO(draws): replace by the draw module's own draw and API once it lands on main.
 */
async function drawWithTheCore(t: TestApp, raffleId: string): Promise<Omit<Published, 'raffle'>> {
  const ledger = t.app.get(LedgerService);
  const tickets = t.app.get(TicketService);
  const set = sealSet(normaliseTickets({ sold: await tickets.soldRanges(raffleId) }));
  const size = (await ledger.digest()).treeSize;
  const seal: DrawSealedPayload = {
    raffleId,
    sealId: `seal-${raffleId}`,
    prizeIds: ['main'],
    algorithm: SEAL_ALGORITHM,
    cutoff: { treeSize: size, time: new Date().toISOString() },
    salesClosed: true,
    ledger: {
      treeSize: size,
      rootHash: (await ledger.rootAt(size)).toString('hex'),
      checkpoint: await ledger.checkpointAt(size),
    },
    ...set.commitment,
  };
  const [sealQueued] = await ledger.appendNow(drawSealedDraft(seal));
  const [sealEntry] = await ledger.integrated([sealQueued]);
  const picked = await pickWinners({
    ranges: set.ranges,
    k: 1,
    repeats: false,
    source: async (n) => randomBytes(n),
  });
  const draw: DrawResultPayload = {
    raffleId,
    prizeId: 'main',
    sealId: seal.sealId,
    drawId: `draw-${raffleId}`,
    algorithm: DRAW_ALGORITHM,
    sealed: set.commitment,
    rng: { provider: 'os', certified: false, identity: 'os:node-crypto' },
    rngCalls: picked.rngCalls,
    k: 1,
    repeats: false,
    exclusion: 'seal',
    excluded: [],
    positions: picked.positions,
    tickets: picked.tickets,
    drawnAt: new Date().toISOString(),
  };
  const [drawQueued] = await ledger.appendNow(drawResultDraft(draw));
  const [drawEntry] = await ledger.integrated([drawQueued]);
  const digest = await ledger.digest();
  const journaled = async (seq: number) => ({
    entry: await ledger.entry(seq),
    inclusion: await ledger.inclusionProof(seq, digest.treeSize),
  });
  const proof = JSON.parse(
    JSON.stringify({
      drawProof: buildDrawProof(set, seal, { kind: 'result', payload: draw }),
      journal: {
        treeSize: digest.treeSize,
        rootHash: digest.rootHash,
        checkpoint: digest.checkpoint,
        verifierKey: ledger.publicKey().verifierKey,
        seal: await journaled(sealEntry.seq),
        draw: await journaled(drawEntry.seq),
      },
    }),
  ) as Published['proof'];
  const results = {
    raffleId,
    prizes: [
      {
        prizeId: 'main',
        name: '50/50 main prize',
        kind: 'MAIN',
        scheduledAt: draw.drawnAt,
        status: 'DRAWN',
        draw: {
          drawId: draw.drawId,
          drawnAt: draw.drawnAt,
          winningTickets: draw.tickets,
          noEligibleTickets: false,
          prize: null,
          rng: { provider: 'os', certified: false },
          redraws: [],
        },
      },
    ],
  };
  return { drawId: draw.drawId, winner: draw.tickets[0], proof, results };
}

describe('the public results page (headless Chromium)', () => {
  let t: TestApp;
  let base: string;
  let browser: Browser;
  let published: Published;
  let draft: { statusCode: number; json(): { id: string } };

  beforeAll(async () => {
    t = await startTestApp({ engine: 'postgres' });
    await t.app.listen({ port: 0, host: '127.0.0.1' });
    base = (await t.app.getUrl()).replace('[::1]', '127.0.0.1');
    const admin = bearer(await t.token(['admin']));
    const seller = bearer(await t.token(['seller'], 'seller-1'));
    const raffle = await openRaffle(t, admin, { name: 'Hospital Foundation 50/50 (test)' });
    for (const packageId of ['one', 'five', 'thirty', 'five', 'one']) {
      const sold = await order(t, raffle.id, seller, { ...posCash, packageId });
      expect(sold.statusCode).toBe(201);
    }
    draft = await t.app.inject({
      method: 'POST',
      url: '/v1/raffles',
      payload: raffleDraft({ name: 'Not yet public' }),
      headers: admin,
    });
    expect(draft.statusCode).toBe(201);
    published = { raffle, ...(await drawWithTheCore(t, raffle.id)) };
    browser = await chromium.launch(CHROMIUM);
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** A page that fails the test on any script error or CSP violation, with the draw API served. */
  async function openPage(
    proof: (route: Route) => Promise<void>,
  ): Promise<{ page: Page; problems: string[] }> {
    const page = await browser.newPage();
    const problems: string[] = [];
    page.on('pageerror', (error) => problems.push(`page error: ${error.message}`));
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    await page.route(`**/v1/raffles/${published.raffle.id}/results`, (route) =>
      route.fulfill({ json: published.results }),
    );
    await page.route(`**/v1/draws/${published.drawId}/proof`, proof);
    return { page, problems };
  }

  const genuine = (route: Route) => route.fulfill({ json: published.proof });

  async function verify(proof: (route: Route) => Promise<void>) {
    const { page, problems } = await openPage(proof);
    await page.goto(`${base}/#/draws/${published.drawId}`);
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
    expect(ids).toEqual([published.raffle.id]);
    expect(ids).not.toContain(draft.json().id);
  });

  it('lists the raffle with its jackpot and its winner', async () => {
    const { page, problems } = await openPage(genuine);
    await page.goto(`${base}/`);
    const card = page.locator(`[data-raffle="${published.raffle.id}"]`);
    await card.waitFor();
    expect(await card.locator('h3').textContent()).toContain(published.raffle.name);
    expect(await card.locator('.jackpot').textContent()).toMatch(/Estimated jackpot: CA\$\d/);
    expect(await card.locator(`[data-draw="${published.drawId}"]`).textContent()).toBe(
      published.winner.toLocaleString('en-US'),
    );
    await card.getByRole('link', { name: 'Verify this draw' }).click();
    await page.locator('#verify-summary[data-outcome]').waitFor({ timeout: 20_000 });
    expect(await page.locator('#verify-summary').getAttribute('data-outcome')).toBe('pass');
    expect(problems).toEqual([]);
    await page.close();
  });

  it('verifies a genuine proof: every check passes', async () => {
    const result = await verify(genuine);
    expect(result.outcome).toBe('pass');
    expect(result.summary).toContain(`Verified: winning ticket ${published.winner.toLocaleString('en-US')}`);
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
      'checkpoint-signature',
      'shown-winners',
    ]);
    expect(Object.values(result.checks).every((s) => s === 'pass')).toBe(true);
    expect(result.problems).toEqual([]);
  });

  const tampered = (change: (proof: Published['proof']) => void) => async (route: Route) => {
    const proof = structuredClone(published.proof);
    change(proof);
    await route.fulfill({ json: proof });
  };

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
});
