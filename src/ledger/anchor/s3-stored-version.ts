import { GetObjectCommand, type S3Client } from '@aws-sdk/client-s3';

import { AnchorIntegrityError } from './anchor-errors.js';
import { sha256Hex } from './checkpoint-note.js';

export const ANCHORED_AT_METADATA = 'anchored-at';

/** One version of an anchored object: its exact bytes and the lock S3 says protects it. */
export interface StoredVersion {
  key: string;
  location: string;
  versionId: string;
  bytes: Buffer;
  lockMode?: string;
  retainUntil?: Date;
  anchoredAt: string;
}

/**
 * Reads a version with its lock from GetObject itself (moto's GetObjectRetention is broken, and one
 * request is cheaper anyway), and checks the bytes against the SHA-256 that S3 recorded at write time.
 */
export async function getStoredVersion(
  client: S3Client,
  bucket: string,
  key: string,
  versionId: string,
): Promise<StoredVersion> {
  const location = `s3://${bucket}/${key}`;
  const object = await client.send(
    new GetObjectCommand({ Bucket: bucket, Key: key, VersionId: versionId, ChecksumMode: 'ENABLED' }),
  );
  if (object.Body === undefined) throw new AnchorIntegrityError(`version ${versionId} has no body`, location);
  const bytes = Buffer.from(await object.Body.transformToByteArray());
  if (object.ChecksumSHA256 !== undefined && object.ChecksumSHA256 !== sha256Base64(bytes)) {
    throw new AnchorIntegrityError(`version ${versionId} does not match its SHA-256 checksum`, location);
  }
  return {
    key,
    location,
    versionId,
    bytes,
    lockMode: object.ObjectLockMode,
    retainUntil: object.ObjectLockRetainUntilDate,
    // Objects not written by this anchor have no such metadata; their write time is the next best thing.
    anchoredAt: object.Metadata?.[ANCHORED_AT_METADATA] ?? (object.LastModified ?? new Date(0)).toISOString(),
  };
}

export function sha256Base64(bytes: Uint8Array): string {
  return Buffer.from(sha256Hex(bytes), 'hex').toString('base64');
}
