import { normaliseTickets } from './normalise-tickets.js';
import { verifyMembershipProof } from './membership-proof.js';
import { verifyNonMembershipProof } from './non-membership-proof.js';
import { SealedRanges } from './sealed-ranges.js';
import { sealSet } from './sealed-set.js';
import { EMPTY_SET_ROOT } from './set-commitment.js';
import { SetProofError } from './set-proof-error.js';
import { mutations } from './testing/json-mutations.js';

const json = <T>(value: T): T => JSON.parse(JSON.stringify(value)) as T;

// 7 ranges: a tree that is not a perfect power of two, with gaps of one and of many numbers.
const set = sealSet(
  normaliseTickets({
    sold: [
      { first: 2, last: 4 },
      { first: 6, last: 6 },
      { first: 8, last: 12 },
      { first: 14, last: 20 },
      { first: 30, last: 31 },
      { first: 33, last: 33 },
      { first: 40, last: 45 },
    ],
    voided: [{ first: 10, last: 10 }],
  }),
);

function rejects(f: () => unknown): SetProofError {
  try {
    f();
  } catch (error) {
    if (error instanceof SetProofError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('membership proofs', () => {
  it('prove every ticket in the set, at its position', () => {
    expect(set.rangeCount).toBe(8);
    for (let p = 0; p < set.count; p++) {
      const ticket = set.ranges.ticketAt(p);
      const proof = json(set.membershipProof(ticket));
      expect(proof.position).toBe(p);
      expect(verifyMembershipProof(proof, set.commitment, ticket)).toBe(p);
    }
  });

  it('cannot be built for a number outside the set', () => {
    for (const t of [1, 5, 10, 13, 46]) expect(() => set.membershipProof(t)).toThrow(RangeError);
  });

  it('reject every tampered field of the proof and of the commitment', () => {
    const proof = json(set.membershipProof(17));
    const variants = mutations(proof);
    expect(variants.length).toBeGreaterThan(30);
    for (const { value } of variants) {
      expect(() => verifyMembershipProof(value, set.commitment, 17)).toThrow(SetProofError);
    }
    // The root and the tree size are bound by the Merkle path. The count is not (a membership proof
    // says nothing about the end of the set): draw proofs bind it with the last leaf, see draw-proof.
    for (const { label, value } of mutations(set.commitment)) {
      if (label === 'count: +1' || label === 'count: -1' || label === '(root): extra member') continue;
      const accepted = (() => {
        try {
          verifyMembershipProof(proof, value as typeof set.commitment, 17);
          return true;
        } catch {
          return false;
        }
      })();
      expect({ label, accepted }).toEqual({ label, accepted: false });
    }
  });

  it('reject a real proof of another ticket, and a proof for another set', () => {
    expect(
      rejects(() => verifyMembershipProof(json(set.membershipProof(18)), set.commitment, 17)).reason,
    ).toBe('WRONG_SUBJECT');
    const other = sealSet(SealedRanges.fromRanges([{ first: 2, last: 45, offset: 0 }]));
    expect(
      rejects(() => verifyMembershipProof(json(other.membershipProof(17)), set.commitment, 17)).reason,
    ).toBe('WRONG_SUBJECT');
  });

  it('reject a leaf whose range is stretched to cover a voided number, even with a recomputed path', () => {
    const proof = json(set.membershipProof(9));
    // Leaf 2 is 8-9 at offset 4; claim 8-10, with 10 at position 6.
    const forged = {
      ...proof,
      ticket: 10,
      position: 6,
      leaf: { ...proof.leaf, range: { ...proof.leaf.range, last: 10 } },
    };
    expect(rejects(() => verifyMembershipProof(forged, set.commitment, 10)).reason).toBe('INCLUSION_FAILED');
  });
});

describe('non-membership proofs', () => {
  it('prove every number outside the set, in gaps and beyond both ends', () => {
    for (let t = 1; t <= 50; t++) {
      if (set.ranges.has(t)) {
        expect(() => set.nonMembershipProof(t)).toThrow(RangeError);
        continue;
      }
      const proof = json(set.nonMembershipProof(t));
      expect(() => verifyNonMembershipProof(proof, set.commitment, t)).not.toThrow();
      expect(proof.below === null).toBe(t < 2);
      expect(proof.above === null).toBe(t > 45);
    }
  });

  it('prove that nothing is in the empty set', () => {
    const empty = sealSet(SealedRanges.empty());
    expect(empty.commitment).toEqual({ count: 0, rangeCount: 0, root: EMPTY_SET_ROOT });
    verifyNonMembershipProof(json(empty.nonMembershipProof(1)), empty.commitment, 1);
    expect(() =>
      verifyNonMembershipProof({ ticket: 1, rangeCount: 0, below: null, above: null }, set.commitment, 1),
    ).toThrow(SetProofError);
  });

  it.each([10, 1, 50])('reject every tampered field (ticket %i)', (ticket) => {
    const proof = json(set.nonMembershipProof(ticket));
    for (const { label, value } of mutations(proof)) {
      try {
        verifyNonMembershipProof(value, set.commitment, ticket);
      } catch (error) {
        expect(error).toBeInstanceOf(SetProofError);
        continue;
      }
      throw new Error(`accepted tampered proof: ${label}`);
    }
  });

  it('reject leaves that are both in the tree but not neighbours', () => {
    // Leaves: 0 2-4, 1 6, 2 8-9, 3 11-12, 4 14-20, 5 30-31, 6 33, 7 40-45.
    // 13 lies between leaves 3 and 4; leaves 2 and 4 also bracket it.
    const genuine = json(set.nonMembershipProof(13));
    const skipping = { ...genuine, below: json(set.leafProof(2)) };
    expect(rejects(() => verifyNonMembershipProof(skipping, set.commitment, 13)).reason).toBe('NOT_ADJACENT');
    // An end claim with an inner leaf: "nothing above 46" using leaf 6.
    const end = { ticket: 46, rangeCount: set.rangeCount, below: json(set.leafProof(6)), above: null };
    expect(rejects(() => verifyNonMembershipProof(end, set.commitment, 46)).reason).toBe('NOT_ADJACENT');
    // "Nothing below 32" with leaf 6 (33) as if it were the first leaf.
    const start = { ticket: 32, rangeCount: set.rangeCount, below: null, above: json(set.leafProof(6)) };
    expect(rejects(() => verifyNonMembershipProof(start, set.commitment, 32)).reason).toBe('NOT_ADJACENT');
  });

  it('reject a claim that a ticket in the set is outside it', () => {
    // 9 is in leaf 2 (8-9); leaves 1 (6) and 2 are neighbours but do not bracket it.
    const forged = {
      ticket: 9,
      rangeCount: set.rangeCount,
      below: json(set.leafProof(1)),
      above: json(set.leafProof(2)),
    };
    expect(rejects(() => verifyNonMembershipProof(forged, set.commitment, 9)).reason).toBe(
      'TICKET_NOT_COVERED',
    );
  });
});
