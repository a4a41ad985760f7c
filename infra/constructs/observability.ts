import { ArnFormat, CfnOutput, Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  MathExpression,
  Metric,
  TextWidget,
  TreatMissingData,
  type IWidget,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { QueryDefinition, QueryString, type ILogGroup } from 'aws-cdk-lib/aws-logs';
import { Topic, type ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { MetricName, METRICS_NAMESPACE } from '../../functions/adapters/metrics/powertools-run-metrics';
import { catalogEntry } from '../../functions/catalog';
import { jobStatuses } from '../../functions/core/jobs/states';
import type { JobFunction } from './job-function';

export interface ObservabilityProps {
  /** One function per job type, keyed by type: a failed-runs alarm and a dashboard row each. */
  jobFunctions: ReadonlyMap<string, JobFunction>;
  /** Functions that run no jobs (API, authorizer): searched by the saved queries only. */
  otherFunctions: readonly JobFunction[];
  /** Job types with an enabled schedule: the sweeper publishes their health, so they get a stale alarm. */
  scheduledTypes: readonly string[];
  /** Enabled cron and at() schedules: the sweeper publishes SlotsMissed for each, so each gets an alarm. */
  slotSchedules: readonly string[];
  httpApi: IHttpApi;
  /** Queues where failed deliveries end up; any message there is an alarm. */
  deadLetterQueues: ReadonlyArray<{ name: string; queue: IQueue }>;
  /** Queues whose depth is worth a graph (the debounce delay queue). */
  workQueues: ReadonlyArray<{ name: string; queue: IQueue }>;
  /** Where alarms notify; one is created when the stack has none. */
  alertTopic?: ITopic;
}

/** Failed runs keep their alarm up this long: a nightly job's failure is not gone 5 minutes later. */
const FAILED_RUNS_WINDOW_PERIODS = 12;
const FAILED_RUNS_PERIOD = Duration.minutes(5);
/** Two sweeps per period; two unhealthy periods in a row before anyone is woken. */
const HEALTH_PERIOD = Duration.minutes(10);
const HEALTH_PERIODS = 2;

/**
 * CloudWatch for Nightshift: alarms on failed or timed-out runs, dead letters, stale scheduled
 * jobs and API 5xx (each notifying the alert topic on ALARM and OK), one dashboard, and two saved
 * Logs Insights queries. It reads the metrics `PowertoolsRunMetrics` publishes, by the same names.
 */
export class Observability extends Construct {
  readonly alertTopic: ITopic;
  readonly dashboard: Dashboard;
  readonly alarms: readonly Alarm[];
  /** Each job type's own alarms (failed runs, staleness), for its dashboard row. */
  private readonly alarmsByType = new Map<string, Alarm[]>();

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    const stackName = Stack.of(this).stackName;
    // `Nightshift-<stack>`, without saying Nightshift twice for the default `Nightshift-Stateless`.
    const displayName = stackName.startsWith('Nightshift') ? stackName : `Nightshift-${stackName}`;
    this.alertTopic = props.alertTopic ?? new Topic(this, 'AlarmTopic', { displayName: `Nightshift alarms (${stackName})`, enforceSSL: true });
    this.letAlarmsPublish(this.alertTopic);
    const notify = new SnsAction(this.alertTopic);

    const alarms: Alarm[] = [];
    const add = (alarm: Alarm, type?: string): Alarm => {
      alarm.addAlarmAction(notify);
      alarm.addOkAction(notify);
      alarms.push(alarm);
      if (type !== undefined) this.alarmsByType.set(type, [...(this.alarmsByType.get(type) ?? []), alarm]);
      return alarm;
    };

    for (const type of props.jobFunctions.keys()) add(this.failedRunsAlarm(stackName, type), type);
    for (const type of props.scheduledTypes) {
      const stale = add(this.staleJobAlarm(stackName, type), type);
      // A sweeper that stops publishing leaves no data: say so, rather than keep the last verdict.
      stale.addInsufficientDataAction(notify);
    }
    for (const schedule of props.slotSchedules) add(this.slotsMissedAlarm(stackName, schedule));
    for (const { name, queue } of props.deadLetterQueues) {
      add(
        new Alarm(this, `DeadLetters-${name}`, {
          alarmName: `${stackName}-dead-letters-${name}`,
          alarmDescription: `Messages in the ${name} dead-letter queue: deliveries that failed every retry. Inspect them in the SQS console, fix the cause, then redrive or delete them.`,
          metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
          threshold: 1,
          comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
          evaluationPeriods: 1,
          treatMissingData: TreatMissingData.NOT_BREACHING,
        }),
      );
    }
    add(
      new Alarm(this, 'ApiServerErrors', {
        alarmName: `${stackName}-api-5xx`,
        alarmDescription: 'The HTTP API answered 5xx. Run the "failed runs" query or search the API log group for level = "ERROR".',
        metric: props.httpApi.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      }),
    );
    this.alarms = alarms;

    this.dashboard = new Dashboard(this, 'Dashboard', { dashboardName: displayName, defaultInterval: Duration.days(1) });
    this.dashboard.addWidgets(new AlarmStatusWidget({ title: 'All Nightshift alarms', alarms, width: 24, height: 4 }));
    for (const type of props.jobFunctions.keys()) this.dashboard.addWidgets(...this.jobTypeRow(type));
    this.dashboard.addWidgets(...this.infrastructureRow(props));

    const allFunctions = [...props.jobFunctions.values(), ...props.otherFunctions];
    this.savedQueries(displayName, allFunctions.map((fn) => fn.logGroup));

    const region = Stack.of(this).region;
    // On the stack itself, so the output is plainly `DashboardUrl` next to the other operator links.
    new CfnOutput(Stack.of(this), 'DashboardUrl', {
      value: `https://${region}.console.aws.amazon.com/cloudwatch/home?region=${region}#dashboards/dashboard/${displayName}`,
      description: 'CloudWatch dashboard: runs, durations, rows per job type; alarms; DLQs; API',
    });
  }

  /**
   * Alarm actions publish as the CloudWatch service principal, which only a topic policy can let
   * in. SNS's default policy would, but the topic policy `enforceSSL` creates replaces it, so
   * without this statement every notification is denied (found by the deploy rehearsal).
   */
  private letAlarmsPublish(topic: ITopic): void {
    const stack = Stack.of(this);
    topic.addToResourcePolicy(
      new PolicyStatement({
        sid: 'CloudWatchAlarmsPublish',
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: {
          StringEquals: { 'aws:SourceAccount': stack.account },
          ArnLike: { 'aws:SourceArn': stack.formatArn({ service: 'cloudwatch', resource: 'alarm', resourceName: '*', arnFormat: ArnFormat.COLON_RESOURCE_NAME }) },
        },
      }),
    );
  }

  /** RunsEnded with Status failed + timed_out, any 5-minute bucket of the last hour. */
  private failedRunsAlarm(stackName: string, type: string): Alarm {
    const failed = runsEnded(type, 'failed', FAILED_RUNS_PERIOD);
    const timedOut = runsEnded(type, 'timed_out', FAILED_RUNS_PERIOD);
    return new Alarm(this, `FailedRuns-${type}`, {
      alarmName: `${stackName}-failed-runs-${type}`,
      alarmDescription: `A ${type} run ended failed or timed_out in the last hour. List them: GET /jobs?type=${type}&status=failed (and timed_out), or the "failed runs" saved query; each record's error says why.`,
      metric: new MathExpression({
        expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
        usingMetrics: { failed, timedOut },
        period: FAILED_RUNS_PERIOD,
        label: `${type} failed + timed out`,
      }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      // Fires within one period of the failure, and stays up for the hour (1 of 12): OK means a clean hour.
      evaluationPeriods: FAILED_RUNS_WINDOW_PERIODS,
      datapointsToAlarm: 1,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  /** The health rule's verdict (1 healthy, 0 stale) as the sweeper publishes it. */
  private staleJobAlarm(stackName: string, type: string): Alarm {
    return new Alarm(this, `StaleJob-${type}`, {
      alarmName: `${stackName}-stale-${type}`,
      alarmDescription: `No ${type} success within twice its schedule interval (the GET /health rule). GET /health/${type} gives the reason and the last run; then check the schedule DLQ and failed runs. INSUFFICIENT_DATA means the sweeper stopped publishing.`,
      metric: jobMetric(MetricName.jobHealthy, type, { period: HEALTH_PERIOD, statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: HEALTH_PERIODS,
      // Missing is neither healthy nor stale: a fresh stack starts INSUFFICIENT_DATA without a page.
      treatMissingData: TreatMissingData.MISSING,
    });
  }

  /** A slot of the last day past due with no run standing for it (the slot ledger's `missing`, `skipped`, `dead_lettered`). */
  private slotsMissedAlarm(stackName: string, schedule: string): Alarm {
    return new Alarm(this, `SlotsMissed-${schedule}`, {
      alarmName: `${stackName}-slots-missed-${schedule}`,
      alarmDescription: `A slot of schedule ${schedule} in the last day has no run (missed, in a DST gap and not made up, or dead-lettered). \`nightshift schedules slots ${schedule} --missed\` lists them; its catch-up policy says whether the sweeper makes them up.`,
      metric: new Metric({ namespace: METRICS_NAMESPACE, metricName: MetricName.slotsMissed, dimensionsMap: { Schedule: schedule }, period: HEALTH_PERIOD, statistic: 'Maximum' }),
      threshold: 1,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: HEALTH_PERIODS,
      treatMissingData: TreatMissingData.NOT_BREACHING,
    });
  }

  private jobTypeRow(type: string): IWidget[] {
    const byStatus = jobStatuses.filter((status) => status !== 'queued' && status !== 'running').map((status) => runsEnded(type, status, Duration.hours(1)));
    const duration = (statistic: string) => jobMetric(MetricName.runDurationMs, type, { statistic, label: statistic, period: Duration.hours(1) });
    const rowsField = catalogEntry(type).rowsSummaryField;
    const widgets: IWidget[] = [
      new GraphWidget({ title: `${type}: runs by status`, left: byStatus, stacked: true, width: 6 }),
      new GraphWidget({ title: `${type}: duration (ms)`, left: [duration('p50'), duration('p95'), duration('Maximum')], width: 6 }),
      rowsField !== undefined
        ? new GraphWidget({
            title: `${type}: rows processed (${rowsField})`,
            left: [jobMetric(MetricName.rowsProcessed, type, { statistic: 'Sum', period: Duration.hours(1) })],
            width: 6,
          })
        : new TextWidget({ markdown: `**${type}**: no row count (its summary has none)`, width: 6, height: 6 }),
      new AlarmStatusWidget({ title: `${type}: alarms`, alarms: this.alarmsByType.get(type) ?? [], width: 6, height: 6 }),
    ];
    return widgets;
  }

  private infrastructureRow(props: ObservabilityProps): IWidget[] {
    const depth = (queues: ObservabilityProps['deadLetterQueues']) =>
      queues.map(({ name, queue }) => queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum', label: name }));
    const api = props.httpApi;
    return [
      new GraphWidget({ title: 'Dead-letter queues: messages', left: depth(props.deadLetterQueues), width: 6 }),
      new GraphWidget({ title: 'Delay queue: messages', left: depth(props.workQueues), width: 6 }),
      new GraphWidget({
        title: 'API: 4xx / 5xx',
        left: [api.metricClientError({ statistic: 'Sum', label: '4xx' }), api.metricServerError({ statistic: 'Sum', label: '5xx' })],
        leftAnnotations: [{ value: 1, label: '5xx alarm threshold' }],
        width: 6,
      }),
      new GraphWidget({
        title: 'API: latency (ms)',
        left: ['p50', 'p95', 'p99'].map((statistic) => api.metricLatency({ statistic, label: statistic })),
        width: 6,
      }),
    ];
  }

  /** Saved under `<dashboard name>/…` in Logs Insights; the time range is picked when running. */
  private savedQueries(prefix: string, logGroups: ILogGroup[]): void {
    new QueryDefinition(this, 'RunsOfAJobQuery', {
      queryDefinitionName: `${prefix}/runs of a job id`,
      // Replace the id; `staleJobId` finds the sweeper's time-out of the same run.
      queryString: new QueryString({
        fields: ['@timestamp', 'level', 'message', 'type', 'status', 'code', '@log'],
        filterStatements: ['jobId = "REPLACE_WITH_JOB_ID" or staleJobId = "REPLACE_WITH_JOB_ID"'],
        sort: '@timestamp asc',
        limit: 1000,
      }),
      logGroups,
    });
    new QueryDefinition(this, 'FailedRunsQuery', {
      queryDefinitionName: `${prefix}/failed runs last 24 h`,
      // "run finished" is executeRun's terminal line; the sweeper's time-outs log their own line.
      queryString: new QueryString({
        fields: ['@timestamp', 'type', 'jobId', 'status', 'durationMs', 'staleJobId', 'staleType', '@log'],
        filterStatements: ['(message = "run finished" and status in ["failed", "timed_out"]) or message = "timed out a run past its deadline"'],
        sort: '@timestamp desc',
        limit: 1000,
      }),
      logGroups,
    });
  }
}

function jobMetric(metricName: string, type: string, options: { period: Duration; statistic: string; label?: string }): Metric {
  return new Metric({ namespace: METRICS_NAMESPACE, metricName, dimensionsMap: { JobType: type }, ...options });
}

function runsEnded(type: string, status: string, period: Duration): Metric {
  return new Metric({
    namespace: METRICS_NAMESPACE,
    metricName: MetricName.runsEnded,
    dimensionsMap: { JobType: type, Status: status },
    statistic: 'Sum',
    period,
    label: status,
  });
}
