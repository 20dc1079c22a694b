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
}
