import { randomBytes } from 'node:crypto';

import {
  CreateBucketCommand,
  PutObjectLockConfigurationCommand,
  type ObjectLockRetentionMode,
  type S3Client,
} from '@aws-sdk/client-s3';

export function uniqueBucketName(purpose: string): string {
  return `fairdraw-${purpose}-${randomBytes(4).toString('hex')}`;
}

/** A bucket as the deployment creates it: Object Lock on from creation, default retention in `mode`. */
export async function createObjectLockBucket(
  client: S3Client,
  { mode = 'COMPLIANCE', days = 1 }: { mode?: ObjectLockRetentionMode | null; days?: number } = {},
): Promise<string> {
  const bucket = uniqueBucketName('anchors');
  await client.send(new CreateBucketCommand({ Bucket: bucket, ObjectLockEnabledForBucket: true }));
  if (mode !== null) {
    await client.send(
      new PutObjectLockConfigurationCommand({
        Bucket: bucket,
        ObjectLockConfiguration: {
          ObjectLockEnabled: 'Enabled',
          Rule: { DefaultRetention: { Mode: mode, Days: days } },
        },
      }),
    );
  }
  return bucket;
}
