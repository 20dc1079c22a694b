import { buildDrawProof, DrawProofError, verifyDrawProof } from './draw-proof.js';
import { DrawJournalBuilder } from './testing/draw-journal-builder.js';
import { mutations } from './testing/json-mutations.js';

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

async function scenario() {
  const b = new DrawJournalBuilder();
  let next = 1;
  for (let i = 0; i < 30; i++) {
    const order = b.sell('r1', next, next + [1, 5, 30][i % 3] - 1);
    next += [1, 5, 30][i % 3] + (i % 4 === 0 ? 3 : 0); // some unsold gaps
    if (i % 6 === 2) b.voidOrder(order);
  }
  const seal = b.seal({ raffleId: 'r1', sealId: 's1', prizeIds: ['main', 'consolation'] });
  const main = await b.draw({ sealId: 's1', prizeId: 'main', drawId: 'd1' });
  const consolation = await b.draw({
    sealId: 's1',
    prizeId: 'consolation',
    drawId: 'd2',
    k: 4,
    excluded: main.tickets,
  });
  return { set: b.sets.get('s1')!.set, seal, main, consolation };
}

describe('draw proofs', () => {
  it('let anyone recompute a draw from the proof alone', async () => {
    const { set, seal, consolation } = await scenario();
    const proof = json(buildDrawProof(set, seal, { kind: 'result', payload: consolation }));
    const verified = verifyDrawProof(proof);
    expect(verified.tickets).toEqual(consolation.tickets);
    expect(verified.sealedPositions).toEqual(consolation.tickets.map((t) => set.ranges.positionOf(t)));
  });

  it('reject every tampered field', async () => {
    const { set, seal, consolation } = await scenario();
    const proof = json(buildDrawProof(set, seal, { kind: 'result', payload: consolation }));
    // Fields that no recomputation depends on: labels, the RNG's identity and request (bound to the
    // RNG_REQUEST entry by the journal check, not by the proof), times, the checkpoint.
    const informational =
      /^(seal|draw)\.(raffleId|sealId|prizeId|drawId|drawnAt|rngRequestId|rng\.(provider|identity|certified)|cutoff\.(time|treeSize)|salesClosed|prizeIds|ledger\.\w+)\b/;
    const variants = mutations(proof);
    let checked = 0;
    for (const { label, value } of variants) {
      if (
        informational.test(label) &&
        !label.endsWith(': removed') &&
        !/fractional|negative|as string|object instead/.test(label)
      )
        continue;
      checked++;
      try {
        verifyDrawProof(value);
      } catch (error) {
        expect(error).toBeInstanceOf(DrawProofError);
        continue;
      }
      throw new Error(`accepted tampered proof: ${label}`);
    }
    expect(checked).toBeGreaterThan(200);
  });

  it('bind the count to the root through the last leaf', async () => {
    const { set, seal, main } = await scenario();
    const proof = json(buildDrawProof(set, seal, { kind: 'result', payload: main }));
    // A seal claiming fewer tickets (cutting off the end of the set) with a consistent draw record.
    const shrunk = {
      ...proof,
      seal: { ...proof.seal, count: proof.seal.count - 1 },
      draw: { ...proof.draw, sealed: { ...proof.draw.sealed, count: proof.seal.count - 1 } },
    };
    expect(() => verifyDrawProof(shrunk)).toThrow(/ends beyond|does not end at count/);
  });
});
