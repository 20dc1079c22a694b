import { readFileSync } from 'node:fs';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import { configFromContext } from './config.js';
import { addFairdrawStacks, type FairdrawStacks } from './fairdraw-app.js';
import type { ServiceStack } from './service-stack.js';
import { loadEnvironment } from '../../src/config/environment.js';

// The checked-in example configuration (ca-central-1, three AZs), plus the optional Cognito domain.
const example = JSON.parse(
  readFileSync(new URL('../config/example.ca-central-1.json', import.meta.url), 'utf8'),
);
const context = { ...example, alarmEmail: 'oncall@example.org', cognitoDomainPrefix: 'fairdraw-test' };

type Resources = Record<
  string,
  { Type: string; Properties?: Record<string, unknown>; DeletionPolicy?: string }
>;

let app: App;
let stacks: FairdrawStacks;
let serviceStack: ServiceStack;
let foundation: Template;
let service: Template;
let serviceResources: Resources;

beforeAll(() => {
  app = new App({ context });
  stacks = addFairdrawStacks(
    app,
    configFromContext((key) => app.node.tryGetContext(key)),
  );
  serviceStack = stacks.service!;
  foundation = Template.fromStack(stacks.foundation);
  service = Template.fromStack(serviceStack);
  serviceResources = service.toJSON().Resources;
});

const ofType = (resources: Resources, type: string) =>
  Object.entries(resources).filter(([, resource]) => resource.Type === type);
const logicalId = (construct: { node: { defaultChild?: unknown } }) =>
  serviceStack.getLogicalId(construct.node.defaultChild as never);
const appContainer = () =>
  service.findResources('AWS::ECS::TaskDefinition', {
    Properties: { ContainerDefinitions: [Match.objectLike({ Name: 'app' })] },
  });
function containerOf(name: string): Record<string, unknown> {
  const [definition] = Object.values(
    service.findResources('AWS::ECS::TaskDefinition', {
      Properties: { ContainerDefinitions: [Match.objectLike({ Name: name })] },
    }),
  );
  return (definition.Properties.ContainerDefinitions as Record<string, unknown>[])[0];
}
const environmentOf = (container: Record<string, unknown>) =>
  Object.fromEntries(
    (container.Environment as { Name: string; Value: unknown }[]).map((e) => [e.Name, e.Value]),
  );
const secretNamesOf = (container: Record<string, unknown>) =>
  (container.Secrets as { Name: string }[]).map((secret) => secret.Name).sort();

