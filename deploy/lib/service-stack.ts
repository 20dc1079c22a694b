import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import type { Construct } from 'constructs';
import type { FairdrawConfig } from './config.js';
import { Alarms } from './constructs/alarms.js';
import { accessLogBucket, ANCHOR_PREFIX, AnchorStore } from './constructs/anchor-store.js';
import { AppSecrets } from './constructs/app-secrets.js';
import { DataKey } from './constructs/data-key.js';
import { Database } from './constructs/database.js';
import { HsmAccess } from './constructs/hsm-access.js';
import { Identity } from './constructs/identity.js';
import { PKCS11_MODULE, RaffleService } from './constructs/raffle-service.js';
import { WebEntry } from './constructs/web-entry.js';
import { SUBNETS } from './foundation-stack.js';

export interface ServiceStackProps extends StackProps {
  readonly vpc: ec2.IVpc;
  readonly repository: ecr.IRepository;
}

/**
 * Everything that decides, records and serves raffle outcomes: the database, the HSM access,
 * the anchor bucket, the signing secrets, the identity provider, the load balancer with WAF,
 * the ECS service and its alarms. All of it lives in `config.region` (DATA-7).
 */
export class ServiceStack extends Stack {
  readonly dataKey: DataKey;
  readonly database: Database;
  readonly anchors: AnchorStore;
  readonly secrets: AppSecrets;
  readonly identity: Identity;
  readonly web: WebEntry;
  readonly hsm: HsmAccess;
  readonly service: RaffleService;
  readonly alarms: Alarms;

  constructor(scope: Construct, id: string, config: FairdrawConfig, props: ServiceStackProps) {
    super(scope, id, props);
    const prefix = config.stackPrefix;

    this.dataKey = new DataKey(this, 'DataKey', `alias/${prefix.toLowerCase()}/data`);
    const key = this.dataKey.key;

    this.database = new Database(this, 'Database', {
      vpc: props.vpc,
      key,
      clusterIdentifier: `${prefix.toLowerCase()}-journal`,
      minCapacity: config.dbMinCapacity,
      maxCapacity: config.dbMaxCapacity,
    });
    this.secrets = new AppSecrets(this, 'Secrets', { key, prefix });

    const accessLogs = accessLogBucket(this, 'AccessLogs');
    this.anchors = new AnchorStore(this, 'Anchors', {
      key,
      retentionDays: config.anchorRetentionDays,
      archiveAfterDays: config.archiveAfterDays,
      accessLogs,
    });

    this.identity = new Identity(this, 'Identity', {
      domainName: config.domainName,
      cognitoDomainPrefix: config.cognitoDomainPrefix,
    });

    this.web = new WebEntry(this, 'Web', {
      vpc: props.vpc,
      domainName: config.domainName,
      certificateArn: config.certificateArn,
      hostedZone: config.hostedZone,
      accessLogs,
      key,
      wafRateLimit: config.wafRateLimit,
      namePrefix: prefix,
    });

    this.hsm = new HsmAccess(this, 'Hsm', {
      clusterId: config.hsmClusterId,
      clusterSecurityGroupId: config.hsmSecurityGroupId,
    });

    this.service = new RaffleService(this, 'Service', {
      vpc: props.vpc,
      repository: props.repository,
      imageTag: config.imageTag,
      key,
      database: this.database,
      secrets: this.secrets,
      anchors: this.anchors,
      hsm: this.hsm,
      listener: this.web.httpsListener,
      environment: this.serviceEnvironment(config),
      stripe: config.paymentProviders.split(',').includes('stripe'),
      desiredCount: config.desiredCount,
      maxCount: config.maxCount,
      bootstrap: config.bootstrap,
      cpu: config.taskCpu,
      memoryMiB: config.taskMemoryMiB,
      migrateCommand: config.migrateCommand,
    });

    this.alarms = new Alarms(this, 'Alarms', {
      key,
      serviceLogs: this.service.logGroup,
      loadBalancer: this.web.loadBalancer,
      targetGroup: this.service.targetGroup,
      http5xxPercent: config.http5xxAlarmPercent,
      anchorLagMinutes: config.anchorLagMinutes,
      email: config.alarmEmail,
    });

    this.outputs(props.vpc);
  }

