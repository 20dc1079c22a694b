import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import type * as ecr from 'aws-cdk-lib/aws-ecr';
import * as ecs from 'aws-cdk-lib/aws-ecs';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import type * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { SUBNETS } from '../foundation-stack.js';
import type { AnchorStore } from './anchor-store.js';
import type { AppSecrets } from './app-secrets.js';
import type { Database } from './database.js';
import type { HsmAccess } from './hsm-access.js';

export const CONTAINER_PORT = 3000;
/** The non-root user the image creates (docker/Dockerfile). */
export const CONTAINER_USER = '10001:10001';
/** Where the CloudHSM PKCS#11 library is installed in the image. */
export const PKCS11_MODULE = '/opt/cloudhsm/lib/libcloudhsm_pkcs11.so';

export interface RaffleServiceProps {
  readonly vpc: ec2.IVpc;
  readonly repository: ecr.IRepository;
  readonly imageTag: string;
  readonly key: kms.IKey;
  readonly database: Database;
  readonly secrets: AppSecrets;
  readonly anchors: AnchorStore;
  readonly hsm: HsmAccess;
  readonly listener: elbv2.ApplicationListener;
  /** Plain (non-secret) settings of the service: auth, ledger, anchors, RNG, logging. */
  readonly environment: Record<string, string>;
  /** Online sales through Stripe: its API key and webhook secret are injected from Secrets Manager. */
  readonly stripe: boolean;
  readonly desiredCount: number;
  readonly maxCount: number;
  readonly bootstrap: boolean;
  readonly cpu: number;
  readonly memoryMiB: number;
  readonly migrateCommand: string[];
}

/**
 * The service on ECS Fargate: at least two tasks spread over the AZs, rolling deployments
 * that never drop below the desired count and roll back on failure, autoscaling on CPU and
 * requests. The container runs as a non-root user with no Linux capabilities and a read-only
 * root file system; secrets come from Secrets Manager, never from the task definition.
 * A second task definition runs the migrations once, as the database owner.
 */
export class RaffleService extends Construct {
  readonly cluster: ecs.Cluster;
  readonly service: ecs.FargateService;
  readonly taskDefinition: ecs.FargateTaskDefinition;
  readonly logGroup: logs.LogGroup;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly migrateTaskDefinition: ecs.FargateTaskDefinition;
  readonly migrateSecurityGroup: ec2.SecurityGroup;
  readonly serviceSecurityGroup: ec2.SecurityGroup;