describe('cdk-nag AwsSolutions', () => {
  it('reports no unacknowledged finding on either stack', () => {
    const report = new AwsSolutionsChecks().validateScope(app);
    const findings = report.violations.map(
      (v) => `${v.ruleName} at ${v.violatingResources.map((r) => r.constructPath).join(', ')}`,
    );
    expect(findings).toEqual([]);
    expect(report.success).toBe(true);
  });

  it('does fail on a resource that breaks a rule (the check is live)', () => {
    const probe = new App();
    new s3.Bucket(new Stack(probe, 'Probe'), 'Plain', { enforceSSL: false });
    const rules = new AwsSolutionsChecks().validateScope(probe).violations.map((v) => v.ruleName);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
  });

  it('justifies every acknowledgement with a reason', () => {
    const reasons = app.node
      .findAll()
      .flatMap((construct) => construct.node.metadata)
      .filter((entry) => entry.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((entry) => Object.values(entry.data as Record<string, string>));
    expect(reasons.length).toBeGreaterThan(5);
    for (const reason of reasons) expect(reason.length).toBeGreaterThan(60);
  });
});

describe('region (DATA-7)', () => {
  it('puts both stacks, and so the database, HSM access and anchors, in ca-central-1', () => {
    expect(stacks.foundation.region).toBe('ca-central-1');
    expect(serviceStack.region).toBe('ca-central-1');
    expect(Object.keys(service.findResources('AWS::RDS::DBCluster'))).toHaveLength(1);
    expect(
      Object.keys(service.findResources('AWS::S3::Bucket', { Properties: { ObjectLockEnabled: true } })),
    ).toHaveLength(1);
  });
});

describe('network', () => {
  it('spreads public, app and isolated data subnets over three AZs with a NAT gateway per AZ', () => {
    foundation.resourceCountIs('AWS::EC2::Subnet', 9);
    foundation.resourceCountIs('AWS::EC2::NatGateway', 3);
    foundation.allResourcesProperties('AWS::EC2::Subnet', { MapPublicIpOnLaunch: false });
  });

  it('gives the data subnets (database, HSMs) no route out of the VPC', () => {
    const resources = foundation.toJSON().Resources as Resources;
    const subnetName = (subnetRef: { Ref: string }) =>
      (resources[subnetRef.Ref].Properties?.Tags as { Key: string; Value: string }[]).find(
        (tag) => tag.Key === 'aws-cdk:subnet-name',
      )?.Value;
    const tableToSubnet = new Map(
      ofType(resources, 'AWS::EC2::SubnetRouteTableAssociation').map(([, association]) => [
        (association.Properties?.RouteTableId as { Ref: string }).Ref,
        subnetName(association.Properties?.SubnetId as { Ref: string }),
      ]),
    );
    const routed = ofType(resources, 'AWS::EC2::Route').map(([, route]) =>
      tableToSubnet.get((route.Properties?.RouteTableId as { Ref: string }).Ref),
    );
    expect(routed.sort()).toEqual(['app', 'app', 'app', 'public', 'public', 'public']);
  });

  it('records every flow of the VPC and restricts the default security group', () => {
    foundation.hasResourceProperties('AWS::EC2::FlowLog', { TrafficType: 'ALL', ResourceType: 'VPC' });
    foundation.resourceCountIs('Custom::VpcRestrictDefaultSG', 1);
  });

  it('keeps images immutable, scanned and KMS-encrypted', () => {
    foundation.hasResourceProperties('AWS::ECR::Repository', {
      ImageTagMutability: 'IMMUTABLE',
      ImageScanningConfiguration: { ScanOnPush: true },
      EncryptionConfiguration: { EncryptionType: 'KMS' },
    });
  });

  it('opens the internet only to the load balancer, on 80 and 443', () => {
    const open = ofType(serviceResources, 'AWS::EC2::SecurityGroup').flatMap(([id, group]) =>
      ((group.Properties?.SecurityGroupIngress as { CidrIp?: string; FromPort: number }[]) ?? [])
        .filter((rule) => rule.CidrIp === '0.0.0.0/0')
        .map((rule) => `${id}:${rule.FromPort}`),
    );
    const lbGroup = logicalId(serviceStack.web.loadBalancer.connections.securityGroups[0]);
    expect(open.sort()).toEqual([`${lbGroup}:443`, `${lbGroup}:80`]);
    for (const [, rule] of ofType(serviceResources, 'AWS::EC2::SecurityGroupIngress')) {
      expect(rule.Properties?.CidrIp).toBeUndefined();
    }
  });
});

describe('data key', () => {
  it('is customer-managed, rotated and retained', () => {
    service.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('Aurora PostgreSQL', () => {
  it('is Serverless v2 with a writer and a reader, encrypted with the data key', () => {
    service.hasResourceProperties('AWS::RDS::DBCluster', {
      Engine: 'aurora-postgresql',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
      StorageEncrypted: true,
      KmsKeyId: { 'Fn::GetAtt': [logicalId(serviceStack.dataKey.key), 'Arn'] },
    });
    const instances = ofType(serviceResources, 'AWS::RDS::DBInstance');
    expect(instances).toHaveLength(2);
    for (const [, instance] of instances) {
      expect(instance.Properties).toMatchObject({
        DBInstanceClass: 'db.serverless',
        PubliclyAccessible: false,
      });
    }
  });

  it('keeps 35 days of backups, resists deletion and snapshots when removed', () => {
    service.hasResource('AWS::RDS::DBCluster', {
      Properties: { BackupRetentionPeriod: 35, DeletionProtection: true, CopyTagsToSnapshot: true },
      DeletionPolicy: 'Snapshot',
      UpdateReplacePolicy: 'Snapshot',
    });
  });

  it('requires TLS and SCRAM and lives in the isolated data subnets', () => {
    service.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', {
      Parameters: Match.objectLike({ 'rds.force_ssl': '1', password_encryption: 'scram-sha-256' }),
    });
    service.hasResourceProperties('AWS::RDS::DBSubnetGroup', {
      SubnetIds: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('VpcdataSubnet') }]),
    });
  });

  it('accepts connections only from named security groups on the database port', () => {
    const dbGroup = logicalId(serviceStack.database.securityGroup);
    const rules = ofType(serviceResources, 'AWS::EC2::SecurityGroupIngress').filter(
      ([, rule]) =>
        JSON.stringify(rule.Properties?.GroupId) === JSON.stringify({ 'Fn::GetAtt': [dbGroup, 'GroupId'] }),
    );
    expect(rules.length).toBe(4); // service, migration task, two rotation functions
    for (const [, rule] of rules) {
      expect(rule.Properties?.SourceSecurityGroupId).toBeDefined();
      expect(rule.Properties?.CidrIp).toBeUndefined();
    }
  });

  it('keeps the owner and runtime credentials in Secrets Manager, encrypted and rotated every 30 days', () => {
    service.hasResourceProperties('AWS::RDS::DBCluster', {
      MasterUsername: Match.objectLike({ 'Fn::Join': Match.anyValue() }),
      MasterUserPassword: Match.objectLike({
        'Fn::Join': Match.arrayWith([Match.arrayWith(['{{resolve:secretsmanager:'])]),
      }),
    });
    const keyArn = { 'Fn::GetAtt': [logicalId(serviceStack.dataKey.key), 'Arn'] };
    for (const [, secret] of ofType(serviceResources, 'AWS::SecretsManager::Secret')) {
      expect(secret.Properties?.KmsKeyId).toEqual(keyArn);
    }
    const usernames = ofType(serviceResources, 'AWS::SecretsManager::Secret')
      .map(
        ([, secret]) =>
          /\\?"username\\?":\\?"(\w+)/.exec(JSON.stringify(secret.Properties?.GenerateSecretString))?.[1],
      )
      .filter((username) => username !== undefined)
      .sort();
    expect(usernames).toEqual(['fairdraw_owner', 'fairdraw_runtime']);
    const rotations = service.findResources('AWS::SecretsManager::RotationSchedule');
    expect(Object.keys(rotations)).toHaveLength(2);
    for (const rotation of Object.values(rotations)) {
      expect(rotation.Properties.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
    }
  });
});

describe('anchor bucket', () => {
  const anchorBucket = () => logicalId(serviceStack.anchors.bucket);

  it('locks every version in COMPLIANCE mode for the retention period', () => {
    service.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: {
        ObjectLockEnabled: 'Enabled',
        Rule: { DefaultRetention: { Mode: 'COMPLIANCE', Days: 1461 } },
      },
      VersioningConfiguration: { Status: 'Enabled' },
    });
  });

  it('is KMS-encrypted, private, logged, retained and reachable only over TLS', () => {
    const bucket = serviceResources[anchorBucket()];
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' } }],
      },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      LoggingConfiguration: { LogFilePrefix: 'anchor-bucket/' },
    });
    service.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: anchorBucket() },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });

  it('moves exports and anchors to Glacier storage classes', () => {
    const rules = (
      serviceResources[anchorBucket()].Properties?.LifecycleConfiguration as { Rules: unknown[] }
    ).Rules;
    expect(rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Prefix: 'exports/',
          Transitions: [{ StorageClass: 'GLACIER', TransitionInDays: 90 }],
        }),
        expect.objectContaining({
          Prefix: 'anchors/',
          Transitions: [{ StorageClass: 'GLACIER_IR', TransitionInDays: 90 }],
        }),
      ]),
    );
  });

  it('lets the service append and read, never delete, bypass retention or unlock', () => {
    const taskRole = logicalId(serviceStack.service.taskDefinition.taskRole);
    const actions = ofType(serviceResources, 'AWS::IAM::Policy')
      .filter(([, policy]) => JSON.stringify(policy.Properties?.Roles).includes(taskRole))
      .flatMap(
        ([, policy]) =>
          (policy.Properties?.PolicyDocument as { Statement: { Action: string | string[] }[] }).Statement,
      )
      .flatMap((statement) => [statement.Action].flat());
    expect(actions).toEqual(
      expect.arrayContaining([
        's3:PutObject',
        's3:PutObjectRetention',
        's3:GetObjectVersion',
        's3:ListBucketVersions',
      ]),
    );
    for (const action of actions) {
      expect(action).not.toMatch(/^s3:(Delete|\*|PutBucket|BypassGovernanceRetention|PutObjectLegalHold)/);
      expect(action).not.toBe('*');
    }
  });
});

