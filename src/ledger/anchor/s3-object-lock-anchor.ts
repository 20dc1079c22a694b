import { PutObjectCommand, S3Client, type S3ClientConfig } from '@aws-sdk/client-s3';

import type { AnchoredCheckpoint, AnchorReceipt, CheckpointAnchor } from './checkpoint-anchor.js';
import { AnchorConfigurationError, AnchorConflictError, AnchorIntegrityError } from './anchor-errors.js';
import { assertCheckpointMatchesNote, noteBytes, sha256Hex } from './checkpoint-note.js';
import {
  assertTreeSize,
  CHECKPOINTS_FOLDER,
  checkpointObjectName,
  treeSizeFromObjectName,
} from './checkpoint-object-name.js';
import { isS3Error } from './s3-error.js';
import { verifyObjectLockBucket, type ObjectLockBucketConfiguration } from './s3-object-lock-bucket.js';
import { listObjectVersions, type ObjectVersion, type ObjectVersions } from './s3-object-versions.js';
import {
  ANCHORED_AT_METADATA,
  getStoredVersion,
  sha256Base64,
  type StoredVersion,
} from './s3-stored-version.js';
import { checkpointStoredAt } from './stored-checkpoint.js';

const DAY_MS = 86_400_000;
// S3 may store the retain-until date at a coarser precision than the one we sent.
const RETENTION_PRECISION_MS = 1_000;

export interface S3ObjectLockAnchorOptions {
  /** A client to share, or the configuration of one this anchor owns (see destroy()). */
  client: S3Client | S3ClientConfig;
  bucket: string;
  /** Prepended verbatim to `checkpoints/<size>.note`, e.g. `fairdraw/prod/`. */
  prefix?: string;
  /** How long each checkpoint is locked from the moment it is anchored. */
  retentionDays: number;
  /** Only COMPLIANCE: GOVERNANCE retention can be bypassed by anyone granted s3:BypassGovernanceRetention. */
  mode?: 'COMPLIANCE';
  /** Told about every overwrite attempt or delete marker that read() finds (for the audit journal). */
  onTamperEvidence?: (evidence: TamperEvidence) => void;
  /** Page size of version listings; S3's default (1000) unless a test needs small pages. */
  listPageSize?: number;
}

/** A later write to an anchored key. The locked first version still stands; this records the attempt. */
export interface TamperEvidence {
  treeSize: number;
  location: string;
  /** The first, locked version: the one read() returns. */
  originalVersionId: string;
  kind: 'overwrite' | 'delete-marker';
  versionId: string;
  lastModified?: string;
}

export interface AnchorInspection {
  checkpoint: AnchoredCheckpoint;
  receipt: AnchorReceipt;
  tamperEvidence: TamperEvidence[];
}

/**
 * Anchors checkpoints in an S3 bucket with Object Lock in COMPLIANCE mode: no one, the root account
 * included, can delete or change a locked version before its retain-until date. Writes are
 * conditional (If-None-Match: *), and because a versioned bucket still accepts a new version on top
 * of a locked one (or a delete marker), the checkpoint of a tree size is always its OLDEST version.
 */
export class S3ObjectLockAnchor implements CheckpointAnchor {
  readonly kind = 's3' as const;
  private readonly client: S3Client;
  private readonly ownsClient: boolean;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly retentionDays: number;
  private readonly onTamperEvidence?: (evidence: TamperEvidence) => void;
  private readonly listPageSize?: number;

  constructor(options: S3ObjectLockAnchorOptions) {
    if (options.mode !== undefined && options.mode !== 'COMPLIANCE') {
      throw new AnchorConfigurationError(`retention mode must be COMPLIANCE, got ${String(options.mode)}`);
    }
    if (!Number.isInteger(options.retentionDays) || options.retentionDays < 1) {
      throw new AnchorConfigurationError(
        `retentionDays must be a positive integer, got ${options.retentionDays}`,
      );
    }
    if (!options.bucket) throw new AnchorConfigurationError('bucket is required');
    // Duck-typed: a client built by another copy of the SDK is still a client, not a configuration.
    if ('send' in options.client) {
      this.client = options.client;
      this.ownsClient = false;
    } else {
      this.client = new S3Client(options.client);
      this.ownsClient = true;
    }
    this.bucket = options.bucket;
    this.prefix = options.prefix ?? '';
    this.retentionDays = options.retentionDays;
    this.onTamperEvidence = options.onTamperEvidence;
    this.listPageSize = options.listPageSize;
  }

