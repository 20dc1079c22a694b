// @ts-check
// The public results page: lists raffles (GET /v1/results/raffles) with their jackpots and, from the
// draw module's results (GET /v1/raffles/{id}/results), the winners of each prize as journaled; the
// "verify" view (#/draws/{id}) fetches the draw's proof and checks it here, with ./verifier.
// Everything is built with DOM calls and textContent, never from HTML strings.

import { verifyPublishedDraw } from './verifier/index.js';

/**
 * @typedef {{ id: string, name: string, kind: string, amountMinor: number | null }} RulesPrize
 * @typedef {{ amountMinor: number, isEstimate: boolean, shareBps: number, basis: string }} PrizeEstimate
 * @typedef {{ id: string, name: string, licenseNumber: string, type: string, status: string,
 *   salesOpen: boolean, salesCloseAt: string, currency: string, prizes: RulesPrize[],
 *   ticketsSold: number, prizeEstimate: PrizeEstimate | null, asOf: string }} PublicRaffle
 * @typedef {{ drawId: string, replacedTicket: number, winningTicket: number, reason: string, drawnAt: string }} Redraw
 * @typedef {{ amountMinor: number | null, currency: string, basis: string,
 *   shareBasisPoints: number | null, paidTotalMinor: number | null }} PrizeAmount
 * @typedef {{ drawId: string, drawnAt: string, winningTickets: number[], noEligibleTickets: boolean,
 *   prize: PrizeAmount | null, rng: { provider: string, certified: boolean }, redraws: Redraw[] }} PrizeDraw
 * @typedef {{ prizeId: string, name: string, kind: string, scheduledAt: string, status: string,
 *   draw: PrizeDraw | null }} PrizeResult
 * @typedef {{ raffleId: string, prizes: PrizeResult[] }} RaffleResults
 */

class HttpError extends Error {
  /** @param {number} status @param {string} url */
  constructor(status, url) {
    super(`${url} answered ${status}`);
    this.status = status;
  }
}

/** @param {string} url */
async function getJson(url) {
  const response = await fetch(url, { headers: { accept: 'application/json' } });
  if (!response.ok) throw new HttpError(response.status, url);
  return response.json();
}

/**
 * @param {string} tag
 * @param {{ className?: string, text?: string, attrs?: Record<string, string> }} [options]
 * @param {(Node | string)[]} [children]
 */
function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = options.text;
  for (const [name, value] of Object.entries(options.attrs ?? {})) node.setAttribute(name, value);
  node.append(...children);
  return node;
}

/** @param {string} id @returns {HTMLElement} */
function byId(id) {
  const node = document.getElementById(id);
  if (!node) throw new Error(`the page has no #${id}`);
  return node;
}

/** Integer minor units in the raffle's currency, e.g. 123456 CAD -> CA$1,234.56. @param {number} minor @param {string} currency */
function money(minor, currency) {
  const format = new Intl.NumberFormat('en', { style: 'currency', currency });
  const digits = format.resolvedOptions().maximumFractionDigits ?? 2;
  return format.format(minor / 10 ** digits);
}

/** @param {string} iso */
function time(iso) {
  return el('time', { attrs: { datetime: iso }, text: `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` });
}

/** @param {number[]} tickets */
const ticketList = (tickets) => tickets.map((t) => t.toLocaleString('en-US')).join(', ');

/**
 * The winners of one draw record as this page shows them: a prize's current winners with each redraw
 * undone (the draw's own tickets), or a redraw's one winner.
 * @param {RaffleResults} results @param {string} drawId @returns {number[] | undefined}
 */
function shownTicketsOf(results, drawId) {
  for (const prize of results.prizes) {
    const draw = prize.draw;
    if (!draw) continue;
    if (draw.drawId === drawId) {
      const tickets = [...draw.winningTickets];
      for (const redraw of [...draw.redraws].reverse()) {
        const i = tickets.indexOf(redraw.winningTicket);
        if (i >= 0) tickets[i] = redraw.replacedTicket;
      }
      return tickets;
    }
    const redraw = draw.redraws.find((r) => r.drawId === drawId);
    if (redraw) return [redraw.winningTicket];
  }
  return undefined;
}

/**
 * A link to the verification of one draw record; its accessible name says which draw, since a page
 * holds many of them.
 * @param {string} drawId @param {string} what e.g. 'the draw of 50/50 main prize'
 */
const verifyLink = (drawId, what) =>
  el('a', { attrs: { href: `#/draws/${encodeURIComponent(drawId)}` } }, [
    'Verify this draw',
    el('span', { className: 'visually-hidden', text: ` (${what})` }),
  ]);

