/** The register of erasures of personal data (docs/privacy.md); append-only. */
export interface PersonalDataErasureTable {
  /** 'claim', 'contact-attempt' or 'complaint'. */
  record_kind: string;
  record_id: string;
  raffle_id: string;
  basis: string;
  /** Why, in the admin's words (journaled as its SHA-256): a request reference, a retention schedule. */
  reason: string;
  erased_by: string;
  erased_at: Date;
  /** Ledger queue id of the PERSONAL_DATA_ERASED entry. */
  queue_id: number;
  recorded_at: Date;
}

declare module '../database/schema.js' {
  interface Database {
    personal_data_erasure: PersonalDataErasureTable;
  }
}