describe('CloudHSM cluster', () => {
  it('admits the service tasks on TCP 2223-2225 in the existing cluster security group', () => {
    const serviceGroup = logicalId(serviceStack.service.serviceSecurityGroup);
    service.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      GroupId: 'sg-00000000000000000',
      IpProtocol: 'tcp',
      FromPort: 2223,
      ToPort: 2225,
      SourceSecurityGroupId: { 'Fn::GetAtt': [serviceGroup, 'GroupId'] },
    });
    service.hasResourceProperties('AWS::EC2::SecurityGroupEgress', {
      GroupId: { 'Fn::GetAtt': [serviceGroup, 'GroupId'] },
      DestinationSecurityGroupId: 'sg-00000000000000000',
      FromPort: 2223,
      ToPort: 2225,
    });
  });

  it("checks online buyers' geolocation with the configured provider (PLY-2), never the development none", () => {
    expect(environmentOf(containerOf('app'))).toMatchObject({
      GEOLOCATION_PROVIDER: 'jws',
      GEOLOCATION_JWKS_URL: 'https://geolocation.example.org/.well-known/jwks.json',
      GEOLOCATION_ISSUER: 'https://geolocation.example.org',
      GEOLOCATION_AUDIENCE: 'fairdraw',
      GEOLOCATION_CERTIFIED: 'false',
    });
  });

  it('enables Stripe and cash payments, never the development test provider', () => {
    expect(environmentOf(containerOf('app'))).toMatchObject({ PAYMENT_PROVIDERS: 'stripe,cash' });
  });

  it('tells the container which cluster and PKCS#11 module to use and lets it find the HSMs', () => {
    expect(environmentOf(containerOf('app'))).toMatchObject({
      CLOUDHSM_CLUSTER_ID: 'cluster-example0000',
      RNG_PROVIDER: 'pkcs11',
      PKCS11_MODULE: '/opt/cloudhsm/lib/libcloudhsm_pkcs11.so',
      PKCS11_TOKEN_LABEL: 'hsm1',
      AWS_REGION: 'ca-central-1',
    });
    service.hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: {
        Statement: [Match.objectLike({ Action: 'cloudhsm:DescribeClusters', Effect: 'Allow' })],
      },
    });
  });
});

