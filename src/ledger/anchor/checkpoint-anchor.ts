/** A checkpoint as the anchor stores it: the signed note is the evidence, size and root are read from it. */
export interface AnchoredCheckpoint {
  treeSize: number;
  /** Lowercase hex. */
  rootHash: string;
  /** The signed note text, stored and returned byte for byte. */
  note: string;
}

export type AnchorKind = 'local' | 's3';

export interface AnchorReceipt {
  anchor: AnchorKind;
  /** A file path, or s3://bucket/key. */
  location: string;
  versionId?: string;
  /** ISO-8601 UTC: the date until which the store refuses to delete or change the checkpoint. */
  retainUntil?: string;
  /** ISO-8601 UTC. */
  anchoredAt: string;
  /** SHA-256 of the note bytes, lowercase hex. */
  sha256: string;
}

/**
 * Stores signed checkpoints outside the database, write-once, so that truncating or rewriting the
 * journal is detectable by comparing it with the anchored checkpoints.
 */
export interface CheckpointAnchor {
  readonly kind: AnchorKind;
  /**
   * Write-once. Anchoring the same note again returns the existing receipt; a different note for an
   * anchored tree size throws AnchorConflictError, because two notes for one size would be a fork.
   */
  anchor(checkpoint: AnchoredCheckpoint): Promise<AnchorReceipt>;
  /** The anchored checkpoint with the largest tree size, or null when none is anchored. */
  latest(): Promise<AnchoredCheckpoint | null>;
  /** Ascending tree size. */
  list(): Promise<Array<{ treeSize: number; location: string }>>;
  read(treeSize: number): Promise<AnchoredCheckpoint | null>;
}