/** How a journaled prize amount was set, in words. @param {PrizeAmount} prize @param {string} currency */
function prizeBasis(prize, currency) {
  if (prize.basis === 'SHARE_OF_SALES' && prize.shareBasisPoints != null && prize.paidTotalMinor != null)
    return `${prize.shareBasisPoints / 100}% of paid sales of ${money(prize.paidTotalMinor, currency)}, rounded down`;
  return prize.basis.toLowerCase().replaceAll('_', ' ');
}

/** @param {PublicRaffle} raffle @param {RaffleResults | null} results */
function jackpot(raffle, results) {
  const box = el('div', { className: 'jackpot' });
  const final = results?.prizes.find((p) => p.draw?.prize?.amountMinor != null && p.kind === 'MAIN')?.draw
    ?.prize;
  if (final && final.amountMinor != null) {
    box.append(
      el('span', { text: 'Prize: ' }),
      el('span', { className: 'amount', text: money(final.amountMinor, raffle.currency) }),
      el('span', {
        className: 'meta',
        text: ` (final, from the journaled draw: ${prizeBasis(final, raffle.currency)})`,
      }),
    );
  } else if (raffle.prizeEstimate) {
    box.append(
      el('span', { className: 'estimate', text: 'Estimated jackpot: ' }),
      el('span', { className: 'amount', text: money(raffle.prizeEstimate.amountMinor, raffle.currency) }),
      el('span', {
        className: 'meta',
        text: raffle.salesOpen
          ? ' — an estimate: it grows with every ticket sold until sales close; the final prize is set at the draw.'
          : ' — an estimate from recorded sales; the final prize is set at the draw.',
      }),
    );
  } else {
    const fixed = raffle.prizes.filter((p) => p.amountMinor !== null);
    if (fixed.length === 0) return null;
    box.append(
      el('span', {
        text: `Prizes: ${fixed.map((p) => `${p.name} ${money(p.amountMinor ?? 0, raffle.currency)}`).join('; ')}`,
      }),
    );
  }
  return box;
}

/** @param {PrizeResult} prize @param {string} currency */
function prizeItem(prize, currency) {
  const item = el('li', { attrs: { 'data-prize': prize.prizeId } }, [
    el('strong', { text: prize.name }),
    ` (${prize.kind.toLowerCase().replace('_', '-')})`,
  ]);
  const draw = prize.draw;
  if (!draw) {
    item.append(el('div', { className: 'meta' }, ['Not drawn yet; scheduled for ', time(prize.scheduledAt)]));
    return item;
  }
  const line = el('div');
  if (draw.noEligibleTickets) line.append('Drawn: no eligible ticket. ');
  else
    line.append(
      draw.winningTickets.length === 1 ? 'Winning ticket: ' : 'Winning tickets: ',
      el('span', {
        className: 'winners',
        text: ticketList(draw.winningTickets),
        attrs: { 'data-draw': draw.drawId },
      }),
      ' ',
    );
  if (draw.prize?.amountMinor != null) line.append(`Prize ${money(draw.prize.amountMinor, currency)}. `);
  line.append(verifyLink(draw.drawId, `draw of ${prize.name}`));
  item.append(
    line,
    el('div', { className: 'meta' }, [
      'Drawn ',
      time(draw.drawnAt),
      ` from the ${draw.rng.provider} random source${draw.rng.certified ? ' (certified)' : ' (not certified)'}`,
    ]),
  );
  for (const redraw of draw.redraws) {
    item.append(
      el('div', { className: 'meta' }, [
        `Ticket ${redraw.replacedTicket.toLocaleString('en-US')} was replaced by ${redraw.winningTicket.toLocaleString('en-US')} (${redraw.reason}), `,
        time(redraw.drawnAt),
        '. ',
        verifyLink(redraw.drawId, `redraw of ${prize.name}, ticket ${redraw.winningTicket}`),
      ]),
    );
  }
  return item;
}

/** @param {PublicRaffle} raffle @param {RaffleResults | null} results @param {string | null} problem */
function raffleCard(raffle, results, problem) {
  const card = el('article', {
    className: 'raffle',
    attrs: { 'data-raffle': raffle.id, 'aria-labelledby': `raffle-${raffle.id}` },
  });
  card.append(
    el('h3', { attrs: { id: `raffle-${raffle.id}` } }, [
      raffle.name,
      el('span', { className: 'badge' }, [
        el('span', { className: 'visually-hidden', text: ' status: ' }),
        raffle.status.toLowerCase(),
      ]),
    ]),
    el('p', {
      className: 'meta',
      text: `Licence ${raffle.licenseNumber} · ${raffle.type === 'FIFTY_FIFTY' ? '50/50' : raffle.type.toLowerCase().replace('_', ' ')} · ${raffle.ticketsSold.toLocaleString('en-US')} tickets sold · sales ${raffle.salesOpen ? 'open until' : 'closed'} ${raffle.salesCloseAt.slice(0, 10)}`,
    }),
  );
  const box = jackpot(raffle, results);
  if (box) card.append(box);
  if (results) {
    const list = el('ul', { className: 'prizes', attrs: { 'aria-label': `Prizes of ${raffle.name}` } });
    list.append(...results.prizes.map((p) => prizeItem(p, raffle.currency)));
    card.append(list);
  } else if (problem) card.append(el('p', { className: 'meta', text: problem }));
  return card;
}

