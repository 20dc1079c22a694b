import { ageAt, parseBirthDate } from './age.js';

const birth = (text: string) => {
  const parsed = parseBirthDate(text);
  if (!parsed) throw new Error(`not a date: ${text}`);
  return parsed;
};

describe('age at the time of sale (UTC)', () => {
  it('turns 18 at 00:00 UTC of the 18th birthday, not a millisecond before', () => {
    const dob = birth('2008-12-07');
    expect(ageAt(dob, new Date('2026-12-06T23:59:59.999Z'))).toBe(17);
    expect(ageAt(dob, new Date('2026-12-07T00:00:00.000Z'))).toBe(18);
  });

  it('reads the sale time in UTC, whatever the local offset of the buyer', () => {
    // 19:30 in Toronto on 6 December is 00:30 UTC on 7 December: the UTC date counts.
    expect(ageAt(birth('2008-12-07'), new Date('2026-12-06T19:30:00-05:00'))).toBe(18);
  });

  it('makes someone born on 29 February 18 on 1 March of a common year, and on 29 February of a leap year', () => {
    const leapling = birth('2008-02-29');
    expect(ageAt(leapling, new Date('2026-02-28T23:59:59Z'))).toBe(17);
    expect(ageAt(leapling, new Date('2026-03-01T00:00:00Z'))).toBe(18);
    const older = birth('2004-02-29');
    expect(ageAt(older, new Date('2022-02-28T12:00:00Z'))).toBe(17);
    expect(ageAt(older, new Date('2022-03-01T00:00:00Z'))).toBe(18);
    expect(ageAt(birth('2012-02-29'), new Date('2030-02-28T23:59:59Z'))).toBe(17);
    expect(ageAt(birth('2012-02-29'), new Date('2032-02-29T00:00:00Z'))).toBe(20);
  });

  it('counts months before days: a later month is not yet the birthday', () => {
    expect(ageAt(birth('2000-06-15'), new Date('2018-05-31T00:00:00Z'))).toBe(17);
    expect(ageAt(birth('2000-06-15'), new Date('2018-07-01T00:00:00Z'))).toBe(18);
  });

  it('accepts only calendar dates that exist', () => {
    expect(parseBirthDate('2008-02-29')).toEqual({ year: 2008, month: 2, day: 29 });
    for (const bad of [
      '2007-02-29',
      '2008-13-01',
      '2008-00-10',
      '2008-04-31',
      '08-01-01',
      '2008-1-1',
      '2008-01-01T00:00:00Z',
      '',
    ]) {
      expect(parseBirthDate(bad)).toBeUndefined();
    }
  });
});
