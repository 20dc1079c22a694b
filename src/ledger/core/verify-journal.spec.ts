import { CompactRange } from './compact-range.js';
import {
  canonicalExportLine,
  chainEntries,
  entryCanonicalText,
  exportLine,
  type JournalEntry,
} from './entry.js';
import { MerkleTree } from './merkle-tree.js';
import { hashFromHex } from './encoding.js';
import { emptyRoot } from './rfc9162.js';
import {
  exportLines,
  frontierOf,
  makeJournal,
  signedCheckpointOf,
  TEST_ORIGIN,
  testKeys,
} from './testing/journal-fixtures.js';
import {
  JournalVerifier,
  type SignedCheckpointInput,
  verifyJournal,
  type VerifyJournalOptions,
} from './verify-journal.js';

const journal = makeJournal(500);
const lines = exportLines(journal);
const { signer, verifier } = testKeys();
const checkpointsAt = (...sizes: number[]): SignedCheckpointInput[] =>
  sizes.map((size) => ({ source: `cp-${size}.txt`, note: signedCheckpointOf(journal, size, signer) }));
const withCheckpoints = (...sizes: number[]): VerifyJournalOptions => ({
  checkpoints: checkpointsAt(...sizes),
  verifiers: [verifier],
});

/** The export with entry `seq` replaced by `change(entry)`, written canonically (other lines untouched). */
function tampered(seq: number, change: (entry: JournalEntry) => JournalEntry): string[] {
  const copy = [...lines];
  const changed = change(structuredClone(journal[seq]));
  copy[seq] = canonicalExportLine(changed.hash, entryCanonicalText(changed));
  return copy;
}

async function* asyncLines(all: string[]): AsyncIterable<string> {
  yield* all;
}

