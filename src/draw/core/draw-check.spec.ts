import {
  type EntryDraft,
  exportLine,
  type JournalEntry,
  type JsonObject,
  verifyJournal,
  type VerifyJournalResult,
} from '../../ledger/core/index.js';
import { frontierOf, testKeys } from '../../ledger/core/testing/journal-fixtures.js';
import { createDrawCheck, DRAW_CHECK_KIND, type DrawCheck, type DrawCheckOptions } from './draw-check.js';
import type { DrawResultPayload } from './draw-entries.js';
import { SEAL_ALGORITHM } from './draw-algorithm.js';
import { drawJournalAdapter } from './draw-journal-adapter.js';
import { pickWinners } from './pick-winners.js';
import { DrawJournalBuilder } from './testing/draw-journal-builder.js';
import { sampleSalesMapping } from './testing/sample-sales-mapping.js';
import { seededBytes } from './testing/seeded-bytes.js';

/**
 * Two raffles, an early-bird seal part-way through sales, the main seal after sales closed, the main
 * prize, three consolation prizes from the same set, and a redraw of the main prize.
 */
async function buildRaffle(): Promise<{ builder: DrawJournalBuilder; seqs: Record<string, number> }> {
  const b = new DrawJournalBuilder();
  const seqs: Record<string, number> = {};
  const orders: string[] = [];
  let next = 1;
  const sell = (size: number) => {
    orders.push(b.sell('r1', next, next + size - 1));
    next += size;
  };
  b.noise();
  for (let i = 0; i < 40; i++) {
    sell([1, 5, 30][i % 3]);
    if (i % 7 === 0) b.sell('r2', i + 1, i + 1); // another raffle, same numbers: never mixed in
    if (i % 11 === 5) b.noise();
  }
  b.voidOrder(orders[3]);
  b.voidOrder(orders[17]);
  const earlyBirdCutoff = b.size;
  // Sales go on after the early-bird cut-off; one early order is voided before the early-bird seal.
  for (let i = 0; i < 10; i++) sell([5, 30][i % 2]);
  seqs.ebVoid = b.size;
  b.voidOrder(orders[20]);
  seqs.ebSeal = b.size;
  b.seal({
    raffleId: 'r1',
    sealId: 'seal-eb',
    prizeIds: ['early-bird'],
    cutoff: earlyBirdCutoff,
    signed: true,
  });
  const eb = await b.draw({ sealId: 'seal-eb', prizeId: 'early-bird', drawId: 'draw-eb', exclusion: 'none' });
  seqs.ebDraw = b.size - 1; // after its RNG_REQUEST
  for (let i = 0; i < 20; i++) sell([1, 5, 30][i % 3]);
  seqs.mainVoid = b.size;
  b.voidOrder(orders[45]);
  b.noise();
  b.sell('r2', 500, 520);
  // The service read the journal here, then two more entries were integrated before the seal.
  const ledgerSize = b.size;
  b.noise();
  b.sell('r2', 600, 601);
  seqs.mainSeal = b.size;
  b.seal({
    raffleId: 'r1',
    sealId: 'seal-main',
    prizeIds: ['main', 'consolation'],
    ledgerSize,
    signed: true,
  });
  const main = await b.draw({
    sealId: 'seal-main',
    prizeId: 'main',
    drawId: 'draw-main',
    exclusion: 'raffle',
    excluded: eb.tickets,
  });
  seqs.mainDraw = b.size - 1;
  const consolation = await b.draw({
    sealId: 'seal-main',
    prizeId: 'consolation',
    drawId: 'draw-consolation',
    k: 3,
    exclusion: 'raffle',
    excluded: [...eb.tickets, ...main.tickets],
  });
  seqs.consolation = b.size - 1;
  seqs.redraw = b.size + 1;
  await b.redraw({
    sealId: 'seal-main',
    prizeId: 'main',
    drawId: 'draw-main-2',
    replaces: { drawId: 'draw-main', ticket: main.tickets[0], reason: 'winner ineligible: employee' },
    exclusion: 'seal',
    excluded: [...main.tickets, ...consolation.tickets],
  });
  return { builder: b, seqs };
}

