import { createHash } from 'node:crypto';
import fc from 'fast-check';
import {
  canonicalDraftPayload,
  chainCanonicalDrafts,
  chainEntries,
  computeEntryHash,
  type EntryDraft,
  EntryFormatError,
  entryBytes,
  entryCanonicalText,
  exportLine,
  readExportLine,
  readJournalEntry,
  type UnhashedEntry,
  ZERO_HASH,
} from './entry.js';
import { checkJsonValue, type JsonObject } from './json-value.js';

const first: UnhashedEntry = {
  seq: 0,
  type: 'SERVICE_STARTED',
  subject: null,
  payload: { version: '0.1.0', rng: { provider: 'os', certified: false } },
  time: '2026-11-23T08:00:00.000Z',
  prevHash: ZERO_HASH,
};

const sha256Leaf = (bytes: Buffer) =>
  createHash('sha256')
    .update(Buffer.from([0]))
    .update(bytes)
    .digest('hex');

const draft = (i: number): EntryDraft => ({
  type: 'TICKETS_SOLD',
  subject: 'raffle-7',
  payload: {
    orderId: `ord_${i}`,
    tickets: { first: i * 5 + 1, count: 5 },
    amountMinor: 2000,
    currency: 'CAD',
  },
  time: `2026-11-23T08:00:0${i}.000Z`,
});

