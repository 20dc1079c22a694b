// Draw benchmark: sealing and drawing raffles of 10^4 to 10^7 tickets with the pure draw core
// (src/draw/core), beside the raw capability of the same machine in the same run.
//
//   npm run bench:draw [-- --max 10000000 --runs 5 --dist dist]
//
// Needs the compiled core: `npx tsc -p tsconfig.build.json` (or `npm run build`) writes dist/.
// Plain node, no jest. The sales are realistic: orders of 1, 5 and 30 tickets (mean 5, so 10^7
// tickets are ~2*10^6 orders), 20% of them sold from 500-number blocks held by point-of-sale devices
// (so orders are not in number order, and returned blocks leave unsold numbers), 1% voided.
//
// Phases, each the median over --runs:
//   normalise  sold + voided ranges (typed arrays) -> canonical sealed ranges (sort, checks, cut)
//   commit     Merkle root over the range leaves (SHA-256 per leaf and per node)
//   seal       normalise + commit: what sealing costs from the moment the ranges are read
//   draw       10 distinct winners from node:crypto bytes, mapped to tickets
//   replay     recompute the draw from its journaled RNG calls
//   proofs     membership proofs of the 10 winners, built (first proof builds the tree levels) and verified
// Baselines: Float64Array.prototype.sort of the order start numbers (a native sort of the same data)
// and one SHA-256 per range leaf (the hashing that commit cannot avoid).
import { hash, randomBytes } from 'node:crypto';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { planOrders } from './sales-plan.mjs';

const { values } = parseArgs({
  options: {
    max: { type: 'string', default: '10000000' },
    runs: { type: 'string', default: '5' },
    dist: { type: 'string', default: 'dist' },
    json: { type: 'boolean', default: false },
    'journal-tickets': { type: 'string', default: '1000000' },
  },
});
const max = Number(values.max);
const runs = Number(values.runs);
const core = await import(pathToFileURL(resolve(values.dist, 'src/draw/core/index.js')).href);
const { TicketRangeBuffer, normaliseTickets, sealSet, pickWinners, replayWinners, verifyMembershipProof } =
  core;
const ledger = await import(pathToFileURL(resolve(values.dist, 'src/ledger/core/index.js')).href);
const tickets_ = await import(pathToFileURL(resolve(values.dist, 'src/ticket/core/sales-journal.js')).href);

/** Sold and voided ranges for about `tickets` numbers, as the journal would list them. */
function sales(tickets, seed = 1) {
  const { orders } = planOrders(tickets, seed);
  const sold = new TicketRangeBuffer(orders.length);
  const voided = new TicketRangeBuffer(Math.ceil(orders.length / 50));
  let soldTickets = 0;
  let voidedTickets = 0;
  for (const { first, last, voided: isVoided } of orders) {
    sold.add(first, last);
    soldTickets += last - first + 1;
    if (isVoided) {
      voided.add(first, last);
      voidedTickets += last - first + 1;
    }
  }
  return { sold, voided, soldTickets, voidedTickets };
}

