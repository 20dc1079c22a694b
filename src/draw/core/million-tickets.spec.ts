// A correctness test at scale (no timing asserts; performance is measured in bench/draw).
import { verifyMembershipProof } from './membership-proof.js';
import { verifyNonMembershipProof } from './non-membership-proof.js';
import { normaliseTickets } from './normalise-tickets.js';
import { pickWinners } from './pick-winners.js';
import { replayWinners } from './replay-winners.js';
import { sealSet } from './sealed-set.js';
import { salesMix, SOLD, UNSOLD, VOIDED } from './testing/sales-mix.js';
import { seededBytes } from './testing/seeded-bytes.js';

describe('1,000,000 tickets sealed and drawn', () => {
  const mix = salesMix(1_000_000, 2026);
  const set = sealSet(normaliseTickets({ sold: mix.sold, voided: mix.voided }));

  it('seals exactly the sold, not voided numbers', () => {
    expect(mix.sold.length).toBeGreaterThan(50_000);
    expect(mix.voidedCount).toBeGreaterThan(5_000);
    expect(set.count).toBe(mix.soldCount - mix.voidedCount);
    // Every number in the ranges is sold and not voided; with the count equal, the sets are equal.
    let inside = 0;
    for (const r of set.ranges) {
      for (let t = r.first; t <= r.last; t++) if (mix.status[t] === SOLD) inside++;
      expect(r.offset).toBe(inside - (r.last - r.first + 1));
    }
    expect(inside).toBe(set.count);
  });

  it('draws winners that are all eligible, replayable and provable', async () => {
    const picked = await pickWinners({
      ranges: set.ranges,
      k: 10,
      repeats: false,
      source: seededBytes('million'),
    });
    expect(new Set(picked.tickets).size).toBe(10);
    for (const t of picked.tickets) expect(mix.status[t]).toBe(SOLD);
    expect(
      replayWinners({ ranges: set.ranges, k: 10, repeats: false, excluded: [], rngCalls: picked.rngCalls })
        .tickets,
    ).toEqual(picked.tickets);
    picked.tickets.forEach((t, i) => {
      const proof = JSON.parse(JSON.stringify(set.membershipProof(t))) as unknown;
      expect(verifyMembershipProof(proof, set.commitment, t)).toBe(picked.sealedPositions[i]);
    });
    const voided = mix.status.indexOf(VOIDED);
    const unsold = mix.status.indexOf(UNSOLD, 1);
    expect([voided, unsold].every((t) => t > 0)).toBe(true);
    for (const t of [voided, unsold, 1_000_001]) {
      expect(() =>
        verifyNonMembershipProof(JSON.parse(JSON.stringify(set.nonMembershipProof(t))), set.commitment, t),
      ).not.toThrow();
    }
  });
});
