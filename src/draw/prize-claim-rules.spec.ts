import {
  claimDeadline,
  outstandingPrizes,
  standingTicketsOf,
  standingWinners,
  type ClaimDraw,
} from './prize-claim-rules.js';

const DAY = 86_400_000;
const drawnAt = new Date('2026-12-24T20:00:00.000Z');
const hold = { handling: 'HOLD_IN_TRUST' as const, minimumHoldDays: 183 };
const redraw = { handling: 'REDRAW_AS_RULES_ALLOW' as const, minimumHoldDays: 0 };

function draw(
  drawId: string,
  prizeId: string,
  tickets: number[],
  at: number,
  replaces?: { drawId: string; ticket: number },
): ClaimDraw {
  return {
    drawId,
    sealId: 's',
    repeats: false,
    tickets,
    prizeId,
    drawnAt: new Date(at),
    ...(replaces ? { replaces } : {}),
  };
}

describe('claimDeadline', () => {
  it("is the rules' claim period from the draw, never shorter than the profile's minimum hold", () => {
    expect(claimDeadline(drawnAt, 90, redraw)).toEqual(new Date(drawnAt.getTime() + 90 * DAY));
    // Ontario holds unclaimed prizes in trust for 183 days: a claim on day 120 is still accepted.
    expect(claimDeadline(drawnAt, 90, hold)).toEqual(new Date(drawnAt.getTime() + 183 * DAY));
    expect(claimDeadline(drawnAt, 365, hold)).toEqual(new Date(drawnAt.getTime() + 365 * DAY));
  });

  it('is none when the rules give no claim period', () => {
    expect(claimDeadline(drawnAt, null, redraw)).toBeNull();
    expect(claimDeadline(drawnAt, null, hold)).toBeNull();
  });
});

describe('standingWinners', () => {
  const draws = [
    draw('early', 'early', [7], 1_000),
    draw('main', 'main', [12], 2_000),
    draw('r1', 'main', [30], 3_000, { drawId: 'main', ticket: 12 }),
    draw('r2', 'main', [41], 4_000, { drawId: 'main', ticket: 30 }),
    draw('empty', 'consolation', [], 5_000),
  ];

  it('names, for each current winner, the draw that drew it (a redraw of a redraw included)', () => {
    expect(standingWinners(draws)).toEqual([
      { drawId: 'early', prizeId: 'early', ticket: 7, drawnAt: new Date(1_000) },
      { drawId: 'r2', prizeId: 'main', ticket: 41, drawnAt: new Date(4_000) },
    ]);
  });

  it('leaves a replaced draw, and a draw without winner, with no standing ticket', () => {
    expect(standingTicketsOf('main', draws)).toEqual([]);
    expect(standingTicketsOf('r1', draws)).toEqual([]);
    expect(standingTicketsOf('r2', draws)).toEqual([41]);
    expect(standingTicketsOf('empty', draws)).toEqual([]);
    expect(standingTicketsOf('early', draws)).toEqual([7]);
  });
});

describe('outstandingPrizes', () => {
  const standing = standingWinners([
    draw('a', 'main', [5], 0),
    draw('b', 'early', [9], 0),
    draw('c', 'gift', [3], 0),
  ]);
  const deadlines: Record<string, Date | null> = {
    main: new Date(10 * DAY),
    early: null,
    gift: new Date(2 * DAY),
  };

  it('holds a settlement while a winner has neither claimed nor passed the claim period', () => {
    const result = outstandingPrizes(
      standing,
      (w) => w.prizeId === 'main',
      (w) => deadlines[w.prizeId],
      new Date(5 * DAY),
    );
    expect(result.outstanding.map((w) => [w.prizeId, w.deadline])).toEqual([['early', null]]);
    expect(result.unclaimedAfterDeadline.map((w) => w.prizeId)).toEqual(['gift']);
  });

  it('counts the deadline instant itself as inside the claim period', () => {
    const result = outstandingPrizes(
      standing,
      () => false,
      (w) => deadlines[w.prizeId],
      new Date(2 * DAY),
    );
    expect(result.outstanding.map((w) => w.prizeId)).toEqual(['main', 'early', 'gift']);
  });
});
