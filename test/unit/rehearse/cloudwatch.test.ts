import { describe, expect, it } from 'vitest';
import { evaluateAlarm, type AlarmDefinition } from '../../../infra/rehearse/cloudwatch/alarms';
import { checkAlarms } from '../../../infra/rehearse/cloudwatch/checks';
import { matchesFilter, parseQuery } from '../../../infra/rehearse/cloudwatch/logs-insights';
import { evaluateMetricMath, MetricMathError } from '../../../infra/rehearse/cloudwatch/metric-math';
import { MetricStore } from '../../../infra/rehearse/cloudwatch/metric-store';

const T0 = Date.parse('2026-12-07T11:00:00Z');

function failedRunsAlarm(type: string): AlarmDefinition {
  const metric = (id: string, status: string) => ({ id, namespace: 'Nightshift', name: 'RunsEnded', dimensions: { JobType: type, Status: status }, periodSeconds: 300, stat: 'Sum' });
  return {
    logicalId: 'FailedRuns',
    name: `failed-runs-${type}`,
    arn: `arn:aws:cloudwatch:us-east-1:123456789012:alarm:failed-runs-${type}`,
    metrics: [metric('failed', 'failed'), metric('timedOut', 'timed_out')],
    expression: 'FILL(failed, 0) + FILL(timedOut, 0)',
    periodSeconds: 300,
    threshold: 1,
    comparison: 'GreaterThanOrEqualToThreshold',
    evaluationPeriods: 12,
    datapointsToAlarm: 1,
    treatMissingData: 'notBreaching',
    actions: { ALARM: [], OK: [], INSUFFICIENT_DATA: [] },
  };
}

/** One EMF line as Powertools Metrics prints it. */
function emfLine(at: number, dimensions: Record<string, string>, value: number): string {
  return JSON.stringify({ _aws: { Timestamp: at, CloudWatchMetrics: [{ Namespace: 'Nightshift', Dimensions: [Object.keys(dimensions)], Metrics: [{ Name: 'RunsEnded', Unit: 'Count' }] }] }, ...dimensions, RunsEnded: value, service: 'nightshift' });
}

describe('metric math', () => {
  it('fills a missing series and adds, as the failed-runs alarms read it', () => {
    expect(evaluateMetricMath('FILL(failed, 0) + FILL(timedOut, 0)', { failed: undefined, timedOut: 2 })).toBe(2);
    expect(evaluateMetricMath('FILL(failed, 0) + FILL(timedOut, 0)', { failed: undefined, timedOut: undefined })).toBe(0);
    expect(evaluateMetricMath('m1 / m2 * 100', { m1: 1, m2: 4 })).toBe(25);
  });

  it('refuses what it does not know rather than guess', () => {
    expect(() => evaluateMetricMath('ANOMALY_DETECTION_BAND(m1)', { m1: 1 })).toThrow(MetricMathError);
    expect(() => evaluateMetricMath('m1 + m3', { m1: 1 })).toThrow(/does not define/);
  });
});

describe('EMF and alarms', () => {
  it('turns EMF lines into datapoints and drops a line without a timestamp', () => {
    // Prepare
    const store = new MetricStore();

    // Act
    store.logLine('group', 'fn', T0, emfLine(T0, { JobType: 'export', Status: 'timed_out' }, 1));
    store.logLine('group', 'fn', T0, JSON.stringify({ _aws: { CloudWatchMetrics: [{ Namespace: 'Nightshift', Dimensions: [[]], Metrics: [{ Name: 'RunsEnded' }] }] }, RunsEnded: 1 }));

    // Assess
    expect(store.datapoints).toEqual([{ namespace: 'Nightshift', name: 'RunsEnded', dimensions: { JobType: 'export', Status: 'timed_out' }, at: T0, value: 1, source: 'fn' }]);
    expect(store.rejectedEmf.map((entry) => entry.reason)).toEqual(['_aws.Timestamp is missing']);
  });

  it('goes to ALARM within a period of a timed-out run and back to OK an hour later', () => {
    // Prepare
    const store = new MetricStore();
    const alarm = failedRunsAlarm('export');
    store.logLine('group', 'fn', T0, emfLine(T0 + 60_000, { JobType: 'export', Status: 'timed_out' }, 1));

    // Act
    const before = evaluateAlarm(store, alarm, T0, 'INSUFFICIENT_DATA');
    const during = evaluateAlarm(store, alarm, T0 + 5 * 60_000, before);
    const after = evaluateAlarm(store, alarm, T0 + 70 * 60_000, during);

    // Assess
    expect([before, during, after]).toEqual(['OK', 'ALARM', 'OK']);
  });

  it('matches an alarm exactly only when its dimensions were emitted with those values', () => {
    // Prepare
    const store = new MetricStore();
    store.logLine('group', 'fn', T0, emfLine(T0, { JobType: 'export', Status: 'timed_out' }, 1));
    store.logLine('group', 'fn', T0, emfLine(T0, { JobType: 'rollup', Status: 'failed' }, 1));

    // Act
    const [exportAlarm, typo] = checkAlarms(store, [failedRunsAlarm('export'), failedRunsAlarm('exports')]);

    // Assess
    expect(exportAlarm?.metrics.map((metric) => metric.match)).toEqual(['values', 'exact']);
    expect(exportAlarm?.matched).toBe(true);
    expect(typo?.matched).toBe(false);
    expect(typo?.problems.join('; ')).toContain('Nightshift/RunsEnded{JobType=exports,Status=failed} was never emitted');
  });
});

describe('Logs Insights', () => {
  const query = 'fields @timestamp, type, jobId, status\n| filter (message = "run finished" and status in ["failed", "timed_out"]) or message = "timed out a run past its deadline"\n| sort @timestamp desc\n| limit 1000';

  it('lists the fields a saved query reads', () => {
    expect(parseQuery(query).fields.filter((field) => !field.startsWith('@'))).toEqual(['type', 'jobId', 'status', 'message']);
  });

  it('runs its filter over structured log events', () => {
    expect(matchesFilter(parseQuery(query).filters[0] ?? '', { message: 'run finished', status: 'timed_out' })).toBe(true);
    expect(matchesFilter(parseQuery(query).filters[0] ?? '', { message: 'run finished', status: 'succeeded' })).toBe(false);
    expect(matchesFilter(parseQuery(query).filters[0] ?? '', { message: 'timed out a run past its deadline' })).toBe(true);
  });
});
