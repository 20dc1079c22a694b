import { SealedRanges, SealedRangesError } from './sealed-ranges.js';

describe('SealedRanges', () => {
  const ranges = SealedRanges.fromRanges([
    { first: 3, last: 5, offset: 0 },
    { first: 9, last: 9, offset: 3 },
    { first: 20, last: 23, offset: 4 },
  ]);

  it('maps every position to its ticket and back, in ticket-number order', () => {
    const tickets = [3, 4, 5, 9, 20, 21, 22, 23];
    expect(ranges.count).toBe(8);
    tickets.forEach((t, p) => {
      expect(ranges.ticketAt(p)).toBe(t);
      expect(ranges.positionOf(t)).toBe(p);
    });
    for (const t of [1, 2, 6, 8, 10, 19, 24, 0, -1, 1.5]) expect(ranges.positionOf(t)).toBeUndefined();
    expect(() => ranges.ticketAt(8)).toThrow(RangeError);
    expect(() => ranges.ticketAt(-1)).toThrow(RangeError);
  });

  it('finds the neighbours of a number outside the set', () => {
    expect(ranges.rangeIndexBelow(2)).toBe(-1);
    expect(ranges.rangeIndexBelow(7)).toBe(0);
    expect(ranges.rangeIndexBelow(10)).toBe(1);
    expect(ranges.rangeIndexBelow(99)).toBe(2);
  });

  it.each([
    [[{ first: 3, last: 5, offset: 1 }], 'offset'],
    [
      [
        { first: 3, last: 5, offset: 0 },
        { first: 6, last: 7, offset: 3 },
      ],
      'gap',
    ],
    [
      [
        { first: 3, last: 5, offset: 0 },
        { first: 4, last: 7, offset: 3 },
      ],
      'gap',
    ],
    [[{ first: 5, last: 3, offset: 0 }], 'not a range'],
    [[{ first: 0, last: 3, offset: 0 }], 'not a range'],
  ])('refuses a non-canonical list %j', (list, why) => {
    expect(() => SealedRanges.fromRanges(list)).toThrow(SealedRangesError);
    expect(() => SealedRanges.fromRanges(list)).toThrow(why);
  });
});
