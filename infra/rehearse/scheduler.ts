import { randomUUID } from 'node:crypto';
import { nextFireTimes } from '../../functions/core/time/schedule';
import type { Deployment } from './deployment';
import type { IamAuthority } from './iam';
import type { IdentityRegistry } from './identities';
import type { LambdaService } from './lambda-service';
import type { SqsService } from './aws/sqs';
import type { Timeline } from './timeline';
import { textOf } from './resources';

export interface ScheduleDefinition {
  logicalId: string;
  name: string;
  arn: string;
  expression: string;
  timezone: string;
  enabled: boolean;
  targetArn: string;
  input: string;
  roleArn: string;
  maximumRetryAttempts: number;
  maximumEventAgeSeconds: number;
  deadLetterArn: string | undefined;
}

export interface Firing {
  schedule: string;
  slot: string;
  attempts: number;
  outcome: 'delivered' | 'dead-lettered' | 'dropped';
  error?: string;
  /** The target's input after placeholder substitution. */
  input: string;
}

/**
 * EventBridge Scheduler over the template's AWS::Scheduler::Schedule resources: each enabled
 * schedule fires at its expression's times in its time zone (rate() anchored at the deploy),
 * invokes its target with its role (async, as Scheduler invokes Lambda), the Input's
 * `<aws.scheduler.*>` placeholders substituted; a failed delivery is retried with back-off within
 * the retry policy, then sent to the dead-letter queue with Scheduler's error attributes.
 */
export class Scheduler {
  readonly schedules: ScheduleDefinition[];
  readonly firings: Firing[] = [];
  /** rate() schedules count from their creation: the deploy. */
  private anchor = new Date(0);

  constructor(
    deployment: Deployment,
    private readonly lambda: LambdaService,
    private readonly sqs: SqsService,
    private readonly iam: IamAuthority,
    private readonly identities: IdentityRegistry,
    private readonly timeline: Timeline,
  ) {
    this.schedules = deployment.resources('AWS::Scheduler::Schedule').map((resource) => {
      const target = resource.props['Target'] as { Arn: string; Input?: string; RoleArn: string; RetryPolicy?: { MaximumRetryAttempts?: number; MaximumEventAgeInSeconds?: number }; DeadLetterConfig?: { Arn?: string } };
      return {
        logicalId: resource.logicalId,
        name: resource.physical.ref,
        arn: resource.physical.attributes['Arn'] ?? '',
        expression: String(resource.props['ScheduleExpression']),
        timezone: textOf(resource.props['ScheduleExpressionTimezone'], 'UTC'),
        enabled: (resource.props['State'] ?? 'ENABLED') === 'ENABLED',
        targetArn: target.Arn,
        input: target.Input ?? '{}',
        roleArn: target.RoleArn,
        // Scheduler's defaults: 185 retries within 24 hours.
        maximumRetryAttempts: target.RetryPolicy?.MaximumRetryAttempts ?? 185,
        maximumEventAgeSeconds: target.RetryPolicy?.MaximumEventAgeInSeconds ?? 86_400,
        deadLetterArn: target.DeadLetterConfig?.Arn,
      };
    });
  }

  start(): void {
    this.anchor = new Date(this.timeline.clock.now());
    for (const schedule of this.schedules) if (schedule.enabled) this.armAfter(schedule, this.timeline.clock.now());
  }

  /**
   * Delivers one slot again, as Scheduler may (its delivery is at least once): the target must
   * cope with a duplicate.
   */
  async redeliver(scheduleName: string, slot: number): Promise<void> {
    const schedule = this.schedules.find((candidate) => candidate.name === scheduleName);
    if (!schedule) throw new Error(`no schedule ${scheduleName}`);
    await this.deliver(schedule, slot, randomUUID(), 0);
  }