describe('verifyJournal', () => {
  it('accepts a good export and rebuilds its Merkle root', async () => {
    const result = await verifyJournal(asyncLines(lines), withCheckpoints(1, 100, 256, 257, 500));
    expect(result.problems).toEqual([]);
    expect(result).toMatchObject({
      ok: true,
      entries: 500,
      firstSeq: 0,
      lastSeq: 499,
      treeSize: 500,
      problemsOmitted: 0,
    });
    expect(result.firstBadSeq).toBeUndefined();
    expect(result.rootHash).toBe(
      new MerkleTree(journal.map((e) => hashFromHex(e.hash))).root().toString('hex'),
    );
    expect(result.checkpoints.map((c) => [c.treeSize, c.status, c.signedBy])).toEqual(
      [1, 100, 256, 257, 500].map((size) => [size, 'matched', [TEST_ORIGIN]]),
    );
    expect(result.checkpoints[4]).toMatchObject({ origin: TEST_ORIGIN, time: journal[499].time });
  });

  it('accepts the empty journal', async () => {
    const result = await verifyJournal([], withCheckpoints(0));
    expect(result).toMatchObject({
      ok: true,
      entries: 0,
      treeSize: 0,
      rootHash: emptyRoot().toString('hex'),
    });
    expect(result.checkpoints[0].status).toBe('matched');
  });

  it('names an entry whose content was changed', async () => {
    const result = await verifyJournal(
      tampered(41, (e) => ({ ...e, payload: { ...e.payload, amountMinor: 1 } })),
      withCheckpoints(41, 42, 100, 500),
    );
    expect(result.ok).toBe(false);
    expect(result.firstBadSeq).toBe(41);
    expect(result.problems[0]).toEqual({
      seq: 41,
      kind: 'hash-mismatch',
      message: expect.stringMatching(
        /^entry 41: hash does not match its content \(recomputed [0-9a-f]{64}, recorded [0-9a-f]{64}\)$/,
      ),
    });
    expect(result.checkpoints.map((c) => c.status)).toEqual(['matched', 'mismatch', 'mismatch', 'mismatch']);
    expect(result.problems.filter((p) => p.kind === 'checkpoint-mismatch')[0].message).toMatch(
      /some entry in 41 to 41 differs/,
    );
    // The chain itself still links: only entry 41 is named.
    expect(result.problems.filter((p) => p.seq !== undefined)).toHaveLength(1);
  });

  it('names the broken link when content and hash were both rewritten', async () => {
    const result = await verifyJournal(
      tampered(9, (e) => {
        const [forged] = chainEntries(e.prevHash, 9, [{ ...e, payload: { ...e.payload, note: 'forged' } }]);
        return forged;
      }),
    );
    expect(result.firstBadSeq).toBe(10);
    expect(result.problems).toEqual([
      {
        seq: 10,
        kind: 'broken-link',
        message: expect.stringMatching(
          /^entry 10: prevHash does not link to entry 9 \(entry 9 has hash [0-9a-f]{64}, entry 10 names [0-9a-f]{64}\): one of the two was altered$/,
        ),
      },
    ]);
  });

  it('catches a consistent rewrite of the chain only through checkpoints', async () => {
    const forgedTail = chainEntries(
      journal[199].hash,
      200,
      journal.slice(200).map((e) => ({ ...e, time: e.time.replace('T08', 'T09') })),
    );
    const forged = [...lines.slice(0, 200), ...exportLines(forgedTail)];
    expect((await verifyJournal(forged)).ok).toBe(true);
    const result = await verifyJournal(forged, withCheckpoints(100, 300, 500));
    expect(result.ok).toBe(false);
    expect(result.checkpoints.map((c) => c.status)).toEqual(['matched', 'mismatch', 'mismatch']);
    expect(result.problems[0].message).toMatch(
      /^checkpoint cp-300\.txt \(tree size 300\) does not match the export: .*some entry in 100 to 299 differs/,
    );
  });

  it('names a missing entry, and stops comparing roots after it', async () => {
    const result = await verifyJournal([...lines.slice(0, 17), ...lines.slice(18)], withCheckpoints(10, 100));
    expect(result.firstBadSeq).toBe(17);
    expect(result.problems).toEqual([
      { seq: 17, kind: 'seq-gap', message: 'entry 17 missing: expected seq 17, found 18' },
    ]);
    expect(result.checkpoints.map((c) => c.status)).toEqual(['matched', 'unchecked']);
    const several = await verifyJournal([...lines.slice(0, 17), ...lines.slice(20)]);
    expect(several.problems[0].message).toBe('entries 17 to 19 missing: expected seq 17, found 20');
  });

  it('reports duplicated and out-of-order lines', async () => {
    const result = await verifyJournal([...lines.slice(0, 10), lines[5], ...lines.slice(10)]);
    expect(result.problems).toEqual([
      {
        seq: 10,
        kind: 'seq-order',
        message: 'entry 5 again (duplicate or out of order): expected seq 10, found 5',
      },
    ]);
    expect(result.treeSize).toBe(500);
  });

  it('proves truncation with a checkpoint larger than the export', async () => {
    const result = await verifyJournal(lines.slice(0, 300), withCheckpoints(200, 500));
    expect(result.ok).toBe(false);
    expect(result.firstBadSeq).toBe(300);
    expect(result.problems).toEqual([
      {
        seq: 300,
        kind: 'truncated',
        message:
          'checkpoint cp-500.txt signs tree size 500, but the export ends at tree size 300: entries 300 to 499 are missing (truncated export or deleted entries)',
      },
    ]);
    expect(result.checkpoints.map((c) => c.status)).toEqual(['matched', 'beyond-export']);
  });

  it('reports lines that are not entries and carries on', async () => {
    const copy = [...lines];
    copy[3] = '{"seq":3,';
    copy[7] = lines[7].replace('{', '{"extra":true,');
    copy.splice(12, 0, '', '   ');
    const result = await verifyJournal(copy, withCheckpoints(100));
    expect(result.problems.map((p) => [p.seq, p.kind])).toEqual([
      [undefined, 'malformed-line'],
      [3, 'seq-gap'],
      [7, 'malformed-entry'],
    ]);
    expect(result.problems[0].message).toMatch(/^line 4 \(after entry 2\): not valid JSON/);
    expect(result.problems[2].message).toBe(
      'entry 7: entry: must have exactly the fields seq, type, subject, payload, time, prevHash, hash (unexpected extra)',
    );
    expect(result.firstBadSeq).toBe(3);
  });

  it('keeps the tree aligned past an unreadable entry that still records its hash', async () => {
    const copy = [...lines];
    copy[7] = lines[7].replace(journal[7].time, 'yesterday');
    const result = await verifyJournal(copy, withCheckpoints(100));
    expect(result.problems.map((p) => [p.seq, p.kind])).toEqual([[7, 'malformed-entry']]);
    expect(result.problems[0].message).toMatch(/^entry 7: time: must be a UTC ISO-8601 time/);
    expect(result.checkpoints[0].status).toBe('matched');
  });

  it('requires canonical lines, but still checks the content of others', async () => {
    const e = journal[3];
    const reordered = JSON.stringify({
      ...e,
      payload: Object.fromEntries(Object.entries(e.payload).reverse()),
    });
    const spaced = JSON.stringify(journal[5], null, 1).replace(/\n/g, '');
    // A duplicate key that JSON.parse resolves to the hashed value: the content verifies, the line does not.
    expect(journal[8].payload.priceMinor).toBe(2000);
    const duplicated = lines[8].replace('"payload":{', '"payload":{"priceMinor":1,');
    const copy = [...lines];
    copy[3] = reordered;
    copy[5] = spaced;
    copy[8] = duplicated;
    const result = await verifyJournal(copy);
    expect(result.problems).toEqual(
      [3, 5, 8].map((seq) => ({
        seq,
        kind: 'malformed-entry',
        message: `entry ${seq}: line is not the canonical JSON (RFC 8785) of the entry, as exports are written`,
      })),
    );
    expect(result.firstBadSeq).toBe(3);
    // Windows line endings are only line endings.
    expect((await verifyJournal(lines.map((l) => `${l}\r`))).ok).toBe(true);
  });

  it('rejects checkpoints it cannot trust', async () => {
    const stranger = testKeys('stranger.example/log');
    const good = signedCheckpointOf(journal, 100, signer);
    const result = await verifyJournal(lines, {
      verifiers: [verifier],
      origin: TEST_ORIGIN,
      checkpoints: [
        { source: 'unknown-key.txt', note: signedCheckpointOf(journal, 100, stranger.signer) },
        { source: 'forged.txt', note: good.replace('\n100\n', '\n101\n') },
        { source: 'garbage.txt', note: 'hello\n' },
        { source: 'other-origin.txt', note: signedCheckpointOf(journal, 100, signer, 'other.example/log') },
        { source: 'good.txt', note: good },
      ],
    });
    expect(result.checkpoints.map((c) => [c.source, c.status])).toEqual([
      ['unknown-key.txt', 'invalid'],
      ['forged.txt', 'invalid'],
      ['garbage.txt', 'invalid'],
      ['other-origin.txt', 'invalid'],
      ['good.txt', 'matched'],
    ]);
    expect(result.problems.map((p) => p.message)).toEqual([
      'checkpoint unknown-key.txt: no signature by a given verifier key (signed by: stranger.example/log)',
      expect.stringMatching(
        /^checkpoint forged\.txt: invalid signature for key fairdraw\.test\/ledger\+[0-9a-f]{8}$/,
      ),
      expect.stringMatching(/^checkpoint garbage\.txt: malformed note/),
      'checkpoint other-origin.txt: origin is "other.example/log", expected "fairdraw.test/ledger"',
    ]);
    expect(result.problems.every((p) => p.kind === 'checkpoint-invalid')).toBe(true);
  });

  it('verifies an export that starts after entry 0, from the prior frontier', async () => {
    const start = { frontier: frontierOf(journal.slice(0, 200)).toJSON(), prevHash: journal[199].hash };
    const result = await verifyJournal(lines.slice(200), { ...withCheckpoints(100, 200, 300, 500), start });
    expect(result).toMatchObject({ ok: true, entries: 300, firstSeq: 200, lastSeq: 499, treeSize: 500 });
    expect(result.checkpoints.map((c) => c.status)).toEqual([
      'before-export',
      'matched',
      'matched',
      'matched',
    ]);
    // Handing in a CompactRange works too, and it is not modified.
    const frontier = frontierOf(journal.slice(0, 200));
    await verifyJournal(lines.slice(200), { start: { frontier, prevHash: journal[199].hash } });
    expect(frontier.size).toBe(200);
    // A wrong prevHash breaks the first link; a wrong frontier breaks the checkpoints.
    const wrongLink = await verifyJournal(lines.slice(200), {
      start: { ...start, prevHash: journal[198].hash },
    });
    expect(wrongLink.problems.map((p) => [p.seq, p.kind])).toEqual([[200, 'broken-link']]);
    const wrongFrontier = await verifyJournal(lines.slice(200), {
      ...withCheckpoints(300),
      start: { frontier: frontierOf(journal.slice(1, 201)).toJSON(), prevHash: journal[199].hash },
    });
    expect(wrongFrontier.problems.map((p) => p.kind)).toEqual(['checkpoint-mismatch']);
    const unusable = await verifyJournal(lines.slice(200), {
      start: { frontier: { size: 200, hashes: [] }, prevHash: journal[199].hash },
    });
    expect(unusable.problems[0]).toMatchObject({ kind: 'bad-start' });
  });

  it('runs extra entry checks in seq order and reports what they find', async () => {
    const seen: number[] = [];
    const result = await verifyJournal(lines.slice(0, 20), {
      entryChecks: [
        (entry) => {
          seen.push(entry.seq);
        },
        (entry) => (entry.seq === 4 ? 'refund exceeds sale' : undefined),
        (entry) =>
          entry.seq === 8
            ? { kind: 'draw-mismatch', message: 'winner differs from recomputation' }
            : undefined,
        (entry) => {
          if (entry.seq === 12) throw new Error('boom');
        },
      ],
    });
    expect(seen).toEqual(Array.from({ length: 20 }, (_, i) => i));
    expect(result.problems).toEqual([
      { seq: 4, kind: 'entry-check', message: 'entry 4: refund exceeds sale' },
      { seq: 8, kind: 'draw-mismatch', message: 'entry 8: winner differs from recomputation' },
      { seq: 12, kind: 'entry-check', message: 'entry 12: entry check failed: boom' },
    ]);
  });

  it('caps the problems it keeps', async () => {
    const broken = lines.map((l, i) => (i % 2 === 1 ? l.replace('"payload":{', `"payload":{"a":${i},`) : l));
    const result = await verifyJournal(broken, { maxProblems: 5 });
    expect(result.problems).toHaveLength(5);
    expect(result.problemsOmitted).toBe(245);
    expect(result.ok).toBe(false);
  });

  it('accepts parsed entries directly, e.g. database rows', () => {
    const verifier = new JournalVerifier();
    for (const entry of journal.slice(0, 30)) verifier.addEntry(JSON.parse(JSON.stringify(entry)));
    const result = verifier.finish();
    expect(result).toMatchObject({ ok: true, treeSize: 30 });
    expect(() => verifier.addEntry(journal[30])).toThrow(/finish\(\) was already called/);
    expect(
      CompactRange.fromJSON(frontierOf(journal.slice(0, 30)).toJSON())
        .root()
        .toString('hex'),
    ).toBe(result.rootHash);
  });

  it('writes export lines as canonical JSON of the whole entry', () => {
    const line = exportLine(journal[0]);
    expect(line.startsWith(`{"hash":"${journal[0].hash}","payload":{`)).toBe(true);
    expect(JSON.parse(line)).toEqual(journal[0]);
  });
});
