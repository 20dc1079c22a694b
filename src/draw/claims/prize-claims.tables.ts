/**
 * Prize claims and contact attempts (docs/draws.md section 13). The facts (who claimed which draw's
 * winning ticket, how it was paid, which channel an attempt used and its outcome) are append-only, as
 * the journal entries they mirror. The personal data behind them lives apart, in
 * `winner_personal_data`, so that it can be erased without touching a fact or the journal: the entries
 * and the fact rows hold only its salted commitment.
 */
export interface PrizeClaimTable {
  id: string;
  raffle_id: string;
  prize_id: string;
  /** The draw (result or redraw) that drew the ticket. */
  draw_id: string;
  ticket: number;
  code_hash: string;
  identity_document: string;
  payment_method: string;
  amount_minor: number | null;
  currency: string;
  commitment: string;
  claimed_by: string;
  claimed_at: Date;
  /** Ledger queue id of the PRIZE_CLAIMED entry (its seq once integrated). */
  queue_id: number;
  recorded_at: Date;
}

export interface WinnerContactAttemptTable {
  id: string;
  raffle_id: string;
  prize_id: string;
  draw_id: string;
  ticket: number;
  channel: string;
  outcome: string;
  commitment: string;
  attempted_by: string;
  attempted_at: Date;
  /** Ledger queue id of the WINNER_CONTACT_ATTEMPTED entry. */
  queue_id: number;
  recorded_at: Date;
}

/** The personal record of one claim or attempt, and the salt of its journaled commitment. */
export interface WinnerPersonalDataTable {
  /** The claim's or the attempt's id. */
  record_id: string;
  raffle_id: string;
  /** 'claim' or 'contact-attempt'. */
  kind: string;
  /** 64 hex: 32 random bytes. */
  salt: string;
  /** The personal record as JSON text (the `data` of the commitment). */
  data: string;
  created_at: Date;
}

declare module '../../database/schema.js' {
  interface Database {
    prize_claim: PrizeClaimTable;
    winner_contact_attempt: WinnerContactAttemptTable;
    winner_personal_data: WinnerPersonalDataTable;
  }
}
