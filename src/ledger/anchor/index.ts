import { LocalFolderAnchor } from './local-folder-anchor.js';
import { S3ObjectLockAnchor } from './s3-object-lock-anchor.js';

export type { AnchoredCheckpoint, AnchorKind, AnchorReceipt, CheckpointAnchor } from './checkpoint-anchor.js';
export {
  AnchorConfigurationError,
  AnchorConflictError,
  AnchorIntegrityError,
  InvalidCheckpointError,
} from './anchor-errors.js';
export { checkpointFromNote } from './checkpoint-note.js';
export { checkpointObjectName, treeSizeFromObjectName } from './checkpoint-object-name.js';
export { LocalFolderAnchor } from './local-folder-anchor.js';
export type { ObjectLockBucketConfiguration } from './s3-object-lock-bucket.js';
export {
  S3ObjectLockAnchor,
  type AnchorInspection,
  type S3ObjectLockAnchorOptions,
  type TamperEvidence,
} from './s3-object-lock-anchor.js';

export type CheckpointAnchorConfig =
  | { kind: 'local'; dir: string }
  | {
      kind: 's3';
      bucket: string;
      prefix?: string;
      retentionDays: number;
      region: string;
      endpoint?: string;
      forcePathStyle?: boolean;
      /** Omit in AWS: the SDK's default chain (the ECS task role) is the right source. */
      credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
    };

/** Narrow on `kind` to reach S3ObjectLockAnchor.verifyBucketConfiguration() at start-up. */
export function createCheckpointAnchor(
  config: CheckpointAnchorConfig,
): LocalFolderAnchor | S3ObjectLockAnchor {
  switch (config.kind) {
    case 'local':
      return new LocalFolderAnchor(config.dir);
    case 's3':
      return new S3ObjectLockAnchor({
        client: {
          region: config.region,
          endpoint: config.endpoint,
          forcePathStyle: config.forcePathStyle,
          credentials: config.credentials,
        },
        bucket: config.bucket,
        prefix: config.prefix,
        retentionDays: config.retentionDays,
        mode: 'COMPLIANCE',
      });
  }
}