  /** Start-up check: fails with AnchorConfigurationError unless the bucket enforces write-once itself. */
  verifyBucketConfiguration(): Promise<ObjectLockBucketConfiguration> {
    return verifyObjectLockBucket(this.client, this.bucket);
  }

  async anchor(checkpoint: AnchoredCheckpoint): Promise<AnchorReceipt> {
    assertCheckpointMatchesNote(checkpoint);
    const key = this.keyOf(checkpoint.treeSize);
    const bytes = noteBytes(checkpoint.note);
    const existing = await this.originalVersion(key);
    if (existing !== null) return this.receiptForSameNote(checkpoint.treeSize, existing, bytes);

    const retainUntil = new Date(Date.now() + this.retentionDays * DAY_MS);
    let versionId: string | undefined;
    try {
      versionId = (await this.put(key, bytes, retainUntil)).VersionId;
    } catch (error) {
      if (isS3Error(error, 'PreconditionFailed', 'ConditionalRequestConflict')) {
        // Another writer anchored this tree size between our look and our write: its note decides.
        const winner = await this.originalVersion(key);
        if (winner !== null) return this.receiptForSameNote(checkpoint.treeSize, winner, bytes);
      }
      if (isS3Error(error, 'InvalidRequest')) {
        throw new AnchorConfigurationError(
          `S3 refused the Object Lock write to ${this.locationOf(key)} (is Object Lock enabled?): ${String(error)}`,
          { cause: error },
        );
      }
      throw error;
    }
    if (versionId === undefined) {
      throw new AnchorConfigurationError(
        `S3 returned no version id for ${this.locationOf(key)}: versioning is off`,
      );
    }
    const stored = await this.getVersion(key, versionId);
    this.assertLocked(stored, retainUntil);
    return this.receiptForSameNote(checkpoint.treeSize, stored, bytes);
  }

  async latest(): Promise<AnchoredCheckpoint | null> {
    const last = (await this.list()).at(-1);
    return last === undefined ? null : this.read(last.treeSize);
  }

  async list(): Promise<Array<{ treeSize: number; location: string }>> {
    const { versions } = await this.listVersions(this.prefix + CHECKPOINTS_FOLDER);
    const treeSizes = new Set<number>();
    for (const { key } of versions) {
      const treeSize = treeSizeFromObjectName(key.slice(this.prefix.length));
      if (treeSize !== null) treeSizes.add(treeSize);
    }
    return [...treeSizes]
      .sort((a, b) => a - b)
      .map((treeSize) => ({ treeSize, location: this.locationOf(this.keyOf(treeSize)) }));
  }

  async read(treeSize: number): Promise<AnchoredCheckpoint | null> {
    const inspection = await this.inspect(treeSize);
    if (inspection === null) return null;
    for (const evidence of inspection.tamperEvidence) this.onTamperEvidence?.(evidence);
    return inspection.checkpoint;
  }

  /** The anchored checkpoint with its receipt, and every later write to its key that did not replace it. */
  async inspect(treeSize: number): Promise<AnchorInspection | null> {
    assertTreeSize(treeSize);
    const key = this.keyOf(treeSize);
    const { versions, deleteMarkers } = await this.versionsOf(key);
    const originalEntry = versions.at(-1);
    if (originalEntry === undefined) return null;
    const original = await this.getVersion(key, originalEntry.versionId);
    const checkpoint = checkpointStoredAt(this.locationOf(key), treeSize, original.bytes);

    const tamperEvidence: TamperEvidence[] = [];
    const evidence = (kind: TamperEvidence['kind'], entry: ObjectVersion): TamperEvidence => ({
      treeSize,
      location: this.locationOf(key),
      originalVersionId: original.versionId,
      kind,
      versionId: entry.versionId,
      lastModified: entry.lastModified?.toISOString(),
    });
    for (const later of versions.slice(0, -1)) {
      const laterBytes = (await this.getVersion(key, later.versionId)).bytes;
      if (!laterBytes.equals(original.bytes)) tamperEvidence.push(evidence('overwrite', later));
    }
    for (const marker of deleteMarkers) tamperEvidence.push(evidence('delete-marker', marker));
    return { checkpoint, receipt: this.receiptOf(original), tamperEvidence };
  }

