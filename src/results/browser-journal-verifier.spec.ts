// The journal side of the browser verifier against the ledger core: RFC 8785 canonical JSON, entry
// hashes, RFC 9162 inclusion in a checkpoint's tree and the checkpoint's Ed25519 signed-note signature
// (WebCrypto), on journals written by the core and tampered one field at a time.

import fc from 'fast-check';
import { buildDrawProof, verifyDrawProof } from '../draw/core/draw-proof.js';
import { readDrawResult } from '../draw/core/draw-entries.js';
import { readRngRequest, rngBindingProblems } from '../draw/core/rng-request.js';
import { pickWinners } from '../draw/core/pick-winners.js';
import { seededBytes } from '../draw/core/testing/seeded-bytes.js';
import { DrawJournalBuilder } from '../draw/core/testing/draw-journal-builder.js';
import { chainEntries, ZERO_HASH } from '../ledger/core/entry.js';
import {
  canonicalJson,
  hashFromHex,
  JsonValueError,
  type JournalEntry,
  MerkleTree,
  toHex,
} from '../ledger/core/index.js';
import { formatSignerKey, parseSignerKey } from '../ledger/core/note-keys.js';
import {
  makeJournal,
  signedCheckpointOf,
  TEST_ORIGIN,
  testKeys,
} from '../ledger/core/testing/journal-fixtures.js';
import * as browser from './public/verifier/index.js';

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

/** A raffle journal with a seal, a draw and a redraw, published as GET /v1/draws/{id}/proof would. */
async function published(sealCheckpoint: 'signed' | 'by another key' | 'none' = 'signed', bound = false) {
  const b = new DrawJournalBuilder();
  let next = 1;
  for (let i = 0; i < 25; i++) {
    const order = b.sell('r1', next, next + [1, 5, 30][i % 3] - 1);
    next += [1, 5, 30][i % 3] + (i % 5 === 0 ? 2 : 0);
    if (i % 7 === 3) b.voidOrder(order);
    if (i % 4 === 0) b.noise();
  }
  const seal = b.seal({
    raffleId: 'r1',
    sealId: 's1',
    prizeIds: ['main', 'second', 'third'],
    signed: sealCheckpoint !== 'none',
  });
  if (sealCheckpoint === 'by another key') {
    // Same key name, another key. The payload object is the one the builder journals and proves.
    const impostor = parseSignerKey(formatSignerKey(TEST_ORIGIN, Buffer.alloc(32, 7)));
    seal.ledger.checkpoint = signedCheckpointOf(b.entries(), seal.ledger.treeSize, impostor);
  }
  const main = await b.draw({ sealId: 's1', prizeId: 'main', drawId: 'd1', k: 2, bound });
  await b.draw({ sealId: 's1', prizeId: 'second', drawId: 'd2', excluded: main.tickets, bound });
  // A draw of no winner asks the RNG for nothing: no RNG_REQUEST.
  await b.draw({ sealId: 's1', prizeId: 'third', drawId: 'd3', k: 0 });
  b.noise();
  const { set } = b.sets.get('s1')!;
  const publish = (entries: JournalEntry[]) => {
    const tree = new MerkleTree(entries.map((e) => hashFromHex(e.hash)));
    const { signer, verifierKey } = testKeys();
    const checkpoint = signedCheckpointOf(entries, entries.length, signer);
    const at = (e: JournalEntry) => ({
      entry: e,
      inclusion: {
        leafIndex: e.seq,
        treeSize: entries.length,
        leafHash: e.hash,
        path: tree.inclusionProof(e.seq).map(toHex),
      },
    });
    const sealEntry = entries.find((e) => e.type === 'DRAW_SEALED')!;
    const drawEntry = (drawId: string) =>
      entries.find((e) => e.type === 'DRAW_RESULT' && e.payload.drawId === drawId)!;
    const rngEntry = (requestId: string) =>
      entries.find((e) => e.type === 'RNG_REQUEST' && e.payload.requestId === requestId)!;
    const response = (drawId: string) => {
      const payload = drawEntry(drawId).payload as unknown as typeof main;
      return json({
        drawProof: buildDrawProof(set, seal, { kind: 'result', payload }),
        journal: {
          treeSize: entries.length,
          rootHash: toHex(tree.root()),
          checkpoint,
          verifierKey,
          seal: at(sealEntry),
          draw: at(drawEntry(drawId)),
          rngRequest: payload.rngRequestId === null ? null : at(rngEntry(payload.rngRequestId)),
        },
      });
    };
    return { main: response('d1'), second: response('d2'), none: response('d3'), verifierKey, entries };
  };
  const genuine = publish(b.entries());
  return {
    ...genuine,
    /** The journal rewritten by `change`, chained and signed again (a forger with the signing key). */
    rewritten: (change: (entries: JournalEntry[]) => void) => {
      const entries = genuine.entries.map((e) => json(e));
      change(entries);
      return publish(
        chainEntries(
          ZERO_HASH,
          0,
          entries.map((e) => ({ type: e.type, subject: e.subject, payload: e.payload, time: e.time })),
        ),
      );
    },
    /**
     * The journal rewritten as a forger with database access would: the main draw's random bytes
     * replaced by others (and the winners and positions they replay to), chained and signed again;
     * its RNG_REQUEST, which only the RNG module writes, left as it served the genuine draw.
     */
    forgedBytes: async () => {
      const entries = genuine.entries.map((e) => json(e));
      const forged = entries.find((e) => e.type === 'DRAW_RESULT' && e.payload.drawId === 'd1')!;
      const picked = await pickWinners({
        ranges: set.ranges,
        k: 2,
        repeats: false,
        excluded: [],
        source: seededBytes('forged'),
      });
      Object.assign(forged.payload, {
        rngCalls: picked.rngCalls,
        positions: picked.positions,
        tickets: picked.tickets,
      });
      return publish(
        chainEntries(
          ZERO_HASH,
          0,
          entries.map((e) => ({ type: e.type, subject: e.subject, payload: e.payload, time: e.time })),
        ),
      );
    },
  };
}

