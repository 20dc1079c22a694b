import { allowedTransitions, canTransition, isEditable, RAFFLE_STATUSES } from './raffle-lifecycle.js';

describe('raffle lifecycle', () => {
  it('allows exactly the documented transitions', () => {
    const allowed = RAFFLE_STATUSES.flatMap((from) =>
      RAFFLE_STATUSES.filter((to) => canTransition(from, to)).map((to) => `${from}->${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'DRAFT->OPEN',
        'DRAFT->CANCELLED',
        'OPEN->CLOSED',
        'OPEN->CANCELLED',
        'CLOSED->DRAWN',
        'CLOSED->CANCELLED',
        'DRAWN->SETTLED',
      ].sort(),
    );
  });

  it('ends in SETTLED and CANCELLED, and never goes back', () => {
    expect(allowedTransitions('SETTLED')).toEqual([]);
    expect(allowedTransitions('CANCELLED')).toEqual([]);
    expect(canTransition('CLOSED', 'OPEN')).toBe(false);
    expect(canTransition('DRAWN', 'CANCELLED')).toBe(false);
  });

  it('lets only drafts be edited', () => {
    expect(RAFFLE_STATUSES.filter(isEditable)).toEqual(['DRAFT']);
  });
});
