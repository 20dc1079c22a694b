import { RngProviderError, type RngProviderName } from './random-source.js';

export type LifecycleState = 'new' | 'open' | 'closed';

/** generate() before open() or after close() is a wiring bug; say which one. */
export function assertOpen(provider: RngProviderName, state: LifecycleState): void {
  if (state === 'open') return;
  const reason = state === 'new' ? 'not-open' : 'closed';
  const detail = state === 'new' ? 'call open() first' : 'it was closed';
  throw new RngProviderError(provider, reason, `${provider}: the random source is not open (${detail})`);
}