  private serviceEnvironment(config: FairdrawConfig): Record<string, string> {
    return {
      NODE_ENV: 'production',
      LOG_LEVEL: config.logLevel,
      // The ALB is the only client; X-Forwarded-For then carries the buyer's address.
      TRUST_PROXY: 'true',
      SHUTDOWN_GRACE_MS: '20000',
      AUTH_JWKS_URL: this.identity.jwksUrl,
      AUTH_ISSUER: this.identity.issuer,
      AUTH_AUDIENCE: this.identity.client.userPoolClientId,
      AUTH_ROLES_CLAIM: 'cognito:groups',
      LEDGER_ORIGIN: config.ledgerOrigin,
      ANCHOR_S3_BUCKET: this.anchors.bucket.bucketName,
      ANCHOR_S3_PREFIX: ANCHOR_PREFIX,
      ANCHOR_RETENTION_DAYS: String(config.anchorRetentionDays),
      PAYMENT_PROVIDERS: config.paymentProviders,
      GEOLOCATION_PROVIDER: 'jws',
      GEOLOCATION_JWKS_URL: config.geolocation.jwksUrl,
      GEOLOCATION_ISSUER: config.geolocation.issuer,
      GEOLOCATION_AUDIENCE: config.geolocation.audience,
      GEOLOCATION_CERTIFIED: String(config.geolocation.certified),
      RNG_PROVIDER: 'pkcs11',
      PKCS11_MODULE,
      PKCS11_TOKEN_LABEL: config.pkcs11TokenLabel,
      CLOUDHSM_CLUSTER_ID: this.hsm.clusterId,
      AWS_REGION: this.region,
      // node-postgres reads PGSSLMODE; the RDS CA bundle is trusted through NODE_EXTRA_CA_CERTS (image).
      PGSSLMODE: 'verify-full',
      ...(config.certifiedCodeDigest ? { CERTIFIED_CODE_DIGEST: config.certifiedCodeDigest } : {}),
    };
  }

  private outputs(vpc: ec2.IVpc): void {
    const output = (id: string, value: string, description: string) =>
      new CfnOutput(this, id, { value, description });
    output(
      'LoadBalancerDns',
      this.web.loadBalancer.loadBalancerDnsName,
      'Point the service domain (CNAME/alias) here',
    );
    output(
      'UserPoolId',
      this.identity.userPool.userPoolId,
      'Cognito user pool: create users, add them to groups',
    );
    output('UserPoolClientId', this.identity.client.userPoolClientId, 'AUTH_AUDIENCE of the service');
    output(
      'AnchorBucket',
      this.anchors.bucket.bucketName,
      'S3 Object Lock (COMPLIANCE) bucket of anchors and exports',
    );
    output('ClusterName', this.service.cluster.clusterName, 'ECS cluster');
    output('ServiceName', this.service.service.serviceName, 'ECS service');
    output(
      'MigrateTaskDefinition',
      this.service.migrateTaskDefinition.taskDefinitionArn,
      'Run once per release, before the service',
    );
    output(
      'MigrateSecurityGroup',
      this.service.migrateSecurityGroup.securityGroupId,
      'Security group for the migration task',
    );
    output(
      'AppSubnets',
      vpc.selectSubnets({ subnetGroupName: SUBNETS.app }).subnetIds.join(','),
      'Subnets for one-off tasks (migrations)',
    );
    output(
      'DatabaseCluster',
      this.database.cluster.clusterIdentifier,
      'Aurora cluster identifier (PITR, snapshots)',
    );
    output(
      'OwnerSecretArn',
      this.database.ownerSecret.secretArn,
      'Database owner credentials (migrations only)',
    );
    output(
      'RuntimeSecretArn',
      this.database.runtimeSecret.secretArn,
      'Runtime role credentials (the service)',
    );
    output(
      'LedgerSigningKeySecretArn',
      this.secrets.ledgerSigningKey.secretArn,
      'Put the ledger signing key here',
    );
    output(
      'Pkcs11PinSecretArn',
      this.secrets.pkcs11Pin.secretArn,
      'Put the CloudHSM crypto user CU_user:password here',
    );
    output(
      'HsmCustomerCaSecretArn',
      this.secrets.hsmCustomerCa.secretArn,
      'Put the cluster customerCA.crt PEM here',
    );
    output(
      'StripeSecretKeySecretArn',
      this.secrets.stripeSecretKey.secretArn,
      'Put the Stripe restricted API key rk_live_... here (paymentProviders includes stripe)',
    );
    output(
      'StripeWebhookSecretArn',
      this.secrets.stripeWebhookSecret.secretArn,
      'Put the Stripe webhook signing secret whsec_... here (paymentProviders includes stripe)',
    );
    output('AlarmTopicArn', this.alarms.topic.topicArn, 'Subscribe the on-call rotation here');
  }
}