async function verify(
  entries: JournalEntry[],
  options: DrawCheckOptions = {},
  start = 0,
): Promise<{ result: VerifyJournalResult; check: DrawCheck }> {
  // A partial export starts after some sales: voids of those orders cannot be placed, and are skipped.
  const check = createDrawCheck(
    drawJournalAdapter(sampleSalesMapping({ skipUnknownOrders: start > 0 })),
    options,
  );
  const startOption =
    start === 0
      ? {}
      : { start: { frontier: frontierOf(entries.slice(0, start)), prevHash: entries[start - 1].hash } };
  const result = await verifyJournal(entries.slice(start).map(exportLine), {
    entryChecks: [check],
    ...startOption,
  });
  return { result, check };
}

function tampered(
  drafts: readonly EntryDraft[],
  seq: number,
  change: (payload: JsonObject) => void,
): EntryDraft[] {
  const copy = drafts.map((d) => ({ ...d, payload: JSON.parse(JSON.stringify(d.payload)) as JsonObject }));
  change(copy[seq].payload);
  return copy;
}

describe('createDrawCheck: recomputing every seal and draw of a journal', () => {
  let built: Awaited<ReturnType<typeof buildRaffle>>;
  beforeAll(async () => {
    built = await buildRaffle();
  });

  it('passes an honest journal and recomputes everything in it', async () => {
    const { result, check } = await verify(built.builder.entries(), {
      checkpointVerifiers: [testKeys().verifier],
    });
    expect(result.problems).toEqual([]);
    expect(result.ok).toBe(true);
    expect(check.summary()).toEqual({
      seals: 2,
      sealsRecomputed: 2,
      draws: 4,
      drawsReplayed: 4,
      redraws: 1,
      uncertifiedDraws: 4,
      notChecked: [],
      rngRequestsPending: [],
      rngRequestsAbandoned: [],
    });
  });

  it('passes without verifier keys, saying that checkpoint signatures were not checked', async () => {
    const { result, check } = await verify(built.builder.entries());
    expect(result.ok).toBe(true);
    expect(check.summary().notChecked).toEqual([
      `seal seal-eb (entry ${built.seqs.ebSeal}): checkpoint signature not checked (no verifier key given)`,
      `seal seal-main (entry ${built.seqs.mainSeal}): checkpoint signature not checked (no verifier key given)`,
    ]);
  });

  async function problemsAfter(drafts: EntryDraft[]): Promise<VerifyJournalResult> {
    const { result } = await verify(built.builder.entries(drafts), {
      checkpointVerifiers: [testKeys().verifier],
    });
    expect(result.ok).toBe(false);
    for (const p of result.problems) expect(p.kind).toBe(DRAW_CHECK_KIND);
    return result;
  }

  it('fails at the draw entry when its random bytes are changed', async () => {
    const drafts = tampered(built.builder.drafts, built.seqs.mainDraw, (p) => {
      const calls = (p as unknown as DrawResultPayload).rngCalls;
      const last = calls[calls.length - 1];
      last.bytes =
        (parseInt(last.bytes.slice(0, 2), 16) ^ 0x01).toString(16).padStart(2, '0') + last.bytes.slice(2);
    });
    const result = await problemsAfter(drafts);
    expect(result.firstBadSeq).toBe(built.seqs.mainDraw);
    expect(result.problems[0].message).toMatch(
      new RegExp(
        `^entry ${built.seqs.mainDraw}: draw draw-main \\(prize main of raffle r1\\): (winner 1: journal says ticket \\d+|the journaled RNG calls do not replay)`,
      ),
    );
  });

  it('fails at the draw entry when its winner is changed', async () => {
    const drafts = tampered(built.builder.drafts, built.seqs.ebDraw, (p) => {
      (p as unknown as DrawResultPayload).tickets[0] += 1;
    });
    const result = await problemsAfter(drafts);
    expect(result.firstBadSeq).toBe(built.seqs.ebDraw);
    expect(result.problems[0].message).toContain(
      'draw draw-eb (prize early-bird of raffle r1): winner 1: journal says ticket',
    );
  });

  it('fails at the draw entry when other random bytes replay coherently to another winner', async () => {
    // A forgery the replay alone cannot see: other bytes, with the positions and winners they give.
    const { set } = built.builder.sets.get('seal-main')!;
    const genuine = built.builder.drafts[built.seqs.mainDraw].payload as unknown as DrawResultPayload;
    const forged = await pickWinners({
      ranges: set.ranges,
      k: genuine.k,
      repeats: genuine.repeats,
      excluded: genuine.excluded,
      source: seededBytes('forged'),
    });
    expect(forged.tickets).not.toEqual(genuine.tickets);
    const drafts = tampered(built.builder.drafts, built.seqs.mainDraw, (p) => {
      Object.assign(p, { rngCalls: forged.rngCalls, positions: forged.positions, tickets: forged.tickets });
    });
    const result = await problemsAfter(drafts);
    // The replay alone finds nothing at the draw: only the binding does (later draws then exclude
    // the genuine winner where the rule now says the forged one).
    expect(result.firstBadSeq).toBe(built.seqs.mainDraw);
    expect(result.problems.filter((p) => p.seq === built.seqs.mainDraw)).toHaveLength(1);
    expect(result.problems[0].message).toMatch(
      new RegExp(
        `^entry ${built.seqs.mainDraw}: draw draw-main is not what its RNG request rng_draw-main \\(entry ${built.seqs.mainDraw - 1}\\) served: .*bytesSha256 [0-9a-f]{64} requested, [0-9a-f]{64} drawn$`,
      ),
    );
  });

  it('fails when a draw names no journaled RNG request, or one another draw used', async () => {
    const withoutRequest = built.builder.drafts.filter((_, seq) => seq !== built.seqs.mainDraw - 1);
    let result = await problemsAfter(withoutRequest);
    expect(result.problems[0].seq).toBe(built.seqs.mainDraw - 1);
    expect(result.problems[0].message).toContain(
      'draw draw-main: its RNG request rng_draw-main is not journaled before it',
    );
    const reused = tampered(built.builder.drafts, built.seqs.consolation, (p) => {
      p.rngRequestId = 'rng_draw-main';
    });
    result = await problemsAfter(reused);
    expect(result.problems[0].seq).toBe(built.seqs.consolation);
    expect(result.problems[0].message).toContain(
      'draw draw-consolation: RNG request rng_draw-main was used already by draw draw-main',
    );
    const none = tampered(built.builder.drafts, built.seqs.ebDraw, (p) => {
      p.rngRequestId = null;
    });
    result = await problemsAfter(none);
    expect(result.problems[0].message).toContain('payload.rngRequestId: must name the RNG request');
  });

  const extraSale = (first: number): EntryDraft => ({
    ...built.builder.drafts[1],
    payload: { orderId: 'ord_x', raffleId: 'r1', first, last: first + 4, priceMinor: 1000 },
  });

  it('fails at the seal when a sale is slipped in before it', async () => {
    const drafts = [...built.builder.drafts];
    // The main seal read the journal at tree size mainSeal - 2: insert a sale before that.
    drafts.splice(built.seqs.mainSeal - 3, 0, extraSale(10_000));
    const result = await problemsAfter(drafts);
    const sealSeq = built.seqs.mainSeal + 1;
    expect(result.firstBadSeq).toBe(sealSeq);
    expect(result.problems[0].message).toContain('seal seal-main of raffle r1 does not match its sales');
    expect(result.problems[0].message).toMatch(/count \d+ journaled, \d+ recomputed/);
    expect(result.problems[0].message).toContain('journal root at tree size');
  });

  it('reports sales journaled after the cut-off of the seal that closed sales (DRAW-2)', async () => {
    const drafts = [...built.builder.drafts];
    // After the journal was read for the seal, but before the seal entry; and after the seal.
    drafts.splice(built.seqs.mainSeal - 1, 0, extraSale(10_000));
    drafts.splice(built.seqs.mainSeal + 2, 0, extraSale(20_000));
    const result = await problemsAfter(drafts);
    expect(result.problems.map((p) => p.seq)).toEqual([built.seqs.mainSeal + 1, built.seqs.mainSeal + 2]);
    expect(result.problems[0].message).toContain(
      'but 1 sale(s) were journaled after that and before the seal, and are in no draw set (DRAW-2): tickets 10000-10004',
    );
    expect(result.problems[1].message).toContain(
      'sells tickets 20000-20004 of raffle r1 after seal seal-main',
    );
  });

  it('fails at the seal when a void is removed before it', async () => {
    const drafts = [...built.builder.drafts];
    drafts.splice(built.seqs.mainVoid, 1);
    const result = await problemsAfter(drafts);
    expect(result.firstBadSeq).toBe(built.seqs.mainSeal - 1);
    expect(result.problems[0].message).toContain('seal seal-main of raffle r1 does not match its sales');
  });

  it('replays the early-bird cut-off: a seal that took a later sale fails', async () => {
    const drafts = tampered(built.builder.drafts, built.seqs.ebSeal, (p) => {
      (p.cutoff as { treeSize: number }).treeSize += 1;
    });
    const result = await problemsAfter(drafts);
    expect(result.firstBadSeq).toBe(built.seqs.ebSeal);
    expect(result.problems[0].message).toMatch(/count \d+ journaled, \d+ recomputed/);
  });

  it('fails when the excluded tickets do not follow the exclusion rule', async () => {
    const drafts = tampered(built.builder.drafts, built.seqs.consolation, (p) => {
      (p as unknown as DrawResultPayload).exclusion = 'seal'; // would let the early-bird winner win again
    });
    const result = await problemsAfter(drafts);
    expect(result.firstBadSeq).toBe(built.seqs.consolation);
    expect(result.problems[0].message).toMatch(/excluded tickets are .*; exclusion 'seal' gives/);
  });

  it('refuses a second draw of the same prize, and a redraw of a ticket that is not a winner', async () => {
    const b = (await buildRaffle()).builder;
    const main = b.results.get('draw-main')!;
    const seq = b.size;
    await b.draw({
      sealId: 'seal-main',
      prizeId: 'main',
      drawId: 'draw-main-again',
      exclusion: 'none',
      excluded: [main.tickets[0]],
    });
    await b.redraw({
      sealId: 'seal-main',
      prizeId: 'main',
      drawId: 'draw-main-3',
      replaces: { drawId: 'draw-main', ticket: 1, reason: 'x' },
      excluded: [],
    });
    const { result } = await verify(b.entries());
    // Each draw entry follows its RNG_REQUEST entry.
    expect(result.problems.map((p) => p.seq)).toEqual([seq + 1, seq + 3]);
    expect(result.problems[0].message).toContain('prize main was already drawn by draw draw-main');
    expect(result.problems[1].message).toContain(
      'replaces ticket 1, which is not a current winner of draw draw-main',
    );
  });

  it('reports a void the sales mapping cannot place, at its entry', async () => {
    const drafts = [...built.builder.drafts];
    drafts.splice(2, 0, {
      ...drafts[1],
      type: 'ORDER_VOIDED',
      payload: { orderId: 'ord_unknown', raffleId: 'r1' },
    });
    const { result } = await verify(built.builder.entries(drafts));
    expect(result.problems[0]).toEqual({
      seq: 2,
      kind: DRAW_CHECK_KIND,
      message: 'entry 2: void mapping: voids order ord_unknown, which was never sold',
    });
  });

  it('on a partial export, recomputes nothing it cannot and says so', async () => {
    const entries = built.builder.entries();
    const { result, check } = await verify(entries, {}, 10);
    expect(result.ok).toBe(true);
    const summary = check.summary();
    expect([summary.seals, summary.sealsRecomputed, summary.draws, summary.drawsReplayed]).toEqual([
      2, 0, 4, 0,
    ]);
    expect(summary.notChecked.join('\n')).toContain(
      'the journal read starts at entry 10, so its sales are incomplete',
    );
  });
});

