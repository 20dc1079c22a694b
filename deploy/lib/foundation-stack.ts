import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as ecr from 'aws-cdk-lib/aws-ecr';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import type { FoundationConfig } from './config.js';

/** Subnet group names; the CloudHSM runbook creates the cluster in the `data` subnets. */
export const SUBNETS = { public: 'public', app: 'app', data: 'data' } as const;

/**
 * What must exist before the service can: the network (the CloudHSM cluster is created by hand
 * in its `data` subnets, between the two stacks) and the image repository (an image is pushed
 * before the service stack starts tasks).
 */
export class FoundationStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly repository: ecr.Repository;

  constructor(scope: Construct, id: string, config: FoundationConfig, props: StackProps = {}) {
    super(scope, id, props);

    this.vpc = new ec2.Vpc(this, 'Vpc', {
      ipAddresses: ec2.IpAddresses.cidr('10.40.0.0/16'),
      ...(config.availabilityZones ? { availabilityZones: config.availabilityZones } : { maxAzs: 3 }),
      natGateways: config.natGateways,
      restrictDefaultSecurityGroup: true,
      subnetConfiguration: [
        { name: SUBNETS.public, subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24, mapPublicIpOnLaunch: false },
        { name: SUBNETS.app, subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 20 },
        // The database and the HSMs: no route to or from the internet at all.
        { name: SUBNETS.data, subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 24 },
      ],
      gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
    });

    const flowLogs = new logs.LogGroup(this, 'FlowLogs', {
      retention: logs.RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vpc.addFlowLog('FlowLog', {
      destination: ec2.FlowLogDestination.toCloudWatchLogs(flowLogs),
      trafficType: ec2.FlowLogTrafficType.ALL,
      maxAggregationInterval: ec2.FlowLogMaxAggregationInterval.ONE_MINUTE,
    });

    this.repository = new ecr.Repository(this, 'Images', {
      imageTagMutability: ecr.TagMutability.IMMUTABLE,
      imageScanOnPush: true,
      encryption: ecr.RepositoryEncryption.KMS,
      removalPolicy: RemovalPolicy.RETAIN,
      lifecycleRules: [{ tagStatus: ecr.TagStatus.UNTAGGED, maxImageAge: Duration.days(30) }],
    });

    // The default security group loses all its rules through a CDK-provided custom resource.
    const restrictDefaultSg = this.node.tryFindChild('Custom::VpcRestrictDefaultSGCustomResourceProvider');
    if (restrictDefaultSg) {
      Validations.of(restrictDefaultSg).acknowledge({
        id: 'AwsSolutions-IAM4',
        reason:
          'CDK-managed singleton provider that empties the default security group; its role only has AWSLambdaBasicExecutionRole (log writing).',
      });
    }

    new CfnOutput(this, 'VpcId', { value: this.vpc.vpcId });
    new CfnOutput(this, 'DataSubnetIds', {
      description: 'Create the CloudHSM cluster in these subnets (docs/operations.md, CloudHSM runbook)',
      value: this.vpc.isolatedSubnets.map((subnet) => subnet.subnetId).join(','),
    });
    new CfnOutput(this, 'RepositoryUri', { value: this.repository.repositoryUri });
  }
}