describe('the service accepts what the task definition gives it', () => {
  // CloudFormation resolves references (the JWKS URL, the bucket name) at deploy time, and the
  // secrets hold values made by people: stand-ins of the right shape take their place here, so
  // that the service's own start-up validation (src/config) judges the deployed settings.
  const resolved: Record<string, string> = {
    AUTH_JWKS_URL:
      'https://cognito-idp.ca-central-1.amazonaws.com/ca-central-1_Example/.well-known/jwks.json',
    AUTH_ISSUER: 'https://cognito-idp.ca-central-1.amazonaws.com/ca-central-1_Example',
    AUTH_AUDIENCE: 'exampleclientid',
    ANCHOR_S3_BUCKET: 'fairdraw-anchors-example',
    CLOUDHSM_CLUSTER_ID: 'cluster-example0000',
    DATABASE_HOST: 'fairdraw.cluster-example.ca-central-1.rds.amazonaws.com',
    DATABASE_PORT: '5432',
    DATABASE_NAME: 'fairdraw',
    DATABASE_USER: 'fairdraw_runtime',
    DATABASE_PASSWORD: 'runtime-password',
    LEDGER_SIGNING_KEY:
      'PRIVATE+KEY+raffle.example.org/ledger+0a1b2c3d+AQIDBAUGBwgJCgsMDQ4PEBESExQVFhcYGRobHB0eHyA=',
    PKCS11_PIN: 'fairdraw_cu:pin',
    CLOUDHSM_CUSTOMER_CA_PEM: '-----BEGIN CERTIFICATE-----',
    STRIPE_SECRET_KEY: 'rk_live_example',
    STRIPE_WEBHOOK_SECRET: 'whsec_example',
  };

  it('starts in production with the deployed environment and secrets (no development default left)', () => {
    const app = containerOf('app');
    const env: NodeJS.ProcessEnv = {};
    for (const [name, value] of Object.entries(environmentOf(app))) {
      env[name] = typeof value === 'string' ? value : resolved[name];
      expect(env[name]).toBeDefined();
    }
    for (const name of secretNamesOf(app)) {
      env[name] = resolved[name];
      expect(env[name]).toBeDefined();
    }
    const config = loadEnvironment(env);
    expect(config).toMatchObject({ NODE_ENV: 'production', RNG_PROVIDER: 'pkcs11', DATABASE_MIGRATE: false });
    expect(config.PAYMENT_PROVIDERS.split(',')).not.toContain('test');
  });
});

