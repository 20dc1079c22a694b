/** The first use of each token (see migrations/20261123_30_audit.ts). */
export interface AuditSignInTable {
  /** SHA-256 hex of the token's issuer and id (jti, or sub and iat). */
  token_key: string;
  sub: string;
  first_seen_at: Date;
  expires_at: Date | null;
}

/** The effective configuration of the latest start (a single row, id 1). */
export interface AuditConfigStateTable {
  id: number;
  /** EffectiveConfig as JSON text (secrets only as "set"/"unset"). */
  config: string;
  digest: string;
  boot_id: string;
  recorded_at: Date;
}

declare module '../database/schema.js' {
  interface Database {
    audit_sign_in: AuditSignInTable;
    audit_config_state: AuditConfigStateTable;
  }
}
