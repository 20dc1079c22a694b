/**
 * Complaints (PLY-4, docs/complaints.md). A complaint's row holds its current status and the words
 * of the complaint and its resolution (each journaled as a SHA-256); every step is a journal entry.
 * The complainant's contact details live apart, in `complaint_personal_data`, so that they can be
 * erased without touching the complaint or the journal (which holds only their salted commitment).
 */
export interface ComplaintTable {
  id: string;
  /** What the complainant is given, e.g. CMP-7K2Q-9XHD-4T0B; unique. */
  reference: string;
  raffle_id: string;
  category: string;
  text: string;
  /** SHA-256 of the validation number named, or null. */
  code_hash: string | null;
  /** The ticket numbers of the sale that validation number belongs to, when one was named. */
  first_ticket: number | null;
  last_ticket: number | null;
  status: string;
  resolution: string | null;
  /** The salted commitment to the contact details the COMPLAINT_FILED entry journals, or null. */
  commitment: string | null;
  filed_at: Date;
  /** Ledger queue id of the COMPLAINT_FILED entry. */
  queue_id: number;
  recorded_at: Date;
  updated_at: Date;
  updated_by: string | null;
}

/** One status change, as journaled (COMPLAINT_STATUS_CHANGED); append-only. */
export interface ComplaintTransitionTable {
  complaint_id: string;
  from_status: string;
  to_status: string;
  resolution: string | null;
  changed_by: string;
  changed_at: Date;
  queue_id: number;
  recorded_at: Date;
}

/** The contact details of a complaint and the salt of their journaled commitment. */
export interface ComplaintPersonalDataTable {
  complaint_id: string;
  salt: string;
  /** `{name, email, phone}` as JSON text (the `data` of the commitment). */
  data: string;
  created_at: Date;
}

declare module '../database/schema.js' {
  interface Database {
    complaint: ComplaintTable;
    complaint_transition: ComplaintTransitionTable;
    complaint_personal_data: ComplaintPersonalDataTable;
  }
}