describe('secrets', () => {
  it('injects every credential from Secrets Manager and none through the plain environment', () => {
    const app = containerOf('app');
    expect(secretNamesOf(app)).toEqual([
      'CLOUDHSM_CUSTOMER_CA_PEM',
      'DATABASE_HOST',
      'DATABASE_NAME',
      'DATABASE_PASSWORD',
      'DATABASE_PORT',
      'DATABASE_USER',
      'LEDGER_SIGNING_KEY',
      'PKCS11_PIN',
      'STRIPE_SECRET_KEY',
      'STRIPE_WEBHOOK_SECRET',
    ]);
    for (const name of Object.keys(environmentOf(app)))
      expect(name).not.toMatch(/PASSWORD|PIN|SECRET|SIGNING_KEY|DATABASE_URL/);
    const refs = (app.Secrets as { Name: string; ValueFrom: unknown }[]).map((s) => [
      s.Name,
      JSON.stringify(s.ValueFrom),
    ]);
    const byName = Object.fromEntries(refs);
    expect(byName.LEDGER_SIGNING_KEY).toContain(logicalId(serviceStack.secrets.ledgerSigningKey));
    expect(byName.PKCS11_PIN).toContain(logicalId(serviceStack.secrets.pkcs11Pin));
    expect(byName.STRIPE_SECRET_KEY).toContain(logicalId(serviceStack.secrets.stripeSecretKey));
    expect(byName.STRIPE_WEBHOOK_SECRET).toContain(logicalId(serviceStack.secrets.stripeWebhookSecret));
    expect(byName.DATABASE_PASSWORD).toMatch(/RuntimeSecret.*:password::/);
    expect(byName.DATABASE_USER).toMatch(/RuntimeSecret.*:username::/);
  });

  it('gives the migration task the owner credentials, and only it', () => {
    const migrate = containerOf('migrate');
    const byName = Object.fromEntries(
      (migrate.Secrets as { Name: string; ValueFrom: unknown }[]).map((s) => [
        s.Name,
        JSON.stringify(s.ValueFrom),
      ]),
    );
    expect(byName.DATABASE_PASSWORD).toMatch(/OwnerSecret.*:password::/);
    expect(byName.RUNTIME_DATABASE_PASSWORD).toMatch(/RuntimeSecret.*:password::/);
    expect(JSON.stringify(containerOf('app').Secrets)).not.toMatch(/OwnerSecret/);
  });
});