describe('createDrawCheck: a set sealed during sales counts offline sales by the time the device recorded (fairdraw-seal-v2)', () => {
  /**
   * Online sales, then the cut-off at entry `cutoff`; after it, online sales go on and a device uploads
   * what it sold: one sale recorded before the cut-off, one after.
   */
  function journalWithLateUpload() {
    const b = new DrawJournalBuilder();
    b.sell('r1', 1, 5);
    b.sell('r1', 6, 6, b.timeAt(0)); // recorded at a device and uploaded before the cut-off
    b.sell('r1', 7, 11);
    const cutoff = b.size;
    const cutoffTime = Date.parse(b.timeAt(cutoff)) - 1;
    b.sell('r1', 12, 41); // online, after the cut-off
    const before = b.sell('r1', 42, 46, new Date(cutoffTime - 60_000).toISOString()); // device: before
    b.sell('r1', 47, 47, new Date(cutoffTime + 1).toISOString()); // device: after the cut-off
    expect(before).toBe('ord_5');
    b.voidOrder('ord_3'); // a void after the cut-off still takes its tickets out
    b.noise();
    return { b, cutoff };
  }

  it('recomputes the set with the late-uploaded sale recorded before the cut-off, not the one after', async () => {
    const { b, cutoff } = journalWithLateUpload();
    const seal = b.seal({ raffleId: 'r1', sealId: 'eb', prizeIds: ['eb'], cutoff, deviceTime: true });
    expect(seal.algorithm).toMatch(/^fairdraw-seal-v2: /);
    // 1-6 in (6 uploaded before the cut-off), 7-11 voided, 42-46 recorded before the cut-off.
    expect(
      b.sets
        .get('eb')!
        .set.ranges.toArray()
        .map((r) => [r.first, r.last]),
    ).toEqual([
      [1, 6],
      [42, 46],
    ]);
    await b.draw({ sealId: 'eb', prizeId: 'eb', drawId: 'd-eb', k: 2 });
    const { result, check } = await verify(b.entries());
    expect(result.problems).toEqual([]);
    expect(check.summary()).toMatchObject({ seals: 1, sealsRecomputed: 1, draws: 1, drawsReplayed: 1 });
  });

  it('fails a v2 seal whose upload is forged to another recorded time, and a v1 seal that counts it', async () => {
    const { b, cutoff } = journalWithLateUpload();
    const seal = b.seal({ raffleId: 'r1', sealId: 'eb', prizeIds: ['eb'], cutoff, deviceTime: true });
    const sealSeq = b.size - 1;
    const lateSale = b.drafts.findIndex((d) => d.payload.first === 42);
    // The device's time moved past the cut-off: the sale is no longer in the journaled set.
    const moved = tampered(b.drafts, lateSale, (p) => {
      p.soldAt = new Date(Date.parse(seal.cutoff.time) + 1).toISOString();
    });
    const { result } = await verify(b.entries(moved));
    expect(result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        new RegExp(
          // (The rewrite before the seal changes the journal root it names as well.)
          `^entry ${sealSeq}: seal eb: journal root .*; seal eb of raffle r1 does not match its sales \\(entries before ${cutoff}, and sales recorded at a device before ${seal.cutoff.time} journaled before ${sealSeq}\\) and voids \\(entries before ${sealSeq}\\): count 11 journaled, 6 recomputed`,
        ),
      ),
    ]);
    // The same set named as v1 (sales by their place in the journal only) does not recompute.
    const v1 = tampered(b.drafts, sealSeq, (p) => {
      p.algorithm = SEAL_ALGORITHM;
    });
    const named = await verify(b.entries(v1));
    expect(named.result.problems.map((p) => p.message)).toEqual([
      expect.stringMatching(
        /^entry \d+: seal eb of raffle r1 does not match its sales \(entries before \d+\) and voids \(entries before \d+\): count 11 journaled, 6 recomputed/,
      ),
    ]);
  });
});

