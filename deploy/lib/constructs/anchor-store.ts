import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

export const ANCHOR_PREFIX = 'anchors/';
export const EXPORT_PREFIX = 'exports/';

export interface AnchorStoreProps {
  readonly key: kms.IKey;
  readonly retentionDays: number;
  readonly archiveAfterDays: number;
  readonly accessLogs: s3.IBucket;
}

/**
 * Signed checkpoints (digest anchors) and archived exports, under S3 Object Lock in
 * COMPLIANCE mode: no one, the root user included, can delete or overwrite a version before
 * its retention date, so an anchored checkpoint outlives anyone who could rewrite the journal.
 */
export class AnchorStore extends Construct {
  readonly bucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: AnchorStoreProps) {
    super(scope, id);
    const archive = Duration.days(props.archiveAfterDays);
    this.bucket = new s3.Bucket(this, 'Bucket', {
      objectLockEnabled: true,
      objectLockDefaultRetention: s3.ObjectLockRetention.compliance(Duration.days(props.retentionDays)),
      versioned: true,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: props.key,
      bucketKeyEnabled: true,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      enforceSSL: true,
      minimumTLSVersion: 1.2,
      serverAccessLogsBucket: props.accessLogs,
      serverAccessLogsPrefix: 'anchor-bucket/',
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [
        {
          // Exports are large and read rarely (an audit, a regulator's request): Glacier
          // Flexible Retrieval, restored on demand.
          id: 'archive-exports',
          prefix: EXPORT_PREFIX,
          transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: archive }],
          noncurrentVersionTransitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: archive }],
        },
        {
          // The service reads anchors back to verify them, so they go to Glacier Instant
          // Retrieval (millisecond reads). S3 does not move objects under 128 KiB, which
          // keeps single checkpoints in Standard, where they cost less anyway.
          id: 'archive-anchors',
          prefix: ANCHOR_PREFIX,
          transitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: archive },
          ],
          noncurrentVersionTransitions: [
            { storageClass: s3.StorageClass.GLACIER_INSTANT_RETRIEVAL, transitionAfter: archive },
          ],
        },
      ],
    });
  }

  /**
   * What the service may do: write new objects with a COMPLIANCE retention, read them and
   * list versions (to detect overwrites and delete markers). No delete, no retention bypass,
   * no change to the bucket's lock or versioning.
   */
  grantAppendAndRead(role: iam.IRole): void {
    const objects = [ANCHOR_PREFIX, EXPORT_PREFIX].map((prefix) => this.bucket.arnForObjects(`${prefix}*`));
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'AppendAndReadAnchorsAndExports',
        actions: [
          's3:PutObject',
          's3:PutObjectRetention',
          's3:GetObject',
          's3:GetObjectVersion',
          's3:GetObjectRetention',
          's3:GetObjectAttributes',
        ],
        resources: objects,
      }),
    );
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({
        sid: 'InspectAnchorBucket',
        actions: [
          's3:ListBucket',
          's3:ListBucketVersions',
          's3:GetBucketObjectLockConfiguration',
          's3:GetBucketVersioning',
        ],
        resources: [this.bucket.bucketArn],
      }),
    );
    this.bucket.encryptionKey?.grant(role, 'kms:GenerateDataKey', 'kms:Decrypt');
    const bucketLogicalId = Stack.of(this).getLogicalId(this.bucket.node.defaultChild as s3.CfnBucket);
    for (const prefix of [ANCHOR_PREFIX, EXPORT_PREFIX]) {
      Validations.of(role).acknowledge({
        id: `AwsSolutions-IAM5[Resource::<${bucketLogicalId}.Arn>/${prefix}*]`,
        reason: `Anchors and exports are new objects with names made by the service, so the grant covers the ${prefix} prefix; it allows writing and reading, never deleting.`,
      });
    }
  }
}

/** Server access logs of the anchor bucket and the load balancer's access logs. */
export function accessLogBucket(scope: Construct, id: string): s3.Bucket {
  const bucket = new s3.Bucket(scope, id, {
    // Load balancer access logs can only be delivered to SSE-S3 buckets.
    encryption: s3.BucketEncryption.S3_MANAGED,
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    enforceSSL: true,
    minimumTLSVersion: 1.2,
    versioned: true,
    removalPolicy: RemovalPolicy.RETAIN,
    lifecycleRules: [
      {
        id: 'expire-access-logs',
        transitions: [{ storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) }],
        expiration: Duration.days(800),
        noncurrentVersionExpiration: Duration.days(30),
      },
    ],
  });
  Validations.of(bucket).acknowledge({
    id: 'AwsSolutions-S1',
    reason:
      'This bucket is the access-log destination; logging it to itself would loop and to another bucket would only move the problem.',
  });
  return bucket;
}