describe('Cognito', () => {
  it('allows no self sign-up, requires TOTP and long passwords, blocks risky sign-ins', () => {
    service.hasResource('AWS::Cognito::UserPool', {
      Properties: {
        AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
        MfaConfiguration: 'ON',
        EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
        Policies: {
          PasswordPolicy: Match.objectLike({
            MinimumLength: 14,
            RequireLowercase: true,
            RequireUppercase: true,
            RequireNumbers: true,
            RequireSymbols: true,
          }),
        },
        UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
        DeletionProtection: 'ACTIVE',
      },
      DeletionPolicy: 'Retain',
    });
    const groups = Object.values(service.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual(['admin', 'auditor', 'operator', 'seller']);
  });

  it('is the token issuer the service trusts (JWKS, issuer, audience)', () => {
    const pool = logicalId(serviceStack.identity.userPool);
    const client = logicalId(serviceStack.identity.client);
    const env = environmentOf(containerOf('app'));
    expect(env.AUTH_JWKS_URL).toEqual({
      'Fn::Join': [
        '',
        ['https://cognito-idp.ca-central-1.amazonaws.com/', { Ref: pool }, '/.well-known/jwks.json'],
      ],
    });
    expect(env.AUTH_ISSUER).toEqual({
      'Fn::Join': ['', ['https://cognito-idp.ca-central-1.amazonaws.com/', { Ref: pool }]],
    });
    expect(env.AUTH_AUDIENCE).toEqual({ Ref: client });
    expect(env.AUTH_ROLES_CLAIM).toBe('cognito:groups');
    service.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
  });
});

describe('load balancer and WAF', () => {
  it('terminates TLS 1.2+ with an ACM certificate and only redirects plain HTTP', () => {
    service.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443,
      Protocol: 'HTTPS',
      SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06',
      Certificates: [{ CertificateArn: { Ref: Match.stringLikeRegexp('Certificate') } }],
    });
    service.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80,
      DefaultActions: [
        { Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } },
      ],
    });
    service.hasResourceProperties('AWS::CertificateManager::Certificate', {
      DomainName: 'raffle.example.org',
      ValidationMethod: 'DNS',
    });
  });

  it('drops invalid headers, logs access and resists deletion', () => {
    service.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing',
      LoadBalancerAttributes: Match.arrayWith([
        { Key: 'deletion_protection.enabled', Value: 'true' },
        { Key: 'routing.http.drop_invalid_header_fields.enabled', Value: 'true' },
        { Key: 'access_logs.s3.enabled', Value: 'true' },
      ]),
    });
  });

  it('puts a WAF web ACL with a rate limit and the AWS managed rule groups in front of it', () => {
    const acl = serviceStack.getLogicalId(serviceStack.web.webAcl);
    const [webAcl] = Object.values(service.findResources('AWS::WAFv2::WebACL'));
    expect(webAcl.Properties.Scope).toBe('REGIONAL');
    const rules = webAcl.Properties.Rules as { Name: string; Statement: Record<string, { Name?: string }> }[];
    expect(
      rules
        .map(
          (rule) =>
            rule.Statement.managedRuleGroupStatement?.Name ?? rule.Statement.ManagedRuleGroupStatement?.Name,
        )
        .filter(Boolean),
    ).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesCommonRuleSet',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesSQLiRuleSet',
    ]);
    expect(JSON.stringify(rules)).toMatch(/RateBasedStatement|rateBasedStatement/);
    service.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: logicalId(serviceStack.web.loadBalancer) },
      WebACLArn: { 'Fn::GetAtt': [acl, 'Arn'] },
    });
    service.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      RedactedFields: Match.arrayWith([{ SingleHeader: { Name: 'authorization' } }]),
    });
  });
});