/**
 * RNG requests committed before their draw (docs/draws.md 7, 11.1): each names the draw it is for, a
 * draw retried after a crash reuses it, and a request given up is journaled as abandoned.
 */
describe('createDrawCheck: RNG requests committed before their draw', () => {
  async function sealed(): Promise<DrawJournalBuilder> {
    const b = new DrawJournalBuilder();
    let next = 1;
    for (let i = 0; i < 12; i++) {
      b.sell('r1', next, next + 4);
      next += 5;
    }
    b.seal({ raffleId: 'r1', sealId: 'seal-main', prizeIds: ['main', 'second'], signed: true });
    return b;
  }

  async function run(b: DrawJournalBuilder, drafts: readonly EntryDraft[] = b.drafts) {
    return verify(b.entries(drafts), { checkpointVerifiers: [testKeys().verifier] });
  }

  it('passes a draw that used the request committed before a crash, with nothing pending', async () => {
    const b = await sealed();
    const drawn = await b.request({ sealId: 'seal-main', prizeId: 'main', drawId: 'draw-main' });
    b.noise(); // the process was killed here; the next run reuses the committed request
    b.drawWith(drawn);
    await b.redraw({
      sealId: 'seal-main',
      prizeId: 'main',
      drawId: 'draw-main-2',
      replaces: { drawId: 'draw-main', ticket: drawn.tickets[0], reason: 'winner ineligible: staff' },
      excluded: drawn.tickets,
      bound: true,
    });
    const { result, check } = await run(b);
    expect(result.problems).toEqual([]);
    expect(check.summary()).toMatchObject({
      drawsReplayed: 2,
      rngRequestsPending: [],
      rngRequestsAbandoned: [],
    });
  });

  it('lists a request no draw used yet as pending (a warning), and fails fresh bytes drawn past it', async () => {
    const b = await sealed();
    await b.request({ sealId: 'seal-main', prizeId: 'main', drawId: 'draw-main' });
    let { result, check } = await run(b);
    expect(result.problems).toEqual([]);
    expect(check.summary().rngRequestsPending).toEqual([
      `RNG request rng_draw-main (entry ${b.size - 1}) for raffle/r1 prize main, draw draw-main: no draw used it yet`,
    ]);
    // A re-roll: the run after the crash asked for fresh bytes instead of using the committed ones.
    const pendingSeq = b.size - 1;
    await b.draw({ sealId: 'seal-main', prizeId: 'main', drawId: 'draw-main-b', seed: 'other', bound: true });
    ({ result, check } = await run(b));
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0].seq).toBe(pendingSeq + 1);
    expect(result.problems[0].message).toContain(
      `RNG request rng_draw-main-b draws fresh bytes for raffle/r1 prize main while request rng_draw-main ` +
        `(entry ${pendingSeq}) for the same draw was neither used nor abandoned: a re-roll`,
    );
    expect(check.summary().rngRequestsPending).toEqual([]);
  });

  it('lists an abandoned request (a warning) when the pool changed, and fails one abandoned for nothing', async () => {
    const b = await sealed();
    const first = await b.request({ sealId: 'seal-main', prizeId: 'main', drawId: 'draw-main' });
    const requestSeq = b.size - 1;
    // Another prize of the raffle was drawn in between: the main prize's pool lost its winner.
    const second = await b.draw({
      sealId: 'seal-main',
      prizeId: 'second',
      drawId: 'draw-second',
      bound: true,
    });
    const abandonAt = b.size;
    b.abandon('r1', 'rng_draw-main', 'main', 'draw-main', 'the pool changed before the draw');
    const honest = b.drafts.length;
    await b.draw({
      sealId: 'seal-main',
      prizeId: 'main',
      drawId: 'draw-main-b',
      exclusion: 'raffle',
      excluded: second.tickets,
      bound: true,
    });
    const { result, check } = await run(b);
    expect(result.problems).toEqual([]);
    expect(check.summary().rngRequestsAbandoned).toEqual([
      `RNG request rng_draw-main (entry ${requestSeq}) for raffle/r1 prize main, 1 of ${first.sealed.count}: ` +
        `abandoned at entry ${abandonAt} (the pool changed before the draw)`,
    ]);

    // Abandoned although the draw finally made asks the same question: its bytes were re-rolled.
    const c = await sealed();
    await c.request({ sealId: 'seal-main', prizeId: 'main', drawId: 'draw-main' });
    c.abandon('r1', 'rng_draw-main', 'main', 'draw-main', 'the pool changed before the draw');
    await c.draw({ sealId: 'seal-main', prizeId: 'main', drawId: 'draw-main-b', seed: 'other', bound: true });
    const rerolled = await run(c);
    expect(rerolled.result.problems).toHaveLength(1);
    expect(rerolled.result.problems[0].message).toContain(
      `for raffle/r1 prize main was abandoned at entry ${c.size - 3}, yet the draw made with request rng_draw-main-b ` +
        `asks the same question (1 of ${first.sealed.count}): the abandoned bytes were re-rolled`,
    );

    // A draw may not use an abandoned request, and an abandonment must name the request's draw.
    const usesAbandoned = b.drafts.slice(0, honest);
    usesAbandoned.push({
      ...b.drafts[honest + 1],
      payload: { ...first, drawId: 'draw-main' } as unknown as JsonObject,
    });
    const used = await run(b, usesAbandoned);
    expect(used.result.problems[0].message).toContain(
      `draw draw-main: RNG request rng_draw-main was abandoned at entry ${abandonAt} (the pool changed before the draw)`,
    );
    const misnamed = tampered(b.drafts, abandonAt, (p) => {
      p.prizeId = 'second';
    });
    const wrong = await run(b, misnamed);
    expect(wrong.result.problems[0].seq).toBe(abandonAt);
    expect(wrong.result.problems[0].message).toContain(
      `abandons RNG request rng_draw-main (entry ${requestSeq}) as for prize second, draw draw-main, but it was journaled for prize main, draw draw-main`,
    );
  });

  it('fails a draw whose request was journaled for another prize or draw', async () => {
    const b = await sealed();
    const drawn = await b.draw({ sealId: 'seal-main', prizeId: 'main', drawId: 'draw-main', bound: true });
    expect(drawn.k).toBe(1);
    for (const [change, difference] of [
      [(p: JsonObject) => ((p.draw as JsonObject).prizeId = 'second'), 'prize second requested, main drawn'],
      [
        (p: JsonObject) => ((p.draw as JsonObject).drawId = 'draw-x'),
        'draw id draw-x requested, draw-main drawn',
      ],
      [
        (p: JsonObject) => ((p.draw as JsonObject).replaces = { drawId: 'draw-0', ticket: 3 }),
        'replaces {"drawId":"draw-0","ticket":3} requested, null drawn',
      ],
    ] as const) {
      const { result } = await run(b, tampered(b.drafts, b.size - 2, change));
      expect(result.problems).toHaveLength(1);
      expect(result.problems[0].seq).toBe(b.size - 1);
      expect(result.problems[0].message).toBe(
        `entry ${b.size - 1}: draw draw-main uses RNG request rng_draw-main (entry ${b.size - 2}), journaled for another draw: ${difference}`,
      );
    }
  });
});
