import { Tags, type App, type Stack } from 'aws-cdk-lib';
import type { FairdrawConfig, FoundationConfig } from './config.js';
import { FoundationStack } from './foundation-stack.js';
import { ServiceStack } from './service-stack.js';

/** CDK behaviours this app relies on, set here so that tests and `cdk synth` agree. */
export const FEATURE_FLAGS = {
  // Server access logs delivered through a bucket policy: the log bucket keeps ACLs disabled.
  '@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy': true,
  // The service stack imports the VPC and repository by CloudFormation export, which stops the
  // foundation stack from removing them while they are in use.
  '@aws-cdk/core:defaultCrossStackReferences': 'strong',
} as const;

export interface FairdrawStacks {
  readonly foundation: FoundationStack;
  /** Absent until the CloudHSM cluster exists (first deployment, phase 1). */
  readonly service?: ServiceStack;
}

/**
 * The two stacks, deployed in order with a manual step between them: the CloudHSM cluster
 * is created in the foundation's data subnets (CloudFormation cannot create one), then its id
 * and security group are given to the service stack.
 */
export function addFairdrawStacks(app: App, config: FoundationConfig | FairdrawConfig): FairdrawStacks {
  for (const [flag, value] of Object.entries(FEATURE_FLAGS)) app.node.setContext(flag, value);
  const env = { account: config.account, region: config.region };
  const foundation = new FoundationStack(app, `${config.stackPrefix}-Foundation`, config, {
    env,
    description: 'Fairdraw network (VPC, subnets, flow logs) and image repository',
    terminationProtection: true,
  });
  if (!('hsmClusterId' in config)) {
    tag(config, [foundation]);
    return { foundation };
  }
  const service = new ServiceStack(app, `${config.stackPrefix}-Service`, config, {
    env,
    description:
      'Fairdraw raffle service: Aurora, CloudHSM access, Object Lock anchors, Cognito, ALB + WAF, ECS, alarms',
    terminationProtection: true,
    vpc: foundation.vpc,
    repository: foundation.repository,
  });
  tag(config, [foundation, service]);
  return { foundation, service };
}

function tag(config: FoundationConfig, stacks: Stack[]): void {
  for (const stack of stacks) {
    Tags.of(stack).add('application', 'fairdraw');
    Tags.of(stack).add('data-residency', config.region);
  }
}
