// One error for draw data that does not have its documented shape (docs/draws.md): a proof, a
// journal payload, a draw record. It names the field, so a report can point at it.

export class DrawFormatError extends Error {
  override readonly name = 'DrawFormatError';

  constructor(
    /** Path of the offending field, e.g. 'rngCalls[2].bytes'. */
    readonly field: string,
    readonly problem: string,
  ) {
    super(`${field}: ${problem}`);
  }
}
