import {
  GetBucketVersioningCommand,
  GetObjectLockConfigurationCommand,
  type S3Client,
} from '@aws-sdk/client-s3';

import { AnchorConfigurationError } from './anchor-errors.js';
import { isS3Error } from './s3-error.js';

export interface ObjectLockBucketConfiguration {
  bucket: string;
  mode: 'COMPLIANCE';
  defaultRetention: { days?: number; years?: number };
  versioning: 'Enabled';
}

/**
 * Checks, at start-up, that the bucket itself enforces write-once: Object Lock on, versioning on, and a
 * default COMPLIANCE retention, so that even an object written without our lock headers (by someone
 * else) cannot be deleted. GOVERNANCE is refused because it can be bypassed with a permission.
 */
export async function verifyObjectLockBucket(
  client: S3Client,
  bucket: string,
): Promise<ObjectLockBucketConfiguration> {
  const where = `S3 bucket ${bucket}`;
  let lock;
  try {
    lock = (await client.send(new GetObjectLockConfigurationCommand({ Bucket: bucket })))
      .ObjectLockConfiguration;
  } catch (error) {
    if (isS3Error(error, 'NoSuchBucket')) throw new AnchorConfigurationError(`${where} does not exist`);
    if (isS3Error(error, 'ObjectLockConfigurationNotFoundError')) {
      throw new AnchorConfigurationError(
        `${where} does not have Object Lock enabled: checkpoints anchored there could be deleted or overwritten`,
      );
    }
    throw error;
  }
  if (lock?.ObjectLockEnabled !== 'Enabled') {
    throw new AnchorConfigurationError(`${where} does not have Object Lock enabled`);
  }
  const retention = lock.Rule?.DefaultRetention;
  const days = retention?.Days || undefined;
  const years = retention?.Years || undefined;
  if (retention?.Mode === undefined || (days === undefined && years === undefined)) {
    throw new AnchorConfigurationError(`${where} has Object Lock but no default retention`);
  }
  if (retention.Mode !== 'COMPLIANCE') {
    throw new AnchorConfigurationError(
      `${where} has default retention mode ${retention.Mode}; COMPLIANCE is required because ${retention.Mode} can be bypassed`,
    );
  }
  const versioning = await client.send(new GetBucketVersioningCommand({ Bucket: bucket }));
  if (versioning.Status !== 'Enabled') {
    throw new AnchorConfigurationError(
      `${where} has Object Lock but versioning is ${versioning.Status ?? 'off'}`,
    );
  }
  return { bucket, mode: 'COMPLIANCE', defaultRetention: { days, years }, versioning: 'Enabled' };
}
