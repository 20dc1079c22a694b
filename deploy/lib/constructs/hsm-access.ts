import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Validations } from 'aws-cdk-lib';
import { Construct } from 'constructs';

/** Ports of the CloudHSM Client SDK 5 connection to the HSM ENIs. */
export const HSM_PORTS = { from: 2223, to: 2225 } as const;

export interface HsmAccessProps {
  readonly clusterId: string;
  readonly clusterSecurityGroupId: string;
}

/**
 * The existing CloudHSM cluster, referenced by id (CloudFormation cannot create one): the
 * cluster's own security group admits the given clients on TCP 2223-2225, and clients may
 * look up the HSM addresses with DescribeClusters.
 */
export class HsmAccess extends Construct {
  readonly clusterId: string;
  readonly clusterSecurityGroup: ec2.ISecurityGroup;

  constructor(scope: Construct, id: string, props: HsmAccessProps) {
    super(scope, id);
    this.clusterId = props.clusterId;
    // Imported as mutable: the ingress rules are separate resources in this stack, so the
    // rules AWS created with the cluster stay untouched.
    this.clusterSecurityGroup = ec2.SecurityGroup.fromSecurityGroupId(
      this,
      'ClusterSecurityGroup',
      props.clusterSecurityGroupId,
      { allowAllOutbound: false, mutable: true },
    );
  }

  /** Lets a client reach the HSMs and discover them from the cluster id. */
  allowClient(client: ec2.IConnectable, role: iam.IGrantable, description: string): void {
    client.connections.allowTo(
      this.clusterSecurityGroup,
      ec2.Port.tcpRange(HSM_PORTS.from, HSM_PORTS.to),
      `CloudHSM Client SDK 5 from ${description}`,
    );
    const policy = new iam.Policy(this, 'DescribeCluster', {
      statements: [
        new iam.PolicyStatement({
          sid: 'FindHsmAddresses',
          actions: ['cloudhsm:DescribeClusters'],
          resources: ['*'],
        }),
      ],
    });
    policy.attachToRole(role.grantPrincipal as iam.IRole);
    Validations.of(policy).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'cloudhsm:DescribeClusters is a list action without resource-level permissions; configure-pkcs11 --cluster-id calls it at start to find the HSM addresses. It returns metadata only.',
    });
  }
}
