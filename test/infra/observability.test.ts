import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { apiFunction, jobCatalog } from '../../functions/catalog';
import { parseConfig } from '../../functions/core/config';
import { buildApp } from '../../infra/app';

type Resource = { Type: string; Properties: Record<string, unknown> };

const config = parseConfig({
  timezone: 'America/Los_Angeles',
  metrics: { revenue: { description: 'Revenue' } },
  schedules: {
    sweeper: { job: 'sweeper', expression: 'rate(5 minutes)' },
    'snapshot-daily': { job: 'snapshot', expression: 'cron(0 3 * * ? *)', period: 'previous-day' },
    'export-weekly': { job: 'export', expression: 'cron(0 4 ? * MON *)', period: 'previous-week', params: { name: 'weekly', format: 'csv' }, enabled: false },
  },
});
const stackName = 'Nightshift-Stateless';
const jobTypes = jobCatalog.map((entry) => entry.type);

let outdir: string;
let template: Template;
let alarms: Record<string, Resource>;
let topicRef: unknown;

beforeAll(() => {
  // Prepare: the assembly goes to a temp dir this file owns (templates only: no bundles).
  outdir = mkdtempSync(join(tmpdir(), 'nightshift-obs-test-'));
  // Act: one synth for the whole file.
  const built = buildApp({ config, outdir, deployedAt: '2026-11-22T10:00:00.000Z', bundle: false });
  template = Template.fromStack(built.stateless);
  alarms = template.findResources('AWS::CloudWatch::Alarm') as Record<string, Resource>;
  topicRef = { Ref: Object.keys(template.findResources('AWS::SNS::Topic'))[0] };
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

function alarmNamed(name: string): Resource['Properties'] {
  const found = Object.values(alarms).find((alarm) => alarm.Properties['AlarmName'] === `${stackName}-${name}`);
  if (!found) throw new Error(`no alarm ${name}; have ${Object.values(alarms).map((a) => String(a.Properties['AlarmName'])).join(', ')}`);
  return found.Properties;
}

describe('observability: alarms', () => {
  it('has one failed-runs alarm per job type, one stale alarm per enabled scheduled type, one per DLQ, the API 5xx alarm and a slots-missed alarm per enabled cron schedule', () => {
    // Assess
    const expected = jobTypes.length + 2 /* sweeper, snapshot */ + 2 /* schedule and delay DLQs */ + 1 + 1 /* snapshot-daily's slots */;
    template.resourceCountIs('AWS::CloudWatch::Alarm', expected);
    template.resourceCountIs('AWS::SNS::Topic', 1);
  });

  it('notifies the alert topic on ALARM and on OK, every alarm', () => {
    // Assess
    for (const alarm of Object.values(alarms)) {
      expect(alarm.Properties['AlarmActions']).toEqual([topicRef]);
      expect(alarm.Properties['OKActions']).toEqual([topicRef]);
    }
  });

  it('lets CloudWatch publish to the alert topic: its topic policy (enforceSSL) replaces the default one', () => {
    // Assess: found by the deploy rehearsal; without it every alarm action is denied by SNS.
    const policies = Object.values(template.findResources('AWS::SNS::TopicPolicy')) as Resource[];
    const statements = policies.flatMap((policy) => (policy.Properties['PolicyDocument'] as { Statement: Array<Record<string, unknown>> }).Statement);
    const allow = statements.find((statement) => statement['Effect'] === 'Allow' && statement['Action'] === 'sns:Publish');
    expect(allow).toMatchObject({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Resource: topicRef, Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } });
  });

  it('counts failed + timed_out RunsEnded per job type, ≥ 1 in any 5 minutes of the last hour', () => {
    for (const type of jobTypes) {
      // Act
      const alarm = alarmNamed(`failed-runs-${type}`);

      // Assess
      expect(alarm).toMatchObject({ Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 12, DatapointsToAlarm: 1, TreatMissingData: 'notBreaching' });
      const queries = alarm['Metrics'] as Array<{ Id: string; Expression?: string; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions: unknown[] }; Period: number; Stat: string } }>;
      expect(queries.find((q) => q.Expression)?.Expression).toBe('FILL(failed, 0) + FILL(timedOut, 0)');
      const stats = queries.filter((q) => q.MetricStat).map((q) => q.MetricStat!);
      expect(stats.map((s) => [s.Metric.Namespace, s.Metric.MetricName, s.Period, s.Stat])).toEqual([
        ['Nightshift', 'RunsEnded', 300, 'Sum'],
        ['Nightshift', 'RunsEnded', 300, 'Sum'],
      ]);
      expect(stats.map((s) => s.Metric.Dimensions)).toEqual([
        [{ Name: 'JobType', Value: type }, { Name: 'Status', Value: 'failed' }],
        [{ Name: 'JobType', Value: type }, { Name: 'Status', Value: 'timed_out' }],
      ]);
    }
  });

  it('watches JobHealthy < 1 for enabled scheduled types only, and reports a silent sweeper', () => {
    // Prepare
    const staleNames = Object.values(alarms).map((a) => String(a.Properties['AlarmName'])).filter((name) => name.includes('-stale-'));

    // Act
    const sweeper = alarmNamed('stale-sweeper');

    // Assess
    expect(staleNames.sort()).toEqual([`${stackName}-stale-snapshot`, `${stackName}-stale-sweeper`]);
    expect(sweeper).toMatchObject({
      Namespace: 'Nightshift',
      MetricName: 'JobHealthy',
      Dimensions: [{ Name: 'JobType', Value: 'sweeper' }],
      Statistic: 'Maximum',
      Period: 600,
      Threshold: 1,
      ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2,
      TreatMissingData: 'missing',
      InsufficientDataActions: [topicRef],
    });
  });

  it('watches SlotsMissed ≥ 1 for each enabled cron schedule, not rate() or disabled ones', () => {
    // Prepare
    const names = Object.values(alarms).map((a) => String(a.Properties['AlarmName'])).filter((name) => name.includes('-slots-missed-'));

    // Act
    const daily = alarmNamed('slots-missed-snapshot-daily');

    // Assess
    expect(names).toEqual([`${stackName}-slots-missed-snapshot-daily`]);
    expect(daily).toMatchObject({
      Namespace: 'Nightshift',
      MetricName: 'SlotsMissed',
      Dimensions: [{ Name: 'Schedule', Value: 'snapshot-daily' }],
      Statistic: 'Maximum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      TreatMissingData: 'notBreaching',
      AlarmActions: [topicRef],
    });
    expect(String(daily['AlarmDescription'])).toContain('nightshift schedules slots snapshot-daily --missed');
  });

  it('alarms on any visible message in the schedule and delay dead-letter queues', () => {
    // Prepare
    const dlqs = template.findResources('AWS::SQS::Queue', { Properties: Match.objectLike({ MessageRetentionPeriod: 14 * 86_400 }) });
    const scheduleDlq = Object.keys(dlqs).find((id) => id.startsWith('ScheduleDlq'));
    const delayDlq = Object.keys(dlqs).find((id) => id.startsWith('DelayDlq'));

    // Act
    const alarmsByQueue = ['schedule', 'delay'].map((name) => alarmNamed(`dead-letters-${name}`));

    // Assess
    expect(alarmsByQueue.map((alarm) => alarm['Dimensions'])).toEqual([
      [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [scheduleDlq, 'QueueName'] } }],
      [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [delayDlq, 'QueueName'] } }],
    ]);
    for (const alarm of alarmsByQueue) {
      expect(alarm).toMatchObject({ MetricName: 'ApproximateNumberOfMessagesVisible', Statistic: 'Maximum', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold' });
    }
  });

  it('alarms on API 5xx ≥ 1 in 5 minutes', () => {
    // Act
    const alarm = alarmNamed('api-5xx');

    // Assess
    expect(alarm).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5xx', Statistic: 'Sum', Period: 300, Threshold: 1, EvaluationPeriods: 1 });
  });
});

