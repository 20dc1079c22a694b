import { currentWinners, excludedTickets, type PriorDraw } from './exclusion.js';
import { SealedRanges } from './sealed-ranges.js';

// Early bird from seal "eb" (ticket 7), main from seal "main" (ticket 3), 2 consolation winners
// (ticket 9, 12), then ticket 3 disqualified and replaced by 15.
const prior: PriorDraw[] = [
  { drawId: 'd-eb', sealId: 'eb', repeats: false, tickets: [7] },
  { drawId: 'd-main', sealId: 'main', repeats: false, tickets: [3] },
  { drawId: 'd-cons', sealId: 'main', repeats: false, tickets: [9, 12] },
  {
    drawId: 'd-main-2',
    sealId: 'main',
    repeats: false,
    tickets: [15],
    replaces: { drawId: 'd-main', ticket: 3 },
  },
];

describe('excludedTickets', () => {
  it("'none' excludes only disqualified tickets", () => {
    expect(excludedTickets({ exclusion: 'none', sealId: 'main', priorDraws: prior })).toEqual([3]);
  });

  it("'seal' adds every winner of the same seal, replaced ones included", () => {
    expect(excludedTickets({ exclusion: 'seal', sealId: 'main', priorDraws: prior })).toEqual([3, 9, 12, 15]);
    expect(excludedTickets({ exclusion: 'seal', sealId: 'eb', priorDraws: prior })).toEqual([3, 7]);
  });

  it("'raffle' adds every winner of the raffle, restricted to the set when one is given", () => {
    expect(excludedTickets({ exclusion: 'raffle', sealId: 'main', priorDraws: prior })).toEqual([
      3, 7, 9, 12, 15,
    ]);
    const ranges = SealedRanges.fromRanges([{ first: 5, last: 12, offset: 0 }]);
    expect(excludedTickets({ exclusion: 'raffle', sealId: 'main', priorDraws: prior, ranges })).toEqual([
      7, 9, 12,
    ]);
  });

  it('a redraw excludes the replaced ticket and the prize’s other current winners', () => {
    // Redraw consolation winner 12: 9 (other winner) and 12 out, plus the disqualified 3.
    expect(
      excludedTickets({
        exclusion: 'none',
        sealId: 'main',
        priorDraws: prior,
        replaces: { drawId: 'd-cons', ticket: 12 },
      }),
    ).toEqual([3, 9, 12]);
    // Redraw the replacement 15 of the main prize: the main prize's current winner is 15.
    expect(currentWinners('d-main', prior)).toEqual([15]);
    expect(
      excludedTickets({
        exclusion: 'none',
        sealId: 'main',
        priorDraws: prior,
        replaces: { drawId: 'd-main', ticket: 15 },
      }),
    ).toEqual([3, 15]);
  });
});
