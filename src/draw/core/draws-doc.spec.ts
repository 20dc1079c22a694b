// docs/draws.md shows worked examples; every value in them must be what the code computes.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { nodeHash, toHex } from '../../ledger/core/index.js';
import { REPO_ROOT } from '../../ledger/core/testing/paths.js';
import { bufferSource } from '../../rng/core/index.js';
import { DRAW_ALGORITHM, SEAL_ALGORITHM } from './draw-algorithm.js';
import { DRAW_PROOF_FORMAT } from './draw-proof.js';
import { fiftyFiftyPrize } from './fifty-fifty-prize.js';
import { normaliseTickets } from './normalise-tickets.js';
import { pickWinners } from './pick-winners.js';
import { rangeLeafHash, rangeLeafText } from './range-leaf.js';
import { sealSet } from './sealed-set.js';
import { EMPTY_SET_ROOT } from './set-commitment.js';

describe('docs/draws.md worked examples', () => {
  const doc = readFileSync(join(REPO_ROOT, 'docs/draws.md'), 'utf8');
  const ranges = normaliseTickets({
    sold: [
      { first: 8, last: 12 },
      { first: 1, last: 5 },
      { first: 6, last: 6 },
    ],
    voided: [{ first: 10, last: 10 }],
  });
  const set = sealSet(ranges);

  it('shows the canonical ranges of the example', () => {
    ranges
      .toArray()
      .forEach((r, i) => expect(doc).toContain(`| ${i} | ${r.first} | ${r.last} | ${r.offset} |`));
    expect(doc).toContain(
      `count ${set.count}; positions 0..9 are tickets ${Array.from({ length: 10 }, (_, p) => ranges.ticketAt(p)).join(', ')}.`,
    );
  });

  it('shows the leaves, the inner node and the root', () => {
    const leaves = ranges.toArray().map((r) => rangeLeafHash(r));
    ranges
      .toArray()
      .forEach((r, i) =>
        expect(doc).toMatch(new RegExp(`leaf ${i} ${rangeLeafText(r)}\\s+${toHex(leaves[i])}\n`)),
      );
    expect(doc).toMatch(new RegExp(`H\\(leaf 0, leaf 1\\)\\s+${toHex(nodeHash(leaves[0], leaves[1]))}\n`));
    expect(doc).toMatch(new RegExp(`root = H\\(H\\(leaf 0, leaf 1\\), leaf 2\\)\\s+${set.root}\n`));
    expect(doc).toContain(`commitment \`${JSON.stringify(set.commitment)}\``);
    expect(doc).toContain(EMPTY_SET_ROOT);
  });

  it('shows the membership and non-membership proofs', () => {
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify(set.membershipProof(9), null, 2)}\n\`\`\``);
    expect(doc).toContain(`\`\`\`json\n${JSON.stringify(set.nonMembershipProof(10), null, 2)}\n\`\`\``);
  });

  it('shows the draws', async () => {
    const first = await pickWinners({
      ranges,
      k: 2,
      repeats: false,
      source: bufferSource(Buffer.from([0x0f, 0x03, 0x08])),
    });
    expect(doc).toContain(
      `Positions \`[${first.positions.join(', ')}]\` are tickets \`[${first.tickets.join(', ')}]\``,
    );
    const second = await pickWinners({
      ranges,
      k: 1,
      repeats: false,
      excluded: first.tickets,
      source: bufferSource(Buffer.from([0xf7])),
    });
    expect([second.poolSize, second.positions[0], second.sealedPositions[0], second.tickets[0]]).toEqual([
      8, 7, 8, 11,
    ]);
    expect(doc).toContain(
      'pool position 7 is sealed position 8 (7 -> 8 past position 3; 9 > 8 stops), ticket 11',
    );
  });

  it('names the algorithms and formats exactly', () => {
    expect(doc).toContain(`\`SEAL_ALGORITHM\` = \`${SEAL_ALGORITHM}\``);
    expect(doc).toContain(`\`DRAW_ALGORITHM\` = \`${DRAW_ALGORITHM}\``);
    expect(doc).toContain(`"format": "${DRAW_PROOF_FORMAT}"`);
  });

  it('shows the 50/50 example', () => {
    const split = fiftyFiftyPrize({ paidTotalMinor: 123457, shareBasisPoints: 5000 });
    expect(doc).toContain(
      `paid \`123457\`, share \`5000\`: prize \`${split.prizeMinor}\`, charity \`${split.charityMinor}\``,
    );
  });
});
