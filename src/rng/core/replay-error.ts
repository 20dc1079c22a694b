/** Journaled bytes that do not recompute a draw exactly (too few, or some left over). */
export class RngReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RngReplayError';
  }
}
