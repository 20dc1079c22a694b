import type { Origin } from '../audit/significant-event.js';
import type { Tx } from '../database/database.service.js';
import type { RaffleStatus } from './raffle-lifecycle.js';
import type { RaffleRules } from './raffle-rules.js';

export interface RaffleTransition {
  raffleId: string;
  rules: RaffleRules;
  from: RaffleStatus;
  to: RaffleStatus;
  at: Date;
  /** Who asked: a token subject, or `system:...` for scheduled work. */
  by: string;
  /** The caller, address and request of the step, for what the hooks journal because of it. */
  origin: Origin;
  reason: string | null;
}

/**
 * Lets a module that depends on raffles (tickets) take part in a lifecycle step without the
 * raffle module depending on it: `beforeCommit` runs inside the transition's transaction (it
 * may refuse the transition by throwing, and its writes and journal entries commit with it);
 * `afterCommit` runs once the transition is durable.
 */
export interface RaffleTransitionHook {
  beforeCommit?(trx: Tx, transition: RaffleTransition): Promise<void>;
  afterCommit?(transition: RaffleTransition): void;
}