  constructor(scope: Construct, id: string, props: RaffleServiceProps) {
    super(scope, id);
    const image = ecs.ContainerImage.fromEcrRepository(props.repository, props.imageTag);

    this.cluster = new ecs.Cluster(this, 'Cluster', {
      vpc: props.vpc,
      containerInsightsV2: ecs.ContainerInsights.ENABLED,
    });

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      retention: logs.RetentionDays.TWO_YEARS,
      encryptionKey: props.key,
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.taskDefinition = new ecs.FargateTaskDefinition(this, 'Task', {
      cpu: props.cpu,
      memoryLimitMiB: props.memoryMiB,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        // The CloudHSM client package in the image is built for x86_64.
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
      },
    });
    const runtime = props.database.runtimeSecret;
    const container = this.taskDefinition.addContainer('app', {
      image,
      essential: true,
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      portMappings: [{ containerPort: CONTAINER_PORT, protocol: ecs.Protocol.TCP }],
      environment: {
        ...props.environment,
        PORT: String(CONTAINER_PORT),
        PKCS11_MODULE,
        DATABASE_MIGRATE: 'false',
      },
      secrets: {
        ...databaseSecrets(runtime),
        LEDGER_SIGNING_KEY: ecs.Secret.fromSecretsManager(props.secrets.ledgerSigningKey),
        PKCS11_PIN: ecs.Secret.fromSecretsManager(props.secrets.pkcs11Pin),
        CLOUDHSM_CUSTOMER_CA_PEM: ecs.Secret.fromSecretsManager(props.secrets.hsmCustomerCa),
        ...(props.stripe
          ? {
              STRIPE_SECRET_KEY: ecs.Secret.fromSecretsManager(props.secrets.stripeSecretKey),
              STRIPE_WEBHOOK_SECRET: ecs.Secret.fromSecretsManager(props.secrets.stripeWebhookSecret),
            }
          : {}),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'service',
        // Blocking: a significant event is never dropped to keep the process fast.
        mode: ecs.AwsLogDriverMode.BLOCKING,
      }),
      healthCheck: {
        command: ['CMD', 'node', '/app/docker/healthcheck.mjs'],
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        retries: 3,
        startPeriod: Duration.seconds(60),
      },
      // ECS waits for the load balancer to drain, then sends SIGTERM; the service finishes
      // in-flight work within SHUTDOWN_GRACE_MS before this runs out.
      stopTimeout: Duration.seconds(30),
      linuxParameters: withoutCapabilities(this, 'AppLinuxParameters'),
    });
    this.addWritableScratch(container);
    acknowledgeExecutionRole(this.taskDefinition);
    Validations.of(this.taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The plain environment holds only public settings (URLs, bucket name, log level, token label); every credential is injected from Secrets Manager through the secrets field.',
    });

    this.serviceSecurityGroup = new ec2.SecurityGroup(this, 'ServiceSecurityGroup', {
      vpc: props.vpc,
      description:
        'Fairdraw service tasks: in from the load balancer, out to the database, the HSMs and HTTPS',
      allowAllOutbound: false,
    });
    this.serviceSecurityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to AWS APIs, the Cognito JWKS and the payment provider',
    );
    props.database.cluster.connections.allowDefaultPortFrom(
      this.serviceSecurityGroup,
      'Fairdraw service tasks',
    );

    this.service = new ecs.FargateService(this, 'Service', {
      cluster: this.cluster,
      taskDefinition: this.taskDefinition,
      desiredCount: props.bootstrap ? 0 : props.desiredCount,
      minHealthyPercent: 100,
      maxHealthyPercent: 200,
      circuitBreaker: { enable: true, rollback: true },
      deploymentController: { type: ecs.DeploymentControllerType.ECS },
      vpcSubnets: { subnetGroupName: SUBNETS.app },
      securityGroups: [this.serviceSecurityGroup],
      assignPublicIp: false,
      enableExecuteCommand: false,
      platformVersion: ecs.FargatePlatformVersion.LATEST,
      healthCheckGracePeriod: Duration.seconds(120),
      propagateTags: ecs.PropagatedTagSource.SERVICE,
    });
    props.hsm.allowClient(this.serviceSecurityGroup, this.taskDefinition.taskRole, 'the Fairdraw service');
    props.anchors.grantAppendAndRead(this.taskDefinition.taskRole);

    this.targetGroup = props.listener.addTargets('Service', {
      port: CONTAINER_PORT,
      protocol: elbv2.ApplicationProtocol.HTTP,
      targets: [this.service],
      deregistrationDelay: Duration.seconds(30),
      healthCheck: {
        path: '/health/ready',
        healthyHttpCodes: '200',
        interval: Duration.seconds(15),
        timeout: Duration.seconds(5),
        healthyThresholdCount: 2,
        unhealthyThresholdCount: 3,
      },
    });

    const scaling = this.service.autoScaleTaskCount({
      minCapacity: props.bootstrap ? 0 : props.desiredCount,
      maxCapacity: props.bootstrap ? 0 : props.maxCount,
    });
    scaling.scaleOnCpuUtilization('Cpu', {
      targetUtilizationPercent: 60,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.minutes(5),
    });
    scaling.scaleOnRequestCount('Requests', {
      requestsPerTarget: 3000,
      targetGroup: this.targetGroup,
      scaleOutCooldown: Duration.seconds(60),
      scaleInCooldown: Duration.minutes(5),
    });

    ({ taskDefinition: this.migrateTaskDefinition, securityGroup: this.migrateSecurityGroup } =
      this.createMigrationTask(props, image));
  }

  /**
   * The read-only root file system leaves three writable places, all task-scoped: the
   * CloudHSM client configuration written at start by docker/entrypoint.sh, the client's run
   * directory, and /tmp. The image declares them as VOLUMEs so their owner carries over.
   */
  private addWritableScratch(container: ecs.ContainerDefinition): void {
    for (const [name, path] of [
      ['cloudhsm-etc', '/opt/cloudhsm/etc'],
      ['cloudhsm-run', '/opt/cloudhsm/run'],
      ['tmp', '/tmp'],
    ] as const) {
      this.taskDefinition.addVolume({ name });
      container.addMountPoints({ sourceVolume: name, containerPath: path, readOnly: false });
    }
  }

  private createMigrationTask(props: RaffleServiceProps, image: ecs.ContainerImage) {
    const taskDefinition = new ecs.FargateTaskDefinition(this, 'MigrateTask', {
      cpu: 512,
      memoryLimitMiB: 1024,
      runtimePlatform: {
        operatingSystemFamily: ecs.OperatingSystemFamily.LINUX,
        cpuArchitecture: ecs.CpuArchitecture.X86_64,
      },
    });
    const container = taskDefinition.addContainer('migrate', {
      image,
      essential: true,
      user: CONTAINER_USER,
      readonlyRootFilesystem: true,
      command: props.migrateCommand,
      environment: {
        NODE_ENV: 'production',
        LOG_LEVEL: props.environment.LOG_LEVEL ?? 'info',
        PGSSLMODE: 'verify-full',
      },
      secrets: {
        // The owner runs the migrations, which create and grant the runtime role; the runtime
        // credentials are there so docker/db-runtime-login.mjs can give that role its password.
        ...databaseSecrets(props.database.ownerSecret),
        RUNTIME_DATABASE_USER: ecs.Secret.fromSecretsManager(props.database.runtimeSecret, 'username'),
        RUNTIME_DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(props.database.runtimeSecret, 'password'),
      },
      logging: ecs.LogDrivers.awsLogs({
        logGroup: this.logGroup,
        streamPrefix: 'migrate',
        mode: ecs.AwsLogDriverMode.BLOCKING,
      }),
      linuxParameters: withoutCapabilities(this, 'MigrateLinuxParameters'),
    });
    taskDefinition.addVolume({ name: 'tmp' });
    container.addMountPoints({ sourceVolume: 'tmp', containerPath: '/tmp', readOnly: false });
    acknowledgeExecutionRole(taskDefinition);
    Validations.of(taskDefinition).acknowledge({
      id: 'AwsSolutions-ECS2',
      reason:
        'The plain environment holds only NODE_ENV, LOG_LEVEL and PGSSLMODE; credentials come from Secrets Manager.',
    });

    const securityGroup = new ec2.SecurityGroup(this, 'MigrateSecurityGroup', {
      vpc: props.vpc,
      description:
        'Fairdraw one-off migration task: out to the database and HTTPS (image pull, secrets, logs)',
      allowAllOutbound: false,
    });
    securityGroup.addEgressRule(
      ec2.Peer.anyIpv4(),
      ec2.Port.tcp(443),
      'HTTPS to ECR, Secrets Manager and CloudWatch Logs',
    );
    props.database.cluster.connections.allowDefaultPortFrom(securityGroup, 'Fairdraw migration task');
    return { taskDefinition, securityGroup };
  }
}

