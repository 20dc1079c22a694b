import { randomUUID } from 'node:crypto';
import type { RaffleRulesInput } from '../../src/raffle/raffle-rules.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A valid 50/50 raffle draft whose sales window is open now; override any field. */
export function raffleDraft(overrides: Partial<RaffleRulesInput> = {}): RaffleRulesInput {
  const now = Date.now();
  const closeAt = overrides.salesCloseAt ? Date.parse(overrides.salesCloseAt) : now + 7 * DAY;
  return {
    licenseNumber: 'RAF-2026-000123',
    name: 'Hospital Foundation 50/50',
    rulesText: 'One main 50/50 prize. Need not be present to win. Rules at the foundation office.',
    type: 'FIFTY_FIFTY',
    currency: 'CAD',
    jurisdiction: 'GLI31-DEFAULT',
    packages: [
      { id: 'one', tickets: 1, priceMinor: 1_000, label: '1 for $10' },
      { id: 'five', tickets: 5, priceMinor: 2_000, label: '5 for $20' },
      { id: 'thirty', tickets: 30, priceMinor: 5_000, label: '30 for $50' },
    ],
    salesOpenAt: new Date(now - HOUR).toISOString(),
    salesCloseAt: new Date(closeAt).toISOString(),
    maxTickets: 1_000_000,
    maxTicketsPerOrder: 30,
    maxTicketsPerBuyer: null,
    prizes: [
      { id: 'main', name: '50/50 main prize', kind: 'MAIN', drawAt: new Date(closeAt + HOUR).toISOString() },
    ],
    prizeShareBps: 5_000,
    seedMinor: 0,
    channels: ['ONLINE', 'POS', 'CASHIER'],
    drawMethod: 'RNG',
    ...overrides,
  };
}

/** A fixed-prize raffle draft with an early-bird draw every Friday inside its window. */
export function fixedPrizeDraft(overrides: Partial<RaffleRulesInput> = {}): RaffleRulesInput {
  const base = raffleDraft();
  const closeAt = Date.parse(base.salesCloseAt) + 21 * DAY;
  return raffleDraft({
    type: 'FIXED_PRIZE',
    name: 'Dream Car Raffle',
    prizeShareBps: null,
    salesCloseAt: new Date(closeAt).toISOString(),
    prizes: [
      {
        id: 'car',
        name: 'Electric car',
        kind: 'MAIN',
        drawAt: new Date(closeAt + DAY).toISOString(),
        amountMinor: 4_500_000,
      },
      {
        id: 'friday',
        name: 'Friday early bird',
        kind: 'EARLY_BIRD',
        drawCron: '0 20 * * 5',
        amountMinor: 50_000,
      },
    ],
    ...overrides,
  });
}

/** A fresh Idempotency-Key. */
export function idempotencyKey(): string {
  return `key-${randomUUID()}`;
}
