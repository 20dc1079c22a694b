/** A different note for a tree size that is already anchored: the log would have forked. */
export class AnchorConflictError extends Error {
  override readonly name = 'AnchorConflictError';

  constructor(
    readonly treeSize: number,
    readonly location: string,
    readonly anchoredSha256: string,
    readonly attemptedSha256: string,
  ) {
    super(
      `checkpoint for tree size ${treeSize} is already anchored at ${location} with a different note ` +
        `(anchored sha256 ${anchoredSha256}, attempted sha256 ${attemptedSha256})`,
    );
  }
}

/** What the anchor holds is not what was anchored, or was not stored with the promised protection. */
export class AnchorIntegrityError extends Error {
  override readonly name = 'AnchorIntegrityError';

  constructor(
    message: string,
    readonly location: string,
  ) {
    super(`${message} (${location})`);
  }
}

/** The anchor's store cannot keep the write-once promise (for example a bucket without Object Lock). */
export class AnchorConfigurationError extends Error {
  override readonly name = 'AnchorConfigurationError';
}

/** The checkpoint handed to anchor() contradicts its own note, or the note is not a checkpoint. */
export class InvalidCheckpointError extends Error {
  override readonly name = 'InvalidCheckpointError';
}
