// Types of the browser verifier's public API (index.js), for the TypeScript specs that run it against
// the reference implementation. The implementation is plain JavaScript checked with JSDoc types
// (tsconfig.browser.json), so that it is served to browsers exactly as written.

export type CheckStatus = 'pass' | 'fail' | 'skipped' | 'not-checked';
export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
}

export interface DrawProofReport {
  ok: boolean;
  checks: CheckResult[];
  kind?: 'result' | 'redraw';
  seal?: Record<string, unknown>;
  draw?: { tickets: number[]; positions: number[] } & Record<string, unknown>;
  tickets?: number[];
  positions?: number[];
  sealedPositions?: number[];
}

export interface PublishedDrawReport {
  ok: boolean;
  complete: boolean;
  checks: CheckResult[];
  report: DrawProofReport;
}

export const DRAW_PROOF_FORMAT: string;
export const DRAW_ALGORITHM: string;
export const SEAL_ALGORITHM: string;
export const DRAW_CHECKS: readonly (readonly [string, string])[];
export const JOURNAL_CHECKS: readonly (readonly [string, string])[];

export function verifyDrawProof(json: unknown): Promise<DrawProofReport>;
export function verifyPublishedDraw(
  response: unknown,
  options?: { verifierKey?: string | null },
): Promise<PublishedDrawReport>;
export function canonicalJson(value: unknown): string;
export function entryHash(entry: {
  seq: number;
  type: string;
  subject: string | null;
  payload: Record<string, unknown>;
  time: string;
  prevHash: string;
}): Promise<string>;
export function openSignedNote(
  note: string,
  key: { name: string; keyId: number; publicKey: Uint8Array } | null,
): Promise<{ text: string; signers: string[]; verified: boolean | null }>;
export function parseCheckpoint(text: string): {
  origin: string;
  size: number;
  rootHash: Uint8Array;
  extensions: string[];
};
export function parseVerifierKey(
  text: string,
): Promise<{ name: string; keyId: number; publicKey: Uint8Array }>;