describe('journal entry format', () => {
  it('serialises the hashed fields as RFC 8785 canonical JSON', () => {
    expect(entryBytes(first).toString('utf8')).toBe(
      '{"payload":{"rng":{"certified":false,"provider":"os"},"version":"0.1.0"},' +
        `"prevHash":"${ZERO_HASH}","seq":0,"subject":null,"time":"2026-11-23T08:00:00.000Z","type":"SERVICE_STARTED"}`,
    );
    expect(entryBytes(first).toString('utf8')).toBe(entryCanonicalText(first));
  });

  it('hashes an entry as its RFC 9162 leaf', () => {
    expect(computeEntryHash(first)).toBe(sha256Leaf(entryBytes(first)));
    expect(computeEntryHash({ ...first, payload: { ...first.payload, version: '0.1.1' } })).not.toBe(
      computeEntryHash(first),
    );
    // Key order in the input does not matter; the canonical form decides.
    expect(
      computeEntryHash({
        ...first,
        payload: { rng: { certified: false, provider: 'os' }, version: '0.1.0' },
      }),
    ).toBe(computeEntryHash(first));
  });

  it('encodes non-ASCII text as UTF-8', () => {
    const entry = { ...first, payload: { name: 'Loterie du Québec €' } };
    expect(entryBytes(entry).includes(Buffer.from('Québec €', 'utf8'))).toBe(true);
    expect(computeEntryHash(entry)).toBe(sha256Leaf(Buffer.from(entryCanonicalText(entry), 'utf8')));
  });

  it('chains a batch of drafts', () => {
    const entries = chainEntries(ZERO_HASH, 0, [draft(0), draft(1), draft(2)]);
    expect(entries.map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(entries[0].prevHash).toBe(ZERO_HASH);
    for (let i = 1; i < entries.length; i++) expect(entries[i].prevHash).toBe(entries[i - 1].hash);
    for (const e of entries) expect(e.hash).toBe(sha256Leaf(entryBytes(e)));

    // A later batch continues from the last hash and seq.
    const next = chainEntries(entries[2].hash, 3, [draft(3)]);
    expect(next[0]).toMatchObject({ seq: 3, prevHash: entries[2].hash });
    // Chaining all at once gives the same entries as in two batches.
    expect(chainEntries(ZERO_HASH, 0, [draft(0), draft(1), draft(2), draft(3)])).toEqual([
      ...entries,
      ...next,
    ]);
  });

  it('returns entries whose payload later changes to the drafts cannot reach', () => {
    const drafts = [draft(0)];
    const [entry] = chainEntries(ZERO_HASH, 0, drafts);
    (drafts[0].payload.tickets as { count: number }).count = 99;
    expect(entry.payload).toEqual({
      amountMinor: 2000,
      currency: 'CAD',
      orderId: 'ord_0',
      tickets: { count: 5, first: 1 },
    });
    expect(computeEntryHash(entry)).toBe(entry.hash);
  });

  it('rejects payloads that cannot round-trip through JSON, naming draft and field', () => {
    const bad = (payload: unknown) => () =>
      chainEntries(ZERO_HASH, 0, [draft(0), { ...draft(1), payload } as EntryDraft]);
    expect(bad({ amount: Infinity })).toThrow('drafts[1].payload.amount: Infinity is not a finite number');
    expect(bad({ amount: NaN })).toThrow('drafts[1].payload.amount: NaN is not a finite number');
    expect(bad({ amount: 2 ** 53 + 2 })).toThrow(
      /drafts\[1\]\.payload\.amount: 9007199254740994 is beyond ±\(2\^53-1\)/,
    );
    expect(bad({ note: undefined })).toThrow('drafts[1].payload.note: undefined has no JSON form');
    expect(bad({ lines: [{ id: 1n }] })).toThrow('drafts[1].payload.lines[0].id: BigInt has no JSON form');
    expect(bad({ at: new Date() })).toThrow(/drafts\[1\]\.payload\.at: Date is not a plain JSON object/);
    expect(bad([1, 2])).toThrow('drafts[1].payload: must be a JSON object');
    expect(bad(null)).toThrow('drafts[1].payload: must be a JSON object');
    expect(bad({ ok: 1 })).not.toThrow();
  });

  it('rejects malformed fields', () => {
    const cases: [Partial<UnhashedEntry> & Record<string, unknown>, string][] = [
      [{ seq: -1 }, 'seq'],
      [{ seq: 1.5 }, 'seq'],
      [{ type: 'tickets_sold' }, 'type'],
      [{ type: '' }, 'type'],
      [{ subject: '' }, 'subject'],
      [{ subject: 42 as unknown as string }, 'subject'],
      [{ time: '2026-11-23T08:00:00Z' }, 'time'],
      [{ time: '2026-11-23T08:00:00.000+01:00' }, 'time'],
      [{ time: '2026-02-30T08:00:00.000Z' }, 'time'],
      [{ prevHash: ZERO_HASH.toUpperCase() + 'A' }, 'prevHash'],
      [{ seq: 0, prevHash: 'ab'.repeat(32) }, 'prevHash'],
    ];
    for (const [change, field] of cases) {
      let thrown: unknown;
      try {
        entryCanonicalText({ ...first, seq: 1, prevHash: 'ab'.repeat(32), ...change } as UnhashedEntry);
      } catch (error) {
        thrown = error;
      }
      expect([change, thrown instanceof EntryFormatError && thrown.field]).toEqual([change, field]);
    }
  });

  it('guards the start of a batch', () => {
    expect(() => chainEntries('ab'.repeat(32), 0, [draft(0)])).toThrow(
      /first entry of a journal follows ZERO_HASH/,
    );
    expect(() => chainEntries(ZERO_HASH, 5, [draft(0)])).toThrow(/entry 5 must follow the hash of entry 4/);
    expect(() => chainEntries('xyz', 5, [draft(0)])).toThrow(/prevHash: must be 64 lowercase hex digits/);
    expect(() => chainEntries(ZERO_HASH, -1, [draft(0)])).toThrow(/startSeq/);
    expect(chainEntries(ZERO_HASH, 0, [])).toEqual([]);
  });

  it('reads an exported entry with exactly the seven fields', () => {
    const [entry] = chainEntries(ZERO_HASH, 0, [draft(0)]);
    const parsed = JSON.parse(JSON.stringify(entry)) as unknown;
    const { entry: read, canonical } = readJournalEntry(parsed);
    expect(read).toEqual(entry);
    expect(canonical).toBe(entryCanonicalText(entry));
    expect(() => readJournalEntry({ ...entry, extra: 1 })).toThrow(/unexpected extra/);
    const { hash: _hash, ...noHash } = entry;
    expect(() => readJournalEntry(noHash)).toThrow(/missing hash/);
    expect(() => readJournalEntry({ ...entry, hash: entry.hash.toUpperCase() })).toThrow(
      /hash: must be 64 lowercase hex/,
    );
    expect(() => readJournalEntry([entry])).toThrow(/must be a JSON object/);
  });

  it('reads export lines and tells whether they are canonical', () => {
    const [entry] = chainEntries(ZERO_HASH, 0, [
      { ...draft(0), payload: { '10': 'a', '9': 'b', n: [{ z: 1, y: 2 }] } },
    ]);
    const line = exportLine(entry);
    // JavaScript lists the integer-like key '9' before '10'; RFC 8785 sorts '10' first.
    expect(line).toContain('"payload":{"10":"a","9":"b","n":[{"y":2,"z":1}]}');
    const read = readExportLine(line, JSON.parse(line));
    expect(read).toEqual({ entry, canonical: entryCanonicalText(entry), lineIsCanonical: true });

    const plain = exportLine(chainEntries(ZERO_HASH, 0, [draft(0)])[0]);
    expect(readExportLine(plain, JSON.parse(plain)).lineIsCanonical).toBe(true);
    const spaced = plain.replace('"seq":0', '"seq": 0');
    expect(readExportLine(spaced, JSON.parse(spaced))).toMatchObject({
      lineIsCanonical: false,
      canonical: entryCanonicalText(JSON.parse(plain)),
    });
    const reordered = JSON.stringify(JSON.parse(plain));
    expect(readExportLine(reordered, JSON.parse(reordered)).lineIsCanonical).toBe(true);
    const fieldsReordered = JSON.stringify({ seq: 0, ...JSON.parse(plain) });
    expect(readExportLine(fieldsReordered, JSON.parse(fieldsReordered)).lineIsCanonical).toBe(false);
    expect(() => readExportLine('[]', [])).toThrow(/must be a JSON object/);
  });

  describe('drafts queued with canonical payloads (the sequencer path)', () => {
    const canonical = (d: EntryDraft) => ({
      type: d.type,
      subject: d.subject,
      canonicalPayload: canonicalDraftPayload(d),
      time: d.time,
    });

    it('chains them exactly as chainEntries chains the drafts', () => {
      const drafts: EntryDraft[] = [
        draft(0),
        { ...draft(1), subject: null },
        {
          ...draft(2),
          subject: 'quote " backslash \\ tab \t é €',
          payload: { z: [{ b: 1, a: 'ü' }], a: null },
        },
        { ...draft(3), payload: { '10': 'a', '9': 'b', emoji: '😀', n: -0.5e-7 } },
        { ...draft(4), payload: {} },
      ];
      const reference = chainEntries(ZERO_HASH, 0, drafts);
      expect(chainCanonicalDrafts(ZERO_HASH, 0, drafts.map(canonical))).toEqual(
        reference.map(({ seq, prevHash, hash }) => ({ seq, prevHash, hash })),
      );
      const later = chainCanonicalDrafts(reference[1].hash, 2, drafts.slice(2).map(canonical));
      expect(later.map((link) => link.hash)).toEqual(reference.slice(2).map((entry) => entry.hash));
      // Texts canonicalised in this process chain the same without being parsed again.
      expect(chainCanonicalDrafts(ZERO_HASH, 0, drafts.map(canonical), 'made-here')).toEqual(
        chainCanonicalDrafts(ZERO_HASH, 0, drafts.map(canonical), 'check'),
      );
    });

    it('agrees with chainEntries on random payloads and subjects', () => {
      const jsonSafe = (value: unknown) => {
        try {
          checkJsonValue(value);
          return true;
        } catch {
          return false;
        }
      };
      const drafts = fc.array(
        fc.record({
          type: fc.constantFrom('TICKETS_SOLD', 'DRAW_RESULT', 'A'),
          subject: fc.option(fc.string({ minLength: 1, maxLength: 20, unit: 'binary' }), { nil: null }),
          payload: fc
            .dictionary(fc.string({ unit: 'binary' }), fc.jsonValue({ maxDepth: 3 }))
            .filter(jsonSafe),
          time: fc.constant('2026-11-23T08:00:00.000Z'),
        }),
        { minLength: 1, maxLength: 5 },
      );
      fc.assert(
        fc.property(drafts, (batch) => {
          const valid = batch.filter((d) => jsonSafe(d.subject)) as EntryDraft[];
          const reference = chainEntries(
            ZERO_HASH,
            0,
            valid.map((d) => ({ ...d, payload: d.payload as JsonObject })),
          );
          expect(chainCanonicalDrafts(ZERO_HASH, 0, valid.map(canonical))).toEqual(
            reference.map(({ seq, prevHash, hash }) => ({ seq, prevHash, hash })),
          );
        }),
      );
    });

    it('canonicalises a payload once, as RFC 8785 orders it', () => {
      expect(canonicalDraftPayload({ ...draft(0), payload: { b: 1, a: { d: 2, c: 3 } } })).toBe(
        '{"a":{"c":3,"d":2},"b":1}',
      );
      expect(canonicalDraftPayload({ ...draft(0), payload: { '10': 1, '9': 2 } })).toBe('{"10":1,"9":2}');
    });

    it('refuses a draft the journal could not hold, naming the field', () => {
      const field = (change: Partial<EntryDraft> & Record<string, unknown>) => {
        try {
          canonicalDraftPayload({ ...draft(0), ...change } as EntryDraft);
        } catch (error) {
          return error instanceof EntryFormatError ? error.field : error;
        }
        return undefined;
      };
      expect(field({ type: 'lower' })).toBe('type');
      expect(field({ subject: '' })).toBe('subject');
      expect(field({ payload: [] as unknown as EntryDraft['payload'] })).toBe('payload');
      expect(field({ payload: { at: Number.NaN } })).toBe('payload.at');
      expect(field({})).toBeUndefined();
    });

    it('refuses queued payload text that is not one JSON object, so it cannot add members to the entry', () => {
      const injected = { ...canonical(draft(1)), canonicalPayload: '{"a":1},"seq":99,"x":{"b":2}' };
      expect(() => chainCanonicalDrafts(ZERO_HASH, 0, [canonical(draft(0)), injected])).toThrow(
        'drafts[1].payload: is not JSON text',
      );
      expect(() =>
        chainCanonicalDrafts(ZERO_HASH, 0, [{ ...canonical(draft(0)), canonicalPayload: '[1]' }]),
      ).toThrow('drafts[0].payload: must be a JSON object');
      expect(() => chainCanonicalDrafts(ZERO_HASH, 0, [{ ...canonical(draft(0)), type: 'A"B' }])).toThrow(
        'drafts[0].type',
      );
      expect(() =>
        chainCanonicalDrafts(ZERO_HASH, 0, [{ ...canonical(draft(0)), time: '2026-11-23T08:00:00Z' }]),
      ).toThrow('drafts[0].time');
      expect(() => chainCanonicalDrafts(ZERO_HASH, 3, [canonical(draft(0))])).toThrow(/entry 3 must follow/);
    });
  });
});