async function showRaffles() {
  byId('verify').hidden = true;
  byId('raffles').hidden = false;
  const status = byId('raffles-status');
  const list = byId('raffle-list');
  try {
    /** @type {{ raffles: PublicRaffle[] }} */
    const { raffles } = await getJson('/v1/results/raffles');
    const cards = await Promise.all(
      raffles.map(async (raffle) => {
        try {
          /** @type {RaffleResults} */
          const results = await getJson(`/v1/raffles/${encodeURIComponent(raffle.id)}/results`);
          return raffleCard(raffle, results, null);
        } catch (error) {
          const status = error instanceof HttpError ? error.status : 0;
          const problem =
            status === 404
              ? 'No results published yet.'
              : status === 503
                ? 'A draw is being recorded in the journal; its results appear here once it is.'
                : 'Results could not be loaded.';
          return raffleCard(raffle, null, problem);
        }
      }),
    );
    list.replaceChildren(...cards);
    status.textContent =
      raffles.length === 0
        ? 'No raffle has opened yet.'
        : `${raffles.length} raffle${raffles.length === 1 ? '' : 's'}.`;
  } catch {
    status.textContent = 'The raffles could not be loaded. Please try again later.';
  }
}

const OUTCOME = { pass: '✓ Passed', fail: '✗ Failed', skipped: '– Not run', 'not-checked': '? Not checked' };

/** @param {string} drawId */
async function showVerification(drawId) {
  byId('raffles').hidden = true;
  const section = byId('verify');
  section.hidden = false;
  byId('verify-heading').textContent = `Verify draw ${drawId}`;
  byId('verify-heading').focus();
  const summary = byId('verify-summary');
  const checks = byId('verify-checks');
  checks.replaceChildren();
  summary.removeAttribute('data-outcome');
  summary.textContent = 'Fetching the proof and verifying…';
  let response;
  try {
    response = await getJson(`/v1/draws/${encodeURIComponent(drawId)}/proof`);
  } catch (error) {
    // Nothing was verified: not a failed verification, but no verdict either.
    const status = error instanceof HttpError ? error.status : 0;
    summary.dataset.outcome = 'unavailable';
    summary.textContent =
      status === 404
        ? `There is no draw ${drawId}.`
        : status === 503
          ? 'This draw is still being recorded in the journal: try again in a moment. Nothing was verified.'
          : 'The proof could not be fetched. Nothing was verified.';
    return;
  }
  const raffleId = response?.drawProof?.draw?.raffleId;
  /** @type {number[] | undefined} */
  let shownTickets;
  if (typeof raffleId === 'string') {
    try {
      shownTickets = shownTicketsOf(
        await getJson(`/v1/raffles/${encodeURIComponent(raffleId)}/results`),
        drawId,
      );
    } catch {
      shownTickets = undefined;
    }
  }
  const key = /** @type {HTMLInputElement} */ (byId('verifier-key')).value;
  const result = await verifyPublishedDraw(response, {
    verifierKey: key,
    ...(shownTickets ? { shownTickets } : {}),
  });
  checks.replaceChildren(
    ...result.checks.map((c) =>
      el('li', { attrs: { 'data-check': c.id, 'data-status': c.status } }, [
        el('span', { className: 'outcome', text: OUTCOME[c.status] }),
        el('span', { className: 'title', text: c.title }),
        el('span', { className: 'detail', text: c.detail }),
      ]),
    ),
  );
  const failed = result.checks.find((c) => c.status === 'fail');
  summary.dataset.outcome = failed ? 'fail' : 'pass';
  const tickets = result.report.draw?.tickets ?? [];
  summary.textContent = failed
    ? `Verification failed: ${failed.title.toLowerCase()} — ${failed.detail}`
    : `Verified: winning ticket${tickets.length === 1 ? '' : 's'} ${ticketList(tickets) || 'none'}, recomputed from the journaled draw in this browser${result.complete ? '' : ' (some checks could not be made: see below)'}.`;
}

function route() {
  const match = /^#\/draws\/(.+)$/.exec(location.hash);
  if (match) void showVerification(decodeURIComponent(match[1]));
  else void showRaffles();
}

byId('key-form').addEventListener('submit', (event) => {
  event.preventDefault();
  const match = /^#\/draws\/(.+)$/.exec(location.hash);
  if (match) void showVerification(decodeURIComponent(match[1]));
});
window.addEventListener('hashchange', route);
route();