describe('ECS Fargate service', () => {
  it('runs at least two tasks with rolling deploys that roll back on failure', () => {
    service.hasResourceProperties('AWS::ECS::Service', {
      DesiredCount: 2,
      LaunchType: 'FARGATE',
      DeploymentController: { Type: 'ECS' },
      DeploymentConfiguration: {
        MinimumHealthyPercent: 100,
        MaximumPercent: 200,
        DeploymentCircuitBreaker: { Enable: true, Rollback: true },
      },
      EnableExecuteCommand: false,
      NetworkConfiguration: {
        AwsvpcConfiguration: Match.objectLike({
          AssignPublicIp: 'DISABLED',
          Subnets: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('VpcappSubnet') }]),
        }),
      },
    });
  });

  it('autoscales between two and six tasks on CPU and requests', () => {
    service.hasResourceProperties('AWS::ApplicationAutoScaling::ScalableTarget', {
      MinCapacity: 2,
      MaxCapacity: 6,
    });
    const metrics = Object.values(service.findResources('AWS::ApplicationAutoScaling::ScalingPolicy')).map(
      (policy) =>
        policy.Properties.TargetTrackingScalingPolicyConfiguration.PredefinedMetricSpecification
          .PredefinedMetricType,
    );
    expect(metrics.sort()).toEqual(['ALBRequestCountPerTarget', 'ECSServiceAverageCPUUtilization']);
  });

  it('runs the container as a non-root user, read-only, with no capabilities, blocking logs and a health check', () => {
    for (const name of ['app', 'migrate']) {
      expect(containerOf(name)).toMatchObject({
        User: '10001:10001',
        ReadonlyRootFilesystem: true,
        LinuxParameters: { Capabilities: { Drop: ['ALL'] } },
        LogConfiguration: { LogDriver: 'awslogs', Options: expect.objectContaining({ mode: 'blocking' }) },
      });
    }
    expect(containerOf('app')).toMatchObject({
      HealthCheck: { Command: ['CMD', 'node', '/app/docker/healthcheck.mjs'] },
      PortMappings: [expect.objectContaining({ ContainerPort: 3000 })],
    });
    expect(Object.keys(appContainer())).toHaveLength(1);
    service.hasResourceProperties('AWS::ECS::Cluster', {
      ClusterSettings: [{ Name: 'containerInsights', Value: 'enabled' }],
    });
  });

  it('routes only to tasks that pass /health/ready', () => {
    service.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health/ready',
      Matcher: { HttpCode: '200' },
      TargetType: 'ip',
    });
  });

  it('keeps the service log group encrypted with the data key', () => {
    service.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: { 'Fn::GetAtt': [logicalId(serviceStack.dataKey.key), 'Arn'] },
      RetentionInDays: 731,
    });
  });
});

describe('alarms', () => {
  const topic = () => ({ Ref: logicalId(serviceStack.alarms.topic) });

  it('sends five alarms, and their recovery, to an encrypted TLS-only SNS topic', () => {
    service.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [logicalId(serviceStack.dataKey.key), 'Arn'] },
    });
    service.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    service.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email',
      Endpoint: 'oncall@example.org',
    });
    const alarms = Object.values(service.findResources('AWS::CloudWatch::Alarm'));
    expect(alarms).toHaveLength(6);
    for (const alarm of alarms) {
      expect(alarm.Properties.AlarmActions).toEqual([topic()]);
      expect(alarm.Properties.OKActions).toEqual([topic()]);
    }
  });

  it('counts the service log events of RNG health failures, integrity failures, payment mismatches and anchored checkpoints', () => {
    for (const pattern of [
      '{ $.event = "rng_health_failure" }',
      '{ ($.event = "integrity_check_failed") || ($.event = "software_integrity_failed") }',
      '{ ($.event = "checkpoint_anchored") || ($.event = "checkpoint_anchor_current") }',
      '{ $.event = "payment_mismatch" }',
    ]) {
      service.hasResourceProperties('AWS::Logs::MetricFilter', {
        FilterPattern: pattern,
        LogGroupName: { Ref: logicalId(serviceStack.service.logGroup) },
        MetricTransformations: [Match.objectLike({ MetricNamespace: 'Fairdraw', MetricValue: '1' })],
      });
    }
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'RngHealthFailures',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'IntegrityCheckFailures',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'PaymentMismatches',
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      Threshold: 1,
    });
  });

  it('fires on anchoring lag when no checkpoint was anchored in the window, silence included', () => {
    service.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'CheckpointsAnchored',
      Statistic: 'Sum',
      Period: 30 * 60,
      ComparisonOperator: 'LessThanThreshold',
      Threshold: 1,
      TreatMissingData: 'breaching',
    });
  });

  it('computes the 5xx rate from target and load balancer 5xx over all requests', () => {
    const [rate] = Object.values(
      service.findResources('AWS::CloudWatch::Alarm', { Properties: { Metrics: Match.anyValue() } }),
    );
    const metricNames = (rate.Properties.Metrics as { MetricStat?: { Metric: { MetricName: string } } }[])
      .map((metric) => metric.MetricStat?.Metric.MetricName)
      .filter(Boolean)
      .sort();
    expect(metricNames).toEqual(['HTTPCode_ELB_5XX_Count', 'HTTPCode_Target_5XX_Count', 'RequestCount']);
    expect(rate.Properties).toMatchObject({ Threshold: 2, ComparisonOperator: 'GreaterThanThreshold' });
  });
});