  /** Releases the client's sockets if this anchor created the client. */
  destroy(): void {
    if (this.ownsClient) this.client.destroy();
  }

  private put(key: string, bytes: Buffer, retainUntil: Date) {
    return this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: key,
        Body: bytes,
        ContentType: 'text/plain; charset=utf-8',
        IfNoneMatch: '*',
        ObjectLockMode: 'COMPLIANCE',
        ObjectLockRetainUntilDate: retainUntil,
        // Object Lock writes need Content-MD5 or a flexible checksum; SHA-256 also lets S3 verify the bytes.
        ChecksumAlgorithm: 'SHA256',
        ChecksumSHA256: sha256Base64(bytes),
        Metadata: { [ANCHORED_AT_METADATA]: new Date().toISOString() },
      }),
    );
  }

  /** Without `retainUntil`, any COMPLIANCE lock will do (a checkpoint anchored earlier, or by a competitor). */
  private assertLocked(stored: StoredVersion, retainUntil?: Date): void {
    const lockedUntil = stored.retainUntil?.getTime() ?? 0;
    const wanted = retainUntil === undefined ? 0 : retainUntil.getTime() - RETENTION_PRECISION_MS;
    if (stored.lockMode !== 'COMPLIANCE' || lockedUntil < wanted) {
      throw new AnchorIntegrityError(
        `checkpoint was stored with lock ${stored.lockMode ?? 'none'} until ${stored.retainUntil?.toISOString() ?? 'never'}, ` +
          `not COMPLIANCE${retainUntil === undefined ? '' : ` until ${retainUntil.toISOString()}`}`,
        stored.location,
      );
    }
  }

  private async receiptForSameNote(
    treeSize: number,
    existing: StoredVersion | ObjectVersion,
    bytes: Buffer,
  ): Promise<AnchorReceipt> {
    const stored = 'bytes' in existing ? existing : await this.getVersion(existing.key, existing.versionId);
    if (!stored.bytes.equals(bytes)) {
      throw new AnchorConflictError(treeSize, stored.location, sha256Hex(stored.bytes), sha256Hex(bytes));
    }
    this.assertLocked(stored);
    return this.receiptOf(stored);
  }

  private receiptOf(stored: StoredVersion): AnchorReceipt {
    return {
      anchor: this.kind,
      location: stored.location,
      versionId: stored.versionId,
      retainUntil: stored.retainUntil?.toISOString(),
      anchoredAt: stored.anchoredAt,
      sha256: sha256Hex(stored.bytes),
    };
  }

  private getVersion(key: string, versionId: string): Promise<StoredVersion> {
    return getStoredVersion(this.client, this.bucket, key, versionId);
  }

  private async originalVersion(key: string): Promise<ObjectVersion | null> {
    return (await this.versionsOf(key)).versions.at(-1) ?? null;
  }

  private async versionsOf(key: string): Promise<ObjectVersions> {
    const listed = await this.listVersions(key);
    // A prefix listing also returns longer keys that start with this one.
    return {
      versions: listed.versions.filter((version) => version.key === key),
      deleteMarkers: listed.deleteMarkers.filter((marker) => marker.key === key),
    };
  }

  private listVersions(prefix: string): Promise<ObjectVersions> {
    return listObjectVersions(this.client, this.bucket, prefix, this.listPageSize);
  }

  private keyOf(treeSize: number): string {
    return this.prefix + checkpointObjectName(treeSize);
  }

  private locationOf(key: string): string {
    return `s3://${this.bucket}/${key}`;
  }
}