/** The execution role pulls the image from ECR, whose login action has no resource. */
function acknowledgeExecutionRole(taskDefinition: ecs.TaskDefinition): void {
  Validations.of(taskDefinition.obtainExecutionRole()).acknowledge({
    id: 'AwsSolutions-IAM5[Resource::*]',
    reason:
      'ecr:GetAuthorizationToken supports no resource-level permissions; CDK grants it to every execution role that pulls from ECR. The image pull itself is limited to the one repository.',
  });
}

/** Drops every Linux capability: the service binds a port above 1024 and needs none. */
function withoutCapabilities(scope: Construct, id: string): ecs.LinuxParameters {
  const parameters = new ecs.LinuxParameters(scope, id);
  parameters.dropCapabilities(ecs.Capability.ALL);
  return parameters;
}

/** DATABASE_HOST/PORT/NAME/USER/PASSWORD from an RDS secret, so rotation needs no URL rebuild. */
function databaseSecrets(secret: secretsmanager.ISecret): Record<string, ecs.Secret> {
  return {
    DATABASE_HOST: ecs.Secret.fromSecretsManager(secret, 'host'),
    DATABASE_PORT: ecs.Secret.fromSecretsManager(secret, 'port'),
    DATABASE_NAME: ecs.Secret.fromSecretsManager(secret, 'dbname'),
    DATABASE_USER: ecs.Secret.fromSecretsManager(secret, 'username'),
    DATABASE_PASSWORD: ecs.Secret.fromSecretsManager(secret, 'password'),
  };
}
