import type { FieldError } from '../common/domain.exception.js';

/** What a draw asks the RNG for. */
export interface RngDrawRequest {
  /** Why the bytes are drawn, a short machine name used as a metric label: 'draw', 'redraw', ... */
  purpose: string;
  /** What the draw is about (journal subject), e.g. 'raffle/<id>/prize/<n>'; 1-256 characters. */
  subject: string;
  /** Winners to select: 0 <= k <= MAX_WINNERS_PER_REQUEST (and k <= n without repeats). */
  k: number;
  /** Eligible positions: winners are positions in [0, n); 1 <= n <= 2^53 - 1. */
  n: number;
  /** Independent draws (a position may win more than once); default false: k distinct positions. */
  repeats?: boolean;
}

/** Keeps one journal entry (which lists every provider call) to a sensible size. */
export const MAX_WINNERS_PER_REQUEST = 10_000;

const PURPOSE = /^[a-z][a-z0-9._:-]{0,63}$/;

/** The problems of a request, one per field; empty when it is valid. */
export function drawRequestProblems(request: RngDrawRequest): FieldError[] {
  const problems: FieldError[] = [];
  const add = (field: string, message: string) => problems.push({ field, messages: [message] });
  if (typeof request.purpose !== 'string' || !PURPOSE.test(request.purpose)) {
    add('purpose', 'purpose must be a lower-case name of 1-64 characters (a-z, 0-9, . _ : -)');
  }
  if (typeof request.subject !== 'string' || request.subject.length < 1 || request.subject.length > 256) {
    add('subject', 'subject must be a string of 1-256 characters');
  }
  if (!Number.isSafeInteger(request.n) || request.n < 1) {
    add('n', 'n must be an integer from 1 to 2^53 - 1');
  }
  if (!Number.isSafeInteger(request.k) || request.k < 0 || request.k > MAX_WINNERS_PER_REQUEST) {
    add('k', `k must be an integer from 0 to ${MAX_WINNERS_PER_REQUEST}`);
  } else if (!request.repeats && Number.isSafeInteger(request.n) && request.k > request.n) {
    add('k', `k must not exceed n (${request.n}) for distinct winners`);
  }
  if (request.repeats !== undefined && typeof request.repeats !== 'boolean') {
    add('repeats', 'repeats must be true or false');
  }
  return problems;
}
