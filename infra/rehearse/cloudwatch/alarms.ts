import type { Deployment } from '../deployment';
import { evaluateMetricMath, metricMathIds, MetricMathError, type MathValue } from './metric-math';
import type { Datapoint, MetricStore } from './metric-store';
import { textOf } from '../resources';

export interface MetricQuery {
  id: string;
  namespace: string;
  name: string;
  dimensions: Record<string, string>;
  periodSeconds: number;
  stat: string;
}

export interface AlarmDefinition {
  logicalId: string;
  name: string;
  arn: string;
  metrics: MetricQuery[];
  /** The returned expression, when the alarm is on metric math. */
  expression: string | undefined;
  periodSeconds: number;
  threshold: number;
  comparison: string;
  evaluationPeriods: number;
  datapointsToAlarm: number;
  treatMissingData: string;
  actions: { ALARM: string[]; OK: string[]; INSUFFICIENT_DATA: string[] };
}

export type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

export function readAlarms(deployment: Deployment): AlarmDefinition[] {
  return deployment.resources('AWS::CloudWatch::Alarm').map((alarm) => {
    const props = alarm.props;
    const metrics: MetricQuery[] = [];
    let expression: string | undefined;
    let periodSeconds = Number(props['Period'] ?? 60);
    if (Array.isArray(props['Metrics'])) {
      for (const entry of props['Metrics'] as Array<{ Id: string; Expression?: string; ReturnData?: boolean; MetricStat?: { Metric: { Namespace: string; MetricName: string; Dimensions?: Array<{ Name: string; Value: string }> }; Period: number; Stat: string } }>) {
        if (entry.MetricStat) {
          metrics.push({ id: entry.Id, namespace: entry.MetricStat.Metric.Namespace, name: entry.MetricStat.Metric.MetricName, dimensions: dimensionsOf(entry.MetricStat.Metric.Dimensions), periodSeconds: entry.MetricStat.Period, stat: entry.MetricStat.Stat });
          periodSeconds = entry.MetricStat.Period;
        }
        if (entry.Expression && entry.ReturnData !== false) expression = entry.Expression;
      }
    } else {
      metrics.push({ id: 'm1', namespace: String(props['Namespace']), name: String(props['MetricName']), dimensions: dimensionsOf(props['Dimensions'] as Array<{ Name: string; Value: string }> | undefined), periodSeconds, stat: String(props['Statistic'] ?? props['ExtendedStatistic']) });
    }
    const evaluationPeriods = Number(props['EvaluationPeriods'] ?? 1);
    return {
      logicalId: alarm.logicalId,
      name: alarm.physical.ref,
      arn: alarm.physical.attributes['Arn'] ?? '',
      metrics,
      expression,
      periodSeconds,
      threshold: Number(props['Threshold'] ?? 0),
      comparison: String(props['ComparisonOperator']),
      evaluationPeriods,
      datapointsToAlarm: Number(props['DatapointsToAlarm'] ?? evaluationPeriods),
      treatMissingData: textOf(props['TreatMissingData'], 'missing'),
      actions: { ALARM: strings(props['AlarmActions']), OK: strings(props['OKActions']), INSUFFICIENT_DATA: strings(props['InsufficientDataActions']) },
    };
  });
}

function dimensionsOf(list: Array<{ Name: string; Value: string }> | undefined): Record<string, string> {
  return Object.fromEntries((list ?? []).map((dimension) => [dimension.Name, String(dimension.Value)]));
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

/** CloudWatch's statistics over one period's datapoints. */
export function statistic(stat: string, values: number[]): MathValue {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  switch (stat) {
    case 'Sum':
      return values.reduce((a, b) => a + b, 0);
    case 'Maximum':
      return sorted[sorted.length - 1];
    case 'Minimum':
      return sorted[0];
    case 'Average':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'SampleCount':
      return values.length;
    default: {
      const percentile = /^p(\d+(?:\.\d+)?)$/.exec(stat);
      if (!percentile) return undefined;
      return sorted[Math.min(sorted.length - 1, Math.ceil((Number(percentile[1]) / 100) * sorted.length) - 1)];
    }
  }
}

export function sameDimensions(a: Record<string, string>, b: Record<string, string>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((key) => b[key] === a[key]);
}

function valueIn(store: MetricStore, query: MetricQuery, from: number, to: number): MathValue {
  const values = store.datapoints.filter((point: Datapoint) => point.namespace === query.namespace && point.name === query.name && point.at >= from && point.at < to && sameDimensions(point.dimensions, query.dimensions)).map((point) => point.value);
  return statistic(query.stat, values);
}

/**
 * The alarm's state at `now` from the stored datapoints, as CloudWatch evaluates it: the last
 * EvaluationPeriods periods, M of N breaching, missing data as TreatMissingData says.
 */
export function evaluateAlarm(store: MetricStore, alarm: AlarmDefinition, now: number, previous: AlarmState): AlarmState {
  const periodMs = alarm.periodSeconds * 1000;
  const lastEnd = Math.floor(now / periodMs) * periodMs;
  let breaching = 0;
  let good = 0;
  for (let index = 0; index < alarm.evaluationPeriods; index += 1) {
    const to = lastEnd - index * periodMs;
    const from = to - periodMs;
    const values = Object.fromEntries(alarm.metrics.map((metric) => [metric.id, valueIn(store, metric, from, to)]));
    let value: MathValue;
    try {
      value = alarm.expression ? evaluateMetricMath(alarm.expression, values) : values[alarm.metrics[0]?.id ?? ''];
    } catch (error) {
      if (error instanceof MetricMathError) return 'INSUFFICIENT_DATA';
      throw error;
    }
    if (value === undefined) {
      if (alarm.treatMissingData === 'breaching') breaching += 1;
      else if (alarm.treatMissingData === 'notBreaching') good += 1;
      continue;
    }
    if (breaches(alarm.comparison, value, alarm.threshold)) breaching += 1;
    else good += 1;
  }
  if (breaching >= alarm.datapointsToAlarm) return 'ALARM';
  if (good > 0) return 'OK';
  return alarm.treatMissingData === 'ignore' ? previous : 'INSUFFICIENT_DATA';
}

function breaches(comparison: string, value: number, threshold: number): boolean {
  switch (comparison) {
    case 'GreaterThanOrEqualToThreshold':
      return value >= threshold;
    case 'GreaterThanThreshold':
      return value > threshold;
    case 'LessThanThreshold':
      return value < threshold;
    case 'LessThanOrEqualToThreshold':
      return value <= threshold;
    default:
      return false;
  }
}

/** The ids an alarm's expression reads, for checking every one is defined. */
export function alarmExpressionIds(alarm: AlarmDefinition): string[] {
  return alarm.expression ? metricMathIds(alarm.expression) : [];
}
