export const ROLES = ['admin', 'operator', 'seller', 'auditor'] as const;
export type Role = (typeof ROLES)[number];

export function isRole(value: unknown): value is Role {
  return typeof value === 'string' && (ROLES as readonly string[]).includes(value);
}

/** Who made a request, as established from a verified token. */
export interface Principal {
  sub: string;
  roles: Role[];
  issuer: string;
  /** The token itself, so its first use can be journaled once (SIGNED_IN). */
  token?: TokenUse;
}

export interface TokenUse {
  /** `jti`, else `sub@iat`, else `sub@exp`: what tells one token of this issuer from another. */
  id: string;
  /** UTC ISO-8601 from `iat` and `exp`, when the token has them. */
  issuedAt?: string;
  expiresAt?: string;
}
