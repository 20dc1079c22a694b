/**
 * A sealed draw set: which journal it was computed from (tree sizes) and its commitment. The set
 * itself is never stored: it is recomputed from the journal when a proof needs it. One seal per
 * raffle and seal key ('final' for the seal made when sales closed, 'cutoff:<prizeId>' for an
 * early-bird cut-off), enforced by a unique constraint.
 */
export interface DrawSealTable {
  id: string;
  raffle_id: string;
  seal_key: string;
  /** JSON array of the prize ids (journaled keys) drawn from this set. */
  prize_ids: string;
  sales_closed: boolean;
  cutoff_tree_size: number;
  ledger_tree_size: number;
  ticket_count: number;
  range_count: number;
  root: string;
  /** A final seal: paid, not voided sales in its journal (minor units), the 50/50 basis; else null. */
  paid_total_minor: number | null;
  /** The ledger queue id of the DRAW_SEALED entry (its seq once integrated). */
  queue_id: number;
  recorded_at: Date;
  created_at: Date;
}

export type DrawKind = 'result' | 'redraw';

/**
 * A draw of a prize (kind 'result', at most one per raffle and prize: a unique index) or a redraw
 * replacing one winner (at most one per replaced winner: a unique index). What is shown is read
 * from the journal entries (queue ids below); `tickets` is kept to compute exclusions inside the
 * next draw's transaction, and the verifier checks that those agree with the journal.
 */
export interface DrawRecordTable {
  id: string;
  raffle_id: string;
  prize_id: string;
  seal_id: string;
  kind: DrawKind;
  replaces_draw_id: string | null;
  replaces_ticket: number | null;
  repeats: boolean;
  /** JSON array of the winning tickets, in prize order. */
  tickets: string;
  /** Ledger queue ids of the DRAW_RESULT / DRAW_REDRAWN entry and of the DRAW_PRIZE entry. */
  queue_id: number;
  prize_queue_id: number | null;
  recorded_at: Date;
  drawn_by: string;
  drawn_at: Date;
}

declare module '../database/schema.js' {
  interface Database {
    draw_seal: DrawSealTable;
    draw_record: DrawRecordTable;
  }
}
