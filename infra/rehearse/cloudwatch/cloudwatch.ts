import type { SnsService } from '../aws/sns';
import type { SqsService } from '../aws/sqs';
import type { IamAuthority } from '../iam';
import type { Timeline } from '../timeline';
import { evaluateAlarm, type AlarmDefinition, type AlarmState } from './alarms';
import type { MetricStore } from './metric-store';

export interface AlarmTransition {
  alarm: string;
  from: AlarmState;
  to: AlarmState;
  at: number;
  /** Why an action could not be delivered, per action ARN. */
  actionErrors: string[];
}

/**
 * CloudWatch's minute: SQS publishes its queue metrics (AWS/SQS, by QueueName), every alarm is
 * evaluated, and a state change runs the alarm's actions for that state (SNS topics), published
 * as the CloudWatch service principal.
 */
export class CloudWatch {
  readonly transitions: AlarmTransition[] = [];
  readonly states = new Map<string, AlarmState>();

  constructor(
    private readonly store: MetricStore,
    readonly alarms: readonly AlarmDefinition[],
    private readonly sqs: SqsService,
    private readonly sns: SnsService,
    private readonly iam: IamAuthority,
    private readonly timeline: Timeline,
  ) {
    for (const alarm of alarms) this.states.set(alarm.name, 'INSUFFICIENT_DATA');
  }

  start(): void {
    const next = Math.ceil((this.timeline.clock.now() + 1) / 60_000) * 60_000;
    this.timeline.at(next, 'cloudwatch minute', () => this.minute(next));
  }

  private async minute(at: number): Promise<void> {
    this.timeline.at(at + 60_000, 'cloudwatch minute', () => this.minute(at + 60_000));
    for (const queue of this.sqs.queues) {
      const counts = queue.counts();
      const dimensions = { QueueName: queue.name };
      this.store.put({ namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesVisible', dimensions, at, value: counts.visible, source: 'SQS' });
      this.store.put({ namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesNotVisible', dimensions, at, value: counts.notVisible, source: 'SQS' });
      this.store.put({ namespace: 'AWS/SQS', name: 'ApproximateNumberOfMessagesDelayed', dimensions, at, value: counts.delayed, source: 'SQS' });
    }
    for (const alarm of this.alarms) {
      const previous = this.states.get(alarm.name) ?? 'INSUFFICIENT_DATA';
      const state = evaluateAlarm(this.store, alarm, at, previous);
      if (state === previous) continue;
      this.states.set(alarm.name, state);
      const transition: AlarmTransition = { alarm: alarm.name, from: previous, to: state, at, actionErrors: [] };
      this.transitions.push(transition);
      for (const action of alarm.actions[state]) {
        const error = await this.sns.publishFromService(action, `${state}: "${alarm.name}"`, JSON.stringify({ AlarmName: alarm.name, NewStateValue: state, OldStateValue: previous }), 'CloudWatch alarm', (iamAction, resource) =>
          this.iam.authorize({ kind: 'service', service: 'cloudwatch.amazonaws.com', onBehalfOf: `alarm ${alarm.name}` }, iamAction, resource, { 'aws:SourceArn': alarm.arn, 'aws:SourceAccount': this.iam.account }, 'alarm action'),
        );
        if (error) transition.actionErrors.push(`${action}: ${error}`);
      }
    }
  }
}
