import { normalizeRules } from '../raffle/raffle-rules.js';
import { prizeDraws, sealKeyOf } from './prize-draws.js';

const rules = normalizeRules({
  licenseNumber: 'L-1',
  name: 'Dream Car Raffle',
  rulesText: 'rules',
  type: 'FIXED_PRIZE',
  currency: 'CAD',
  jurisdiction: 'GLI31-DEFAULT',
  packages: [{ id: 'one', tickets: 1, priceMinor: 1000 }],
  salesOpenAt: '2026-12-01T00:00:00.000Z',
  salesCloseAt: '2026-12-20T00:00:00.000Z',
  maxTickets: 1000,
  maxTicketsPerOrder: 10,
  prizes: [
    { id: 'car', name: 'Car', kind: 'MAIN', drawAt: '2026-12-21T18:00:00.000Z', amountMinor: 4_500_000 },
    {
      id: 'friday',
      name: 'Friday early bird',
      kind: 'EARLY_BIRD',
      drawCron: '0 20 * * 5',
      amountMinor: 50_000,
    },
    {
      id: 'gift',
      name: 'Gift card',
      kind: 'CONSOLATION',
      drawAt: '2026-12-10T12:00:00.000Z',
      amountMinor: 10_000,
    },
  ],
  channels: ['POS'],
  drawMethod: 'RNG',
});

describe('prizeDraws', () => {
  it('lists one draw per fixed-time prize and one per occurrence of a recurring prize, in time order', () => {
    const draws = prizeDraws(rules);
    expect(draws.map((d) => [d.prizeId, d.at.toISOString(), d.final])).toEqual([
      ['friday@2026-12-04T20:00:00.000Z', '2026-12-04T20:00:00.000Z', false],
      ['gift', '2026-12-10T12:00:00.000Z', false],
      ['friday@2026-12-11T20:00:00.000Z', '2026-12-11T20:00:00.000Z', false],
      ['friday@2026-12-18T20:00:00.000Z', '2026-12-18T20:00:00.000Z', false],
      ['car', '2026-12-21T18:00:00.000Z', true],
    ]);
  });

  it('seals the MAIN prize from the final set and every other draw at its own cut-off', () => {
    expect(prizeDraws(rules).map(sealKeyOf)).toEqual([
      'cutoff:friday@2026-12-04T20:00:00.000Z',
      'cutoff:gift',
      'cutoff:friday@2026-12-11T20:00:00.000Z',
      'cutoff:friday@2026-12-18T20:00:00.000Z',
      'final',
    ]);
  });
});