const statuses = (report: browser.PublishedDrawReport) =>
  Object.fromEntries(report.checks.map((c) => [c.id, c.status]));

describe('the browser verifier, journal side', () => {
  it('writes RFC 8785 canonical JSON exactly as the ledger does', () => {
    for (const entry of makeJournal(64))
      expect(browser.canonicalJson(entry.payload)).toBe(canonicalJson(entry.payload));
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        let expected: string;
        try {
          expected = canonicalJson(value);
        } catch (error) {
          if (error instanceof JsonValueError) return; // not a journal value (e.g. -0)
          throw error;
        }
        expect(browser.canonicalJson(value)).toBe(expected);
      }),
      { numRuns: 2000, seed: 6 },
    );
  });

  it('recomputes entry hashes as the ledger does', async () => {
    for (const entry of makeJournal(64)) expect(await browser.entryHash(entry)).toBe(entry.hash);
  });

  it('verifies a published draw completely, says which key checked the signature, and what it cannot check without one', async () => {
    const { main, second, none, verifierKey } = await published();
    for (const response of [main, second, none]) {
      const withKey = await browser.verifyPublishedDraw(response, { verifierKey });
      expect(withKey.checks.filter((c) => c.status !== 'pass')).toEqual([]);
      expect(withKey).toMatchObject({ ok: true, complete: true });
      expect(withKey.checks.find((c) => c.id === 'journal-rng')?.detail).toMatch(
        response === none
          ? /asked the RNG for nothing/
          : new RegExp(
              `request ${response.drawProof.draw.rngRequestId}: os \\(uncertified\\), \\d+ of \\d+, \\d+ bytes`,
            ),
      );
      expect(withKey.checks.find((c) => c.id === 'checkpoint-signature')?.detail).toMatch(
        /the key you supplied/,
      );
      const servedKey = await browser.verifyPublishedDraw(response);
      expect(servedKey).toMatchObject({ ok: true, complete: true });
      expect(servedKey.checks.find((c) => c.id === 'checkpoint-signature')?.detail).toMatch(
        /the key served with this proof/,
      );
      const noKey = await browser.verifyPublishedDraw({
        ...response,
        journal: { ...response.journal, verifierKey: '' },
      });
      expect(noKey).toMatchObject({ ok: true, complete: false });
      expect(noKey.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([
        ['checkpoint-signature', 'not-checked'],
        ['seal-checkpoint', 'not-checked'],
      ]);
    }
  });

  it('fails the journal check that a tampering breaks', async () => {
    const { main, second, none, verifierKey } = await published();
    const other = testKeys('fairdraw.other/ledger').verifierKey;
    const withRng = (response: typeof main, rngRequest: unknown) => ({
      ...response,
      journal: { ...response.journal, rngRequest },
    });
    const rng = main.journal.rngRequest!;
    const flip = (hex: string) => (hex[0] === '0' ? '1' : '0') + hex.slice(1);
    const resized = main.journal.checkpoint.replace(/\n(\d+)\n/, (_, n: string) => `\n${Number(n) + 1}\n`);
    const cases: [string, unknown, string | null, Record<string, string>][] = [
      [
        'seal entry payload changed',
        {
          ...main,
          journal: {
            ...main.journal,
            seal: {
              ...main.journal.seal,
              entry: {
                ...main.journal.seal.entry,
                payload: { ...main.journal.seal.entry.payload, count: 1 },
              },
            },
          },
        },
        verifierKey,
        { 'journal-seal': 'fail' },
      ],
      [
        'seal entry time changed',
        {
          ...main,
          journal: {
            ...main.journal,
            seal: {
              ...main.journal.seal,
              entry: { ...main.journal.seal.entry, time: '2027-01-01T00:00:00.000Z' },
            },
          },
        },
        verifierKey,
        { 'journal-seal': 'fail' },
      ],
      [
        'draw inclusion path changed',
        {
          ...main,
          journal: {
            ...main.journal,
            draw: {
              ...main.journal.draw,
              inclusion: { ...main.journal.draw.inclusion, path: main.journal.draw.inclusion.path.map(flip) },
            },
          },
        },
        verifierKey,
        { 'journal-draw': 'fail' },
      ],
      [
        'another draw’s entry',
        { ...main, journal: { ...main.journal, draw: second.journal.draw } },
        verifierKey,
        { 'journal-draw': 'fail' },
      ],
      [
        'the proof’s random bytes changed (not the journal’s)',
        {
          ...main,
          drawProof: {
            ...main.drawProof,
            draw: {
              ...main.drawProof.draw,
              rngCalls: main.drawProof.draw.rngCalls.map((c) => ({
                ...c,
                bytes: c.bytes.slice(0, -1) + (c.bytes.endsWith('0') ? '1' : '0'),
              })),
            },
          },
        },
        verifierKey,
        { 'rng-replay': 'fail', 'journal-draw': 'fail' },
      ],
      [
        'a checkpoint of another size',
        { ...main, journal: { ...main.journal, checkpoint: resized } },
        null,
        { checkpoint: 'fail' },
      ],
      [
        'a checkpoint of another size, with the published size to match',
        { ...main, journal: { ...main.journal, treeSize: main.journal.treeSize + 1, checkpoint: resized } },
        null,
        { 'journal-seal': 'fail' },
      ],
      [
        'the served key replaced by another',
        { ...main, journal: { ...main.journal, verifierKey: other } },
        null,
        { 'checkpoint-signature': 'fail' },
      ],
      [
        'the checkpoint text changed under its signature',
        {
          ...main,
          journal: { ...main.journal, checkpoint: main.journal.checkpoint.replace('time ', 'time  ') },
        },
        verifierKey,
        { 'checkpoint-signature': 'fail' },
      ],
      [
        'the RNG request’s bytes hash changed',
        withRng(main, {
          ...rng,
          entry: {
            ...rng.entry,
            payload: { ...rng.entry.payload, bytesSha256: flip(String(rng.entry.payload.bytesSha256)) },
          },
        }),
        verifierKey,
        { 'journal-rng': 'fail' },
      ],
      [
        'another draw’s RNG request',
        withRng(main, second.journal.rngRequest),
        verifierKey,
        { 'journal-rng': 'fail' },
      ],
      ['no RNG request for a draw with winners', withRng(main, null), verifierKey, { 'journal-rng': 'fail' }],
      [
        'the seal’s entry as the RNG request',
        withRng(main, main.journal.seal),
        verifierKey,
        { 'journal-rng': 'fail' },
      ],
      ['an RNG request for a draw of none', withRng(none, rng), verifierKey, { 'journal-rng': 'fail' }],
      [
        'a proof of before the RNG request was served (no rngRequest member)',
        json({ ...main, journal: { ...main.journal, rngRequest: undefined } }),
        verifierKey,
        { checkpoint: 'fail' },
      ],
      ['a key the checkpoint is not signed by', main, other, { 'checkpoint-signature': 'fail' }],
      ['a malformed key', main, 'not a key', { 'checkpoint-signature': 'fail' }],
    ];
    for (const [what, response, key, failed] of cases) {
      const report = await browser.verifyPublishedDraw(response, { verifierKey: key });
      const seen = Object.fromEntries(Object.entries(statuses(report)).filter(([, s]) => s === 'fail'));
      expect({ what, failed: seen, ok: report.ok }).toEqual({ what, failed, ok: false });
    }
  });

  it('catches other random bytes journaled with the winners they replay to, by the RNG request that served the draw', async () => {
    const { forgedBytes, verifierKey } = await published();
    const forged = await forgedBytes();
    expect(forged.main.drawProof.draw.tickets).not.toEqual((await published()).main.drawProof.draw.tickets);
    // Everything else is coherent: the reference's draw proof check replays the forged bytes...
    expect(verifyDrawProof(forged.main.drawProof as never).tickets).toEqual(
      forged.main.drawProof.draw.tickets,
    );
    const report = await browser.verifyPublishedDraw(forged.main, { verifierKey });
    // ... and only the binding to the RNG's own record fails, naming what differs.
    expect(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([
      ['journal-rng', 'fail'],
      ['checkpoint-signature', 'skipped'],
      ['seal-checkpoint', 'skipped'],
    ]);
    expect(report.checks.find((c) => c.id === 'journal-rng')?.detail).toMatch(
      /is not what its RNG request rng_d1 \(entry \d+\) served: .*bytesSha256 [0-9a-f]{64} requested, [0-9a-f]{64} drawn/,
    );
    // The offline verifier's binding check says the same of the same journal.
    const request = forged.entries.find((e) => e.type === 'RNG_REQUEST' && e.payload.requestId === 'rng_d1')!;
    expect(
      rngBindingProblems(readDrawResult(forged.main.journal.draw.entry.payload), {
        record: readRngRequest(request.payload),
        seq: request.seq,
      }),
    ).toEqual([expect.stringMatching(/bytesSha256/)]);
  });

  it('checks that an RNG request committed before its draw names this draw, as the reference does', async () => {
    const { main, rewritten, verifierKey } = await published('signed', true);
    expect(main.journal.rngRequest!.entry.payload.draw).toEqual({
      prizeId: 'main',
      drawId: 'd1',
      replaces: null,
    });
    const genuine = await browser.verifyPublishedDraw(main, { verifierKey });
    expect(genuine.ok).toBe(true);
    for (const [change, difference] of [
      [{ prizeId: 'second' }, 'prize second requested, main drawn'],
      [{ drawId: 'd2' }, 'draw id d2 requested, d1 drawn'],
      [
        { replaces: { drawId: 'd0', ticket: 1 } },
        'replaces {"drawId":"d0","ticket":1} requested, null drawn',
      ],
    ] as const) {
      const forged = rewritten((entries) => {
        const request = entries.find((e) => e.type === 'RNG_REQUEST' && e.payload.requestId === 'rng_d1')!;
        Object.assign(request.payload.draw as object, change);
      });
      const report = await browser.verifyPublishedDraw(forged.main, { verifierKey });
      expect(Object.entries(statuses(report)).filter(([, s]) => s === 'fail')).toEqual([
        ['journal-rng', 'fail'],
      ]);
      expect(report.checks.find((c) => c.id === 'journal-rng')?.detail).toBe(
        `the draw uses RNG request rng_d1 (entry ${forged.main.journal.rngRequest!.entry.seq}), journaled for another draw: ${difference}`,
      );
      const request = forged.main.journal.rngRequest!.entry;
      expect(
        rngBindingProblems(readDrawResult(forged.main.journal.draw.entry.payload), {
          record: readRngRequest(request.payload),
          seq: request.seq,
        }),
      ).toEqual([
        `draw d1 uses RNG request rng_d1 (entry ${request.seq}), journaled for another draw: ${difference}`,
      ]);
    }
  });

  it('names what is wrong with a response of another shape', async () => {
    const { main } = await published();
    const report = await browser.verifyPublishedDraw({ ...main, extra: 1 });
    expect(report.checks[0]).toMatchObject({
      id: 'format',
      status: 'fail',
      detail: expect.stringMatching(/unexpected extra/),
    });
    expect(report.checks.slice(1).every((c) => c.status === 'skipped')).toBe(true);
  });

  it('checks the checkpoint the seal journaled, with the same key', async () => {
    const impostor = await published('by another key');
    const report = await browser.verifyPublishedDraw(impostor.main, { verifierKey: impostor.verifierKey });
    expect(report.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([
      ['seal-checkpoint', 'fail'],
    ]);
    const unsigned = await published('none');
    const noCheckpoint = await browser.verifyPublishedDraw(unsigned.main);
    expect(noCheckpoint.checks.filter((c) => c.status !== 'pass').map((c) => [c.id, c.status])).toEqual([
      ['seal-checkpoint', 'not-checked'],
    ]);
    expect(noCheckpoint).toMatchObject({ ok: true, complete: false });
  });
});