describe('observability: dashboard, queries, output', () => {
  it('builds one dashboard with a runs, duration, rows and alarms row per job type', () => {
    // Prepare
    const dashboards = Object.values(template.findResources('AWS::CloudWatch::Dashboard')) as Resource[];

    // Act
    const body = JSON.stringify(dashboards[0]?.Properties['DashboardBody']);

    // Assess
    expect(dashboards).toHaveLength(1);
    expect(dashboards[0]!.Properties['DashboardName']).toBe(`${stackName}`);
    for (const type of jobTypes) {
      for (const title of [`${type}: runs by status`, `${type}: duration (ms)`, `${type}: alarms`]) expect(body).toContain(title);
    }
    for (const title of ['rollup: rows processed (events)', 'snapshot: rows processed (scopes)', 'export: rows processed (rows)', 'Dead-letter queues: messages', 'API: 4xx / 5xx', 'API: latency (ms)']) {
      expect(body).toContain(title);
    }
  });

  it('saves the two Logs Insights queries over every function\'s log group', () => {
    // Prepare
    const functionCount = jobTypes.length + 2; // + the API and the authorizer
    const queries = Object.values(template.findResources('AWS::Logs::QueryDefinition')) as Resource[];
    // Every function's log group; the HTTP API's access log has no run lines to query.
    const logGroupIds = Object.keys(template.findResources('AWS::Logs::LogGroup')).filter((id) => !id.startsWith('HttpApiAccessLogs'));

    // Act
    const byName = new Map(queries.map((q) => [String(q.Properties['Name']), q.Properties]));

    // Assess
    expect([...byName.keys()].sort()).toEqual([`${stackName}/failed runs last 24 h`, `${stackName}/runs of a job id`]);
    expect(logGroupIds).toHaveLength(functionCount);
    for (const query of byName.values()) {
      expect(query['LogGroupNames']).toEqual(expect.arrayContaining(logGroupIds.map((id) => ({ Ref: id }))));
      expect((query['LogGroupNames'] as unknown[]).length).toBe(functionCount);
    }
    expect(String(byName.get(`${stackName}/runs of a job id`)!['QueryString'])).toContain('filter jobId = "REPLACE_WITH_JOB_ID"');
    expect(String(byName.get(`${stackName}/failed runs last 24 h`)!['QueryString'])).toContain('message = "run finished" and status in ["failed", "timed_out"]');
    expect(apiFunction.name).toBe('api');
  });

  it('outputs the dashboard\'s console URL', () => {
    // Assess
    const url = template.findOutputs('DashboardUrl')['DashboardUrl'] as { Value: unknown } | undefined;
    expect(JSON.stringify(url?.Value)).toContain(`#dashboards/dashboard/${stackName}`);
  });
});
