import { chainEntries, ZERO_HASH } from '../../ledger/core/index.js';
import { DRAW_ALGORITHM } from './draw-algorithm.js';
import {
  drawRedrawnDraft,
  drawResultDraft,
  drawSealedDraft,
  liveDrawPayload,
  readDrawRedrawn,
  readDrawResult,
  readDrawSealed,
} from './draw-entries.js';
import { DrawFormatError } from './draw-format-error.js';
import { DrawJournalBuilder } from './testing/draw-journal-builder.js';
import { mutations } from './testing/json-mutations.js';

async function payloads() {
  const b = new DrawJournalBuilder();
  b.sell('r1', 1, 30);
  b.sell('r1', 31, 35);
  const seal = b.seal({ raffleId: 'r1', sealId: 's1', prizeIds: ['main'], signed: true });
  const result = await b.draw({ sealId: 's1', prizeId: 'main', drawId: 'd1', k: 2 });
  const redraw = await b.redraw({
    sealId: 's1',
    prizeId: 'main',
    drawId: 'd2',
    replaces: { drawId: 'd1', ticket: result.tickets[0], reason: 'unclaimed' },
    excluded: [...result.tickets],
  });
  return { seal, result, redraw };
}

describe('draw journal entries', () => {
  it('make drafts the ledger accepts, which read back unchanged', async () => {
    const { seal, result, redraw } = await payloads();
    const drafts = [drawSealedDraft(seal), drawResultDraft(result), drawRedrawnDraft(redraw)];
    expect(drafts.map((d) => [d.type, d.subject])).toEqual([
      ['DRAW_SEALED', 'raffle/r1'],
      ['DRAW_RESULT', 'raffle/r1'],
      ['DRAW_REDRAWN', 'raffle/r1'],
    ]);
    const entries = chainEntries(
      ZERO_HASH,
      0,
      drafts.map((d) => ({ ...d, time: '2026-11-23T08:00:00.000Z' })),
    );
    expect(readDrawSealed(entries[0].payload)).toEqual(seal);
    expect(readDrawResult(entries[1].payload)).toEqual(result);
    expect(readDrawRedrawn(entries[2].payload)).toEqual(redraw);
  });

  it('refuse payloads with a wrong member or type, naming the field', async () => {
    const { seal, result, redraw } = await payloads();
    const cases: [unknown, (p: unknown) => unknown][] = [
      [seal, readDrawSealed],
      [result, readDrawResult],
      [redraw, readDrawRedrawn],
    ];
    for (const [payload, read] of cases) {
      for (const { label, value } of mutations(payload)) {
        // Value changes that keep the shape are the recomputation's business, not the reader's.
        if (!/removed|extra member|fractional|negative|as string|object instead|changed$/.test(label))
          continue;
        if (/(Ids?|identity|provider|reason|algorithm|checkpoint)(\[\d+\])?: changed$/.test(label)) continue;
        let error: unknown;
        try {
          read(value);
        } catch (e) {
          error = e;
        }
        expect({ label, error: error instanceof DrawFormatError }).toEqual({ label, error: true });
      }
    }
  });

  it('refuse a redraw of more than one winner, and unordered exclusions', async () => {
    const { result, redraw } = await payloads();
    expect(() => readDrawRedrawn({ ...redraw, k: 2, positions: [0, 1], tickets: [1, 2] })).toThrow(
      'a redraw replaces one winner',
    );
    expect(() => readDrawResult({ ...result, excluded: [5, 3] })).toThrow(
      'payload.excluded: must be strictly ascending',
    );
    expect(() => readDrawResult({ ...result, tickets: [1] })).toThrow('k is 2');
  });

  it('require the RNG request of a draw with winners, and none for a draw of none', async () => {
    const { result } = await payloads();
    expect(() => readDrawResult({ ...result, rngRequestId: null })).toThrow(
      'payload.rngRequestId: must name the RNG request',
    );
    const none = { ...result, k: 0, positions: [], tickets: [], rngCalls: [] };
    expect(() => readDrawResult(none)).toThrow('payload.rngRequestId: must name the RNG request');
    expect(readDrawResult({ ...none, rngRequestId: null }).rngRequestId).toBeNull();
  });

  it("build a live draw's payload with the members of section 5, in the order the service journals them", () => {
    const sealed = { count: 35, rangeCount: 2, root: 'ab'.repeat(32) };
    const rng = { provider: 'os', certified: false, identity: 'os:node-crypto' };
    const rngCalls = [{ byteCount: 4, bytes: '00112233' }];
    const payload = liveDrawPayload({
      raffleId: 'r1',
      prizeId: 'main',
      sealId: 's1',
      sealed,
      random: { drawId: 'd1', requestId: 'rng_d1', calls: rngCalls, rng },
      selection: { k: 1, exclusion: 'seal', excluded: [4, 9] },
      winners: { positions: [6], tickets: [8] },
      drawnAt: new Date('2026-11-23T08:00:00.000Z'),
    });
    // To the byte what the service built before this builder: members, order and values (the journal keeps
    // RFC 8785 canonical JSON, so the order cannot reach it; members and values do).
    expect(JSON.stringify(payload)).toBe(
      '{"raffleId":"r1","prizeId":"main","sealId":"s1","drawId":"d1",' +
        `"algorithm":${JSON.stringify(DRAW_ALGORITHM)},` +
        `"sealed":{"count":35,"rangeCount":2,"root":"${'ab'.repeat(32)}"},` +
        '"rng":{"provider":"os","certified":false,"identity":"os:node-crypto"},"rngRequestId":"rng_d1",' +
        '"rngCalls":[{"byteCount":4,"bytes":"00112233"}],"k":1,"repeats":false,"exclusion":"seal",' +
        '"excluded":[4,9],"positions":[6],"tickets":[8],"drawnAt":"2026-11-23T08:00:00.000Z"}',
    );
    expect(readDrawResult(payload)).toEqual(payload);
  });
});
