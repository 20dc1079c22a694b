import { cronOccurrences, DrawCalendar, isCronExpression } from './draw-schedule.js';

describe('draw schedules', () => {
  it('recognises cron expressions with 5 or 6 fields', () => {
    expect(isCronExpression('0 20 * * 5')).toBe(true);
    expect(isCronExpression('0 0 20 * * 5')).toBe(true);
    expect(isCronExpression('every friday')).toBe(false);
    expect(isCronExpression('')).toBe(false);
  });

  it('lists the occurrences inside a window, the bounds included', () => {
    const times = cronOccurrences(
      '0 20 * * 5',
      new Date('2026-12-04T20:00:00Z'),
      new Date('2026-12-18T20:00:00Z'),
      10,
    );
    expect(times.map((t) => t.toISOString())).toEqual([
      '2026-12-04T20:00:00.000Z',
      '2026-12-11T20:00:00.000Z',
      '2026-12-18T20:00:00.000Z',
    ]);
    expect(cronOccurrences('* * * * *', new Date(0), new Date(3_600_000), 5)).toHaveLength(5);
  });

  it('gives each ticket the draws still ahead of its sale', () => {
    const calendar = new DrawCalendar(
      [
        { id: 'eb', name: 'Early bird', kind: 'EARLY_BIRD', drawAt: null, drawCron: '0 20 * * 5' },
        { id: 'main', name: 'Main', kind: 'MAIN', drawAt: '2026-12-20T21:00:00.000Z', drawCron: null },
      ],
      new Date('2026-12-01T00:00:00Z'),
      new Date('2026-12-19T00:00:00Z'),
    );
    expect(calendar.applicable(new Date('2026-12-05T10:00:00Z'))).toEqual([
      {
        prizeId: 'eb',
        name: 'Early bird',
        kind: 'EARLY_BIRD',
        drawAt: '2026-12-11T20:00:00.000Z',
        schedule: '0 20 * * 5',
      },
      { prizeId: 'main', name: 'Main', kind: 'MAIN', drawAt: '2026-12-20T21:00:00.000Z', schedule: null },
    ]);
    expect(calendar.applicable(new Date('2026-12-18T23:00:00Z')).map((d) => d.prizeId)).toEqual(['main']);
  });
});
