import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SUBNETS } from '../foundation-stack.js';

export const DATABASE_NAME = 'fairdraw';
/** Owns the schema; used only by the one-off migration task. */
export const OWNER_ROLE = 'fairdraw_owner';
/** Least-privilege role the service connects as; created and granted by the migrations. */
export const RUNTIME_ROLE = 'fairdraw_runtime';

/** Characters left out of generated passwords so they survive URLs, shells and JSON. */
const EXCLUDED_PASSWORD_CHARACTERS = ' %+~`#$&*()|[]{}:;<>?!\'/@"\\=,';

export interface DatabaseProps {
  readonly vpc: ec2.IVpc;
  readonly key: kms.IKey;
  readonly clusterIdentifier: string;
  readonly minCapacity: number;
  readonly maxCapacity: number;
}

/**
 * Aurora PostgreSQL Serverless v2: a writer and a reader in another AZ (failover in about
 * 30 s), storage replicated six ways over three AZs, encrypted with the data key, 35 days of
 * point-in-time recovery, deletion protection, TLS required. Two secrets: the owner (for
 * migrations) and the runtime role (for the service), both rotated every 30 days.
 */
export class Database extends Construct {
  readonly cluster: rds.DatabaseCluster;
  readonly securityGroup: ec2.SecurityGroup;
  readonly ownerSecret: secretsmanager.ISecret;
  readonly runtimeSecret: secretsmanager.ISecret;

  constructor(scope: Construct, id: string, props: DatabaseProps) {
    super(scope, id);
    const engine = rds.DatabaseClusterEngine.auroraPostgres({
      version: rds.AuroraPostgresEngineVersion.VER_17_5,
    });

    this.securityGroup = new ec2.SecurityGroup(this, 'SecurityGroup', {
      vpc: props.vpc,
      description:
        'Fairdraw Aurora PostgreSQL: reachable only from the service, migration and rotation tasks',
      allowAllOutbound: false,
    });

    const parameterGroup = new rds.ParameterGroup(this, 'Parameters', {
      engine,
      description: 'Fairdraw: TLS only, SCRAM passwords, connection logging',
      parameters: {
        'rds.force_ssl': '1',
        password_encryption: 'scram-sha-256',
        log_connections: '1',
        log_disconnections: '1',
      },
    });

    // Created here (not by RDS) so it is encrypted and has a retention period without the
    // Lambda-backed log-retention helper.
    const postgresLog = new logs.LogGroup(this, 'PostgresLog', {
      logGroupName: `/aws/rds/cluster/${props.clusterIdentifier}/postgresql`,
      retention: logs.RetentionDays.ONE_YEAR,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    // Made here rather than by the cluster so that it carries dbname, like the runtime secret.
    const ownerSecret = new rds.DatabaseSecret(this, 'OwnerSecret', {
      username: OWNER_ROLE,
      dbname: DATABASE_NAME,
      encryptionKey: props.key,
      excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
    });
    const instance = {
      autoMinorVersionUpgrade: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.key,
    };
    this.cluster = new rds.DatabaseCluster(this, 'Cluster', {
      engine,
      clusterIdentifier: props.clusterIdentifier,
      credentials: rds.Credentials.fromSecret(ownerSecret),
      defaultDatabaseName: DATABASE_NAME,
      writer: rds.ClusterInstance.serverlessV2('Writer', instance),
      // Scales with the writer so a failover lands on an instance of the same size.
      readers: [rds.ClusterInstance.serverlessV2('Reader', { ...instance, scaleWithWriter: true })],
      serverlessV2MinCapacity: props.minCapacity,
      serverlessV2MaxCapacity: props.maxCapacity,
      vpc: props.vpc,
      vpcSubnets: { subnetGroupName: SUBNETS.data },
      securityGroups: [this.securityGroup],
      parameterGroup,
      storageEncrypted: true,
      storageEncryptionKey: props.key,
      backup: { retention: Duration.days(35), preferredWindow: '06:00-07:00' },
      preferredMaintenanceWindow: 'Sun:08:00-Sun:09:00',
      copyTagsToSnapshot: true,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.SNAPSHOT,
      iamAuthentication: true,
      enablePerformanceInsights: true,
      performanceInsightEncryptionKey: props.key,
      cloudwatchLogsExports: ['postgresql'],
    });
    this.cluster.node.addDependency(postgresLog);

    Validations.of(this.cluster).acknowledge({
      id: 'AwsSolutions-RDS11',
      reason:
        'A non-default port adds no protection here: the cluster is in isolated subnets, its security group admits only the service, migration and rotation tasks, and connections require TLS and SCRAM.',
    });

    // Rotation functions run in the app subnets: they reach Secrets Manager through NAT.
    const rotationSubnets = { subnetGroupName: SUBNETS.app };
    this.ownerSecret = this.cluster.secret!;
    this.cluster.addRotationSingleUser({
      automaticallyAfter: Duration.days(30),
      excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
      vpcSubnets: rotationSubnets,
    });

    const runtime = new rds.DatabaseSecret(this, 'RuntimeSecret', {
      username: RUNTIME_ROLE,
      dbname: DATABASE_NAME,
      masterSecret: this.ownerSecret,
      encryptionKey: props.key,
      excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
    });
    this.runtimeSecret = runtime.attach(this.cluster);
    // Alternating users: the previous credentials stay valid for one more period, so running
    // tasks keep connecting while new tasks pick up the new ones.
    this.cluster.addRotationMultiUser('RuntimeRotation', {
      secret: this.runtimeSecret,
      automaticallyAfter: Duration.days(30),
      excludeCharacters: EXCLUDED_PASSWORD_CHARACTERS,
      vpcSubnets: rotationSubnets,
      // The role exists only after the first migration; the first rotation is started by hand
      // (docs/operations.md, "First deployment").
      rotateImmediatelyOnUpdate: false,
    });
  }
}