/** Adversarial fragmentation: every other ticket voided, so every eligible ticket is its own range. */
function fragmented(tickets) {
  const sold = new TicketRangeBuffer(tickets);
  const voided = new TicketRangeBuffer(tickets / 2);
  for (let t = 1; t <= tickets; t++) {
    sold.add(t, t);
    if (t % 2 === 0) voided.add(t, t);
  }
  return { sold, voided, soldTickets: tickets, voidedTickets: tickets / 2 };
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const source = async (n) => randomBytes(n);

async function measure(input) {
  const t = {
    normalise: [],
    commit: [],
    seal: [],
    draw: [],
    replay: [],
    proofs: [],
    sortBaseline: [],
    hashBaseline: [],
  };
  let set;
  for (let run = 0; run < runs; run++) {
    let start = performance.now();
    const ranges = normaliseTickets({ sold: input.sold, voided: input.voided });
    const normalised = performance.now();
    set = sealSet(ranges);
    const sealed = performance.now();
    t.normalise.push(normalised - start);
    t.commit.push(sealed - normalised);
    t.seal.push(sealed - start);

    start = performance.now();
    const picked = await pickWinners({ ranges, k: 10, repeats: false, source });
    t.draw.push(performance.now() - start);

    start = performance.now();
    const replay = replayWinners({ ranges, k: 10, repeats: false, excluded: [], rngCalls: picked.rngCalls });
    t.replay.push(performance.now() - start);
    if (replay.tickets.join() !== picked.tickets.join()) throw new Error('replay differs from the draw');

    start = performance.now();
    picked.tickets.forEach((ticket, i) => {
      const position = verifyMembershipProof(set.membershipProof(ticket), set.commitment, ticket);
      if (position !== picked.sealedPositions[i]) throw new Error('proof gives another position');
    });
    t.proofs.push(performance.now() - start);

    // Baselines on the same data, same run.
    const firsts = Float64Array.from(input.sold.firsts);
    start = performance.now();
    firsts.sort();
    t.sortBaseline.push(performance.now() - start);
    const leaf = Buffer.from('\u0000{"first":1234567,"last":1234571,"offset":1200000}');
    start = performance.now();
    for (let i = 0; i < set.rangeCount; i++) hash('sha256', leaf, 'buffer');
    t.hashBaseline.push(performance.now() - start);
  }
  const count = input.soldTickets - input.voidedTickets;
  if (set.count !== count) throw new Error(`sealed ${set.count} tickets, expected ${count}`);
  return {
    orders: input.sold.length,
    voids: input.voided.length,
    tickets: set.count,
    ranges: set.rangeCount,
    ...Object.fromEntries(Object.entries(t).map(([k, xs]) => [k, median(xs)])),
  };
}

const sizes = [];
for (let n = 10_000; n <= max; n *= 10) sizes.push(n);

const rows = [];
for (const n of sizes) {
  const input = sales(n);
  const row = await measure(input);
  row.total = row.seal + row.draw;
  rows.push({ size: n, ...row });
}
const worst = { size: Math.min(1_000_000, max), ...(await measure(fragmented(Math.min(1_000_000, max)))) };
worst.total = worst.seal + worst.draw;

/**
 * The offline verifier on a journal export of one raffle (its sales, voids, a seal and a draw), with
 * and without the draw recomputation: what recomputing the draws adds to verifying the journal.
 */
/** The range and validation-number hash of a sale, as `npm run verify` gives them to the claim check. */
function soldCodes(entry) {
  if (entry.type !== 'TICKETS_SOLD') return undefined;
  const p = entry.payload;
  return { raffleId: p.raffleId, first: p.first, last: p.last, codeHash: p.codeHash };
}

async function journalRecomputation(tickets) {
  const input = sales(tickets, 2);
  const drafts = [];
  const time = (i) => new Date(Date.UTC(2026, 10, 23, 8) + i).toISOString();
  const voidsByFirst = new Set(Array.from({ length: input.voided.length }, (_, i) => input.voided.first(i)));
  for (let i = 0; i < input.sold.length; i++) {
    const first = input.sold.first(i);
    const last = input.sold.last(i);
    drafts.push({
      type: 'TICKETS_SOLD',
      subject: 'raffle/r1',
      payload: {
        orderId: `o${i}`,
        raffleId: 'r1',
        first,
        last,
        priceMinor: 1000,
        codeHash: hash('sha256', `code-o${i}`),
      },
      time: time(drafts.length),
    });
    if (voidsByFirst.has(first))
      drafts.push({
        type: 'TICKETS_VOIDED',
        subject: 'raffle/r1',
        payload: { orderId: `o${i}`, raffleId: 'r1', first, last, priceMinor: 1000 },
        time: time(drafts.length),
      });
  }
  const before = ledger.chainEntries(ledger.ZERO_HASH, 0, drafts);
  const root = ledger.CompactRange.fromLeafHashes(before.map((e) => Buffer.from(e.hash, 'hex'))).root();
  const set = sealSet(normaliseTickets({ sold: input.sold, voided: input.voided }));
  const size = before.length;
  const seal = {
    raffleId: 'r1',
    sealId: 's1',
    prizeIds: ['main'],
    algorithm: core.SEAL_ALGORITHM,
    cutoff: { treeSize: size, time: time(size) },
    salesClosed: true,
    ledger: { treeSize: size, rootHash: root.toString('hex'), checkpoint: null },
    ...set.commitment,
  };
  const picked = await pickWinners({ ranges: set.ranges, k: 1, repeats: false, source });
  const draw = {
    raffleId: 'r1',
    prizeId: 'main',
    sealId: 's1',
    drawId: 'd1',
    algorithm: core.DRAW_ALGORITHM,
    sealed: set.commitment,
    rng: { provider: 'os', certified: false, identity: 'os:node-crypto' },
    rngRequestId: 'rng1',
    rngCalls: picked.rngCalls,
    k: 1,
    repeats: false,
    exclusion: 'seal',
    excluded: [],
    positions: picked.positions,
    tickets: picked.tickets,
    drawnAt: time(size + 1),
  };
  const last = before[before.length - 1];
  // The winner's claim (with the DRAW_PRIZE it pays): the claim check keeps every sale's range and
  // validation-number hash to match it, which is what it adds to the verifier's cost.
  const winner = picked.tickets[0];
  let winningSale = -1;
  for (let i = 0; i < input.sold.length; i++)
    if (input.sold.first(i) <= winner && winner <= input.sold.last(i)) winningSale = i;
  const claim = {
    raffleId: 'r1',
    prizeId: 'main',
    drawId: 'd1',
    ticket: winner,
    claimId: 'c1',
    codeHash: hash('sha256', `code-o${winningSale}`),
    identityDocument: 'PASSPORT',
    paymentMethod: 'CHEQUE',
    amountMinor: 1000,
    currency: 'CAD',
    claimedAt: time(size + 3),
    by: 'bench',
    personalData: { algorithm: core.PERSONAL_DATA_COMMITMENT, commitment: '0'.repeat(64) },
  };
  const drawnBytes = Buffer.from(picked.rngCalls.map((c) => c.bytes).join(''), 'hex');
  const rngRequest = {
    type: core.RNG_REQUEST,
    subject: 'raffle/r1',
    payload: {
      requestId: 'rng1',
      purpose: 'draw',
      subject: 'raffle/r1',
      ...draw.rng,
      algorithm: 'fairdraw-rejection-v1',
      k: 1,
      n: set.count,
      repeats: false,
      byteCount: drawnBytes.length,
      calls: picked.rngCalls.map((c) => ({ bytes: c.byteCount, at: time(size + 1) })),
      bytesSha256: hash('sha256', drawnBytes, 'hex'),
    },
  };
  const tail = ledger.chainEntries(last.hash, size, [
    { ...core.drawSealedDraft(seal), time: time(size) },
    { ...rngRequest, time: time(size + 1) },
    { ...core.drawResultDraft(draw), time: time(size + 1) },
    {
      type: 'DRAW_PRIZE',
      subject: 'raffle/r1',
      payload: { raffleId: 'r1', prizeId: 'main', drawId: 'd1', amountMinor: 1000 },
      time: time(size + 2),
    },
    { ...core.prizeClaimedDraft(claim), time: time(size + 3) },
  ]);
  const lines = [...before, ...tail].map(ledger.exportLine);
  const plain = [];
  const withDraws = [];
  const withClaims = [];
  // The service's seal from the journal (DrawSets.journalSales + seal): the rows as the ledger returns
  // them (payload as JSON text), parsed and read through the ticket module's mapping; beside it the
  // core's seal of the same sales from typed arrays, as the table above measures it.
  const rows = before.map((e) => ({ ...e, payloadText: JSON.stringify(e.payload) }));
  const serviceSeal = [];
  const coreSeal = [];
  for (let run = 0; run < runs; run++) {
    let start = performance.now();
    const mapping = tickets_.ticketSalesMapping();
    const raffleSales = new core.RaffleSales('r1', mapping);
    let paid = 0;
    for (const row of rows) {
      const entry = { ...row, payload: JSON.parse(row.payloadText) };
      raffleSales.add(entry);
      paid += mapping.amount(entry)?.deltaMinor ?? 0;
    }
    const fromJournal = sealSet(raffleSales.sealedRanges({ cutoffTreeSize: size, ledgerTreeSize: size }));
    serviceSeal.push(performance.now() - start);
    start = performance.now();
    const fromArrays = sealSet(normaliseTickets({ sold: input.sold, voided: input.voided }));
    coreSeal.push(performance.now() - start);
    if (fromJournal.root !== fromArrays.root || fromJournal.root !== set.root || paid <= 0) {
      throw new Error('the seal from the journal differs from the seal of the same sales');
    }
  }
  for (let run = 0; run < runs; run++) {
    let start = performance.now();
    const a = await ledger.verifyJournal(lines);
    plain.push(performance.now() - start);
    const check = core.createDrawCheck(core.drawJournalAdapter(tickets_.ticketSalesMapping()));
    start = performance.now();
    const b = await ledger.verifyJournal(lines, { entryChecks: [check] });
    withDraws.push(performance.now() - start);
    const drawsAgain = core.createDrawCheck(core.drawJournalAdapter(tickets_.ticketSalesMapping()));
    const claims = core.createClaimCheck(soldCodes);
    start = performance.now();
    const c = await ledger.verifyJournal(lines, { entryChecks: [drawsAgain, claims] });
    withClaims.push(performance.now() - start);
    if (!c.ok || claims.summary().codesMatched !== 1) {
      throw new Error(`claim did not verify: ${JSON.stringify(c.problems.slice(0, 3))}`);
    }
    const summary = check.summary();
    if (!a.ok || !b.ok || summary.sealsRecomputed !== 1 || summary.drawsReplayed !== 1) {
      throw new Error(
        `journal did not verify: ${JSON.stringify(b.problems.slice(0, 3))} ${JSON.stringify(summary)}`,
      );
    }
  }
  return {
    tickets: set.count,
    entries: lines.length,
    plain: median(plain),
    withDraws: median(withDraws),
    withClaims: median(withClaims),
    serviceSeal: median(serviceSeal),
    coreSeal: median(coreSeal),
  };
}

const journal =
  Number(values['journal-tickets']) > 0
    ? await journalRecomputation(Number(values['journal-tickets']))
    : undefined;

const ms = (x) => (x < 10 ? x.toFixed(2) : x < 100 ? x.toFixed(1) : x.toFixed(0));
const ratio = (rows, key, i) => (i === 0 ? '' : `x${(rows[i][key] / rows[i - 1][key]).toFixed(1)}`);

if (values.json) {
  console.log(
    JSON.stringify({ node: process.version, cpus: cpus().length, runs, rows, worst, journal }, null, 2),
  );
} else {
  console.log(
    `Draw benchmark: node ${process.version}, ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}, median of ${runs} runs, times in ms`,
  );
  console.log('');
  console.log(
    '| tickets | orders | voided orders | sealed ranges | normalise | commit | seal | draw (k=10) | seal + draw | replay | 10 proofs | native sort of order starts | SHA-256 per leaf |',
  );
  console.log('|---|---|---|---|---|---|---|---|---|---|---|---|---|');
  for (const r of rows) {
    console.log(
      `| ${r.tickets.toLocaleString('en')} | ${r.orders.toLocaleString('en')} | ${r.voids.toLocaleString('en')} | ${r.ranges.toLocaleString('en')} | ` +
        `${ms(r.normalise)} | ${ms(r.commit)} | ${ms(r.seal)} | ${ms(r.draw)} | **${ms(r.total)}** | ${ms(r.replay)} | ${ms(r.proofs)} | ${ms(r.sortBaseline)} | ${ms(r.hashBaseline)} |`,
    );
  }
  console.log('');
  console.log('Growth per 10x tickets (time ratio to the row above; linear = x10):');
  console.log('');
  console.log('| tickets | normalise | commit | seal | draw | seal + draw |');
  console.log('|---|---|---|---|---|---|');
  rows.forEach((r, i) => {
    if (i === 0) return;
    console.log(
      `| ${r.tickets.toLocaleString('en')} | ${ratio(rows, 'normalise', i)} | ${ratio(rows, 'commit', i)} | ${ratio(rows, 'seal', i)} | ${ratio(rows, 'draw', i)} | ${ratio(rows, 'total', i)} |`,
    );
  });
  console.log('');
  console.log(
    `Worst case, ${worst.size.toLocaleString('en')} single-ticket orders with every other one voided (${worst.ranges.toLocaleString('en')} ranges): ` +
      `normalise ${ms(worst.normalise)}, commit ${ms(worst.commit)}, seal + draw ${ms(worst.total)}, 10 proofs ${ms(worst.proofs)}; SHA-256 per leaf alone ${ms(worst.hashBaseline)}.`,
  );
  if (journal) {
    console.log('');
    console.log(
      `Offline verifier on an export of ${journal.entries.toLocaleString('en')} entries (${journal.tickets.toLocaleString('en')} tickets, one seal, one draw): ` +
        `${ms(journal.plain)} without the draw recomputation, ${ms(journal.withDraws)} with it (x${(journal.withDraws / journal.plain).toFixed(2)}), ` +
        `${ms(journal.withClaims)} with the claim check too (x${(journal.withClaims / journal.withDraws).toFixed(2)} of the draw recomputation's).`,
    );
    console.log(
      `The service's seal from the same journal rows (JSON payloads parsed, ticket mapping, seal): ${ms(journal.serviceSeal)}, ` +
        `against ${ms(journal.coreSeal)} for the core's seal of the same sales from typed arrays (x${(journal.serviceSeal / journal.coreSeal).toFixed(1)}).`,
    );
  }
  const largest = rows[rows.length - 1];
  console.log('');
  console.log(
    `Target: ${largest.tickets.toLocaleString('en')} tickets sealed and drawn in ${ms(largest.total)} ms ` +
      `(${largest.total < 2000 ? 'within' : 'OVER'} the 2 s target).`,
  );
}