  private armAfter(schedule: ScheduleDefinition, afterMs: number): void {
    const [next] = nextFireTimes(schedule.expression, new Date(afterMs), 1, { timezone: schedule.timezone, anchor: this.anchor });
    if (!next) return;
    this.timeline.at(next.getTime(), `schedule ${schedule.name}`, () => {
      this.armAfter(schedule, next.getTime());
      return this.deliver(schedule, next.getTime(), randomUUID(), 0);
    });
  }

  private async deliver(schedule: ScheduleDefinition, slot: number, executionId: string, attempt: number): Promise<void> {
    const input = schedule.input
      .replaceAll('<aws.scheduler.scheduled-time>', new Date(slot).toISOString().replace(/\.\d{3}Z$/, 'Z'))
      .replaceAll('<aws.scheduler.execution-id>', executionId)
      .replaceAll('<aws.scheduler.attempt-number>', String(attempt + 1))
      .replaceAll('<aws.scheduler.schedule-arn>', schedule.arn);
    const caller = { kind: 'identity' as const, identity: { kind: 'function' as const, name: `scheduler (${schedule.name})`, principalArn: this.identities.sessionArn(schedule.roleArn, executionId.slice(0, 32)), roleArn: schedule.roleArn } };
    const error = await this.attempt(schedule, caller, input);
    if (!error) {
      this.firings.push({ schedule: schedule.name, slot: new Date(slot).toISOString(), attempts: attempt + 1, outcome: 'delivered', input });
      return;
    }
    const age = this.timeline.clock.now() - slot;
    const backoffMs = Math.min(60_000 * 2 ** attempt, 15 * 60_000);
    if (attempt < schedule.maximumRetryAttempts && age + backoffMs <= schedule.maximumEventAgeSeconds * 1000) {
      this.timeline.after(backoffMs, `schedule ${schedule.name} retry`, () => this.deliver(schedule, slot, executionId, attempt + 1));
      return;
    }
    const queue = schedule.deadLetterArn ? this.sqs.byArn(schedule.deadLetterArn) : undefined;
    if (queue && (await this.iam.authorize(caller, 'sqs:SendMessage', queue.arn, {}, 'scheduler dead-letter'))) {
      queue.send(input, caller.identity.principalArn, 0, {
        ERROR_CODE: error,
        RETRY_ATTEMPTS: String(attempt),
        EXECUTION_ID: executionId,
        SCHEDULE_ARN: schedule.arn,
        SCHEDULED_TIME: new Date(slot).toISOString().replace(/\.\d{3}Z$/, 'Z'),
        TARGET_ARN: schedule.targetArn,
      });
      this.firings.push({ schedule: schedule.name, slot: new Date(slot).toISOString(), attempts: attempt + 1, outcome: 'dead-lettered', error, input });
      return;
    }
    this.firings.push({ schedule: schedule.name, slot: new Date(slot).toISOString(), attempts: attempt + 1, outcome: 'dropped', error, input });
  }

  /** One delivery: assume the role, invoke the target asynchronously. Returns the error code, if any. */
  private async attempt(schedule: ScheduleDefinition, caller: Parameters<IamAuthority['authorize']>[0], input: string): Promise<string | undefined> {
    const service = { kind: 'service' as const, service: 'scheduler.amazonaws.com', onBehalfOf: `scheduler (${schedule.name})` };
    if (!(await this.iam.authorize(service, 'sts:AssumeRole', schedule.roleArn, { 'aws:SourceAccount': this.iam.account, 'aws:SourceArn': schedule.arn }, 'scheduler'))) return 'AssumeRoleDenied';
    const fn = this.lambda.find(schedule.targetArn);
    if (!fn) return 'ResourceNotFoundException';
    if (!(await this.iam.authorize(caller, 'lambda:InvokeFunction', fn.arn, {}, 'scheduler'))) return 'AccessDeniedException';
    const fault = this.lambda.faultFor(fn);
    if (fault) return fault;
    let payload: unknown;
    try {
      payload = JSON.parse(input) as unknown;
    } catch {
      payload = input;
    }
    this.lambda.invokeAsync(fn, payload, `schedule ${schedule.name}`);
    return undefined;
  }
}
