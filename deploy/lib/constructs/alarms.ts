import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import type * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import { Construct } from 'constructs';

export const METRIC_NAMESPACE = 'Fairdraw';

/** The `event` values of the service's structured logs that the alarms count. */
export const LOG_EVENTS = {
  rngHealthFailure: ['rng_health_failure'],
  /** The journal failed re-verification, or the running code does not match the certified digest. */
  integrityCheckFailed: ['integrity_check_failed', 'software_integrity_failed'],
  /**
   * Anchoring is alive: a new checkpoint was anchored, or the latest checkpoint was already
   * anchored because nothing was added. Without the second, a raffle with no sales for
   * `anchorLagMinutes` would raise the lag alarm.
   */
  anchoringAlive: ['checkpoint_anchored', 'checkpoint_anchor_current'],
  /** A provider reported a payment no order of ours matches (unknown intent, wrong amount or currency). */
  paymentMismatch: ['payment_mismatch'],
} as const;

export interface AlarmsProps {
  readonly key: kms.IKey;
  readonly serviceLogs: logs.ILogGroup;
  readonly loadBalancer: elbv2.ApplicationLoadBalancer;
  readonly targetGroup: elbv2.ApplicationTargetGroup;
  readonly http5xxPercent: number;
  readonly anchorLagMinutes: number;
  readonly email?: string;
}

/**
 * The alarms an operator must act on, all to one encrypted SNS topic: server errors seen by
 * buyers, RNG health-test failures, journal integrity failures, anchoring that has stopped,
 * payments that match no order, and a service with no healthy task.
 */
export class Alarms extends Construct {
  readonly topic: sns.Topic;
  readonly http5xxRate: cloudwatch.Alarm;
  readonly rngHealth: cloudwatch.Alarm;
  readonly integrity: cloudwatch.Alarm;
  readonly anchoringLag: cloudwatch.Alarm;
  readonly paymentMismatch: cloudwatch.Alarm;
  readonly noHealthyTask: cloudwatch.Alarm;

  constructor(scope: Construct, id: string, props: AlarmsProps) {
    super(scope, id);
    this.topic = new sns.Topic(this, 'Topic', { masterKey: props.key, enforceSSL: true });
    if (props.email) this.topic.addSubscription(new subscriptions.EmailSubscription(props.email));

    const period = Duration.minutes(5);
    const lb = props.loadBalancer.metrics;
    // Target 5xx (the service failed) plus load balancer 5xx (no healthy task, timeouts).
    const http5xxRate = new cloudwatch.MathExpression({
      label: 'HTTP 5xx (% of requests)',
      expression: 'IF(requests > 0, 100 * (FILL(target5xx, 0) + FILL(lb5xx, 0)) / requests, 0)',
      usingMetrics: {
        target5xx: lb.httpCodeTarget(elbv2.HttpCodeTarget.TARGET_5XX_COUNT, { period, statistic: 'Sum' }),
        lb5xx: lb.httpCodeElb(elbv2.HttpCodeElb.ELB_5XX_COUNT, { period, statistic: 'Sum' }),
        requests: lb.requestCount({ period, statistic: 'Sum' }),
      },
      period,
    });
    this.http5xxRate = http5xxRate.createAlarm(this, 'Http5xxRate', {
      alarmDescription: `More than ${props.http5xxPercent}% of requests answered with a 5xx in 2 of 3 five-minute periods`,
      threshold: props.http5xxPercent,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      evaluationPeriods: 3,
      datapointsToAlarm: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.rngHealth = this.eventAlarm('RngHealth', props, LOG_EVENTS.rngHealthFailure, 'RngHealthFailures', {
      description: 'The RNG failed a continuous health test (NIST SP 800-90B); draws stop until it is fixed',
    });
    this.integrity = this.eventAlarm(
      'Integrity',
      props,
      LOG_EVENTS.integrityCheckFailed,
      'IntegrityCheckFailures',
      {
        description:
          'A scheduled journal integrity check failed: a journal row or checkpoint does not verify',
      },
    );

    this.paymentMismatch = this.eventAlarm(
      'PaymentMismatch',
      props,
      LOG_EVENTS.paymentMismatch,
      'PaymentMismatches',
      {
        description:
          'The payment provider reported a payment that matches no order (unknown PaymentIntent, wrong amount or currency): money was taken without tickets',
      },
    );

    const anchored = this.eventMetric(props, LOG_EVENTS.anchoringAlive, 'CheckpointsAnchored');
    this.anchoringLag = anchored
      .with({ period: Duration.minutes(props.anchorLagMinutes), statistic: 'Sum' })
      .createAlarm(this, 'AnchoringLag', {
        alarmDescription: `No checkpoint anchored in S3 Object Lock for ${props.anchorLagMinutes} minutes`,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 1,
        // No event at all (service down, logging broken) is exactly the lag to report.
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });

    this.noHealthyTask = props.targetGroup.metrics
      .healthyHostCount({ period: Duration.minutes(1), statistic: 'Minimum' })
      .createAlarm(this, 'NoHealthyTask', {
        alarmDescription: 'No task passes /health/ready: the service is down for buyers',
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
        evaluationPeriods: 3,
        treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      });

    const action = new actions.SnsAction(this.topic);
    for (const alarm of [
      this.http5xxRate,
      this.rngHealth,
      this.integrity,
      this.anchoringLag,
      this.paymentMismatch,
      this.noHealthyTask,
    ]) {
      alarm.addAlarmAction(action);
      alarm.addOkAction(action);
    }
  }

  private eventMetric(props: AlarmsProps, events: readonly string[], metricName: string): cloudwatch.Metric {
    const patterns = events.map((event) => logs.FilterPattern.stringValue('$.event', '=', event));
    const filter = new logs.MetricFilter(this, `${metricName}Filter`, {
      logGroup: props.serviceLogs,
      filterPattern: patterns.length === 1 ? patterns[0] : logs.FilterPattern.any(...patterns),
      metricNamespace: METRIC_NAMESPACE,
      metricName,
      metricValue: '1',
    });
    return filter.metric();
  }

  private eventAlarm(
    id: string,
    props: AlarmsProps,
    events: readonly string[],
    metricName: string,
    options: { description: string },
  ): cloudwatch.Alarm {
    return this.eventMetric(props, events, metricName)
      .with({ period: Duration.minutes(1), statistic: 'Sum' })
      .createAlarm(this, id, {
        alarmDescription: options.description,
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
  }
}
