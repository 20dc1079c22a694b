/**
 * The raffle lifecycle: DRAFT → OPEN → CLOSED → DRAWN → SETTLED, or CANCELLED (with refunds)
 * from any state before the draw. Rules can be edited only in DRAFT (SALE-5).
 */
export const RAFFLE_STATUSES = ['DRAFT', 'OPEN', 'CLOSED', 'DRAWN', 'SETTLED', 'CANCELLED'] as const;
export type RaffleStatus = (typeof RAFFLE_STATUSES)[number];

const TRANSITIONS: Record<RaffleStatus, readonly RaffleStatus[]> = {
  DRAFT: ['OPEN', 'CANCELLED'],
  OPEN: ['CLOSED', 'CANCELLED'],
  CLOSED: ['DRAWN', 'CANCELLED'],
  DRAWN: ['SETTLED'],
  SETTLED: [],
  CANCELLED: [],
};

/** The journal entry type of arriving in each state. */
export const TRANSITION_ENTRY: Record<RaffleStatus, string> = {
  DRAFT: 'RAFFLE_CREATED',
  OPEN: 'RAFFLE_OPENED',
  CLOSED: 'RAFFLE_CLOSED',
  DRAWN: 'RAFFLE_DRAWN',
  SETTLED: 'RAFFLE_SETTLED',
  CANCELLED: 'RAFFLE_CANCELLED',
};

export function canTransition(from: RaffleStatus, to: RaffleStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

export function allowedTransitions(from: RaffleStatus): readonly RaffleStatus[] {
  return TRANSITIONS[from];
}

export function isEditable(status: RaffleStatus): boolean {
  return status === 'DRAFT';
}

/** Tickets may be sold only in OPEN; the batch still checks the window against the clock. */
export function isSelling(status: RaffleStatus): boolean {
  return status === 'OPEN';
}

/** The journal subject of everything that happens to a raffle, its orders and blocks included. */
export function raffleSubject(raffleId: string): string {
  return `raffle/${raffleId}`;
}
