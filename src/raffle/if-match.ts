import { DomainException } from '../common/domain.exception.js';

/** The version in an `If-Match` header ("3", W/"3" or 3); undefined when the header is absent. */
export function parseIfMatch(header: string | undefined): number | undefined {
  if (header === undefined || header.trim() === '') return undefined;
  const match = /^\s*(?:W\/)?"?(\d{1,9})"?\s*$/.exec(header);
  if (!match) {
    throw new DomainException(400, 'VALIDATION_FAILED', 'If-Match must be a raffle version such as "3"', [
      { field: 'If-Match', messages: ['If-Match must be a raffle version such as "3"'] },
    ]);
  }
  return Number(match[1]);
}
