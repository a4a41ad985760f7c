import { Metrics, MetricUnit } from '@aws-lambda-powertools/metrics';
import type { MetricUnit as MetricUnitValue } from '@aws-lambda-powertools/metrics/types';
import type { JobType } from '../../core/jobs/job-types';
import type { RunEnded, RunMetrics } from '../../core/jobs/run-metrics';

/** The CloudWatch namespace of every Nightshift metric; the alarms and the dashboard read it. */
export const METRICS_NAMESPACE = 'Nightshift';

/** Metric names, shared with the stack so alarms cannot drift from what is published. */
export const MetricName = {
  runsEnded: 'RunsEnded',
  runDurationMs: 'RunDurationMs',
  rowsProcessed: 'RowsProcessed',
  jobHealthy: 'JobHealthy',
  slotsMissed: 'SlotsMissed',
} as const;

/**
 * Run metrics as CloudWatch Embedded Metric Format lines on stdout, through Powertools Metrics.
 * Each metric is its own EMF line, flushed the moment it is recorded: the metrics need different
 * dimension sets (RunsEnded by JobType and Status, the others by JobType only), and nothing is
 * held in memory that a frozen or crashed Lambda container could lose. Powertools' default
 * `service` dimension is dropped so the published dimensions are exactly the ones the alarms name.
 */
export class PowertoolsRunMetrics implements RunMetrics {
  private readonly metrics: Metrics;

  constructor(namespace: string = METRICS_NAMESPACE) {
    this.metrics = new Metrics({ namespace });
  }

  recordRunEnded(run: RunEnded): void {
    this.publish(MetricName.runsEnded, MetricUnit.Count, 1, { JobType: run.type, Status: run.status });
    this.publish(MetricName.runDurationMs, MetricUnit.Milliseconds, run.durationMs, { JobType: run.type });
    if (run.rows !== undefined) this.publish(MetricName.rowsProcessed, MetricUnit.Count, run.rows, { JobType: run.type });
  }

  recordJobHealth(type: JobType, healthy: boolean): void {
    this.publish(MetricName.jobHealthy, MetricUnit.Count, healthy ? 1 : 0, { JobType: type });
  }

  recordSlotsMissed(schedule: string, count: number): void {
    this.publish(MetricName.slotsMissed, MetricUnit.Count, count, { Schedule: schedule });
  }

  private publish(name: string, unit: MetricUnitValue, value: number, dimensions: Record<string, string>): void {
    const single = this.metrics.singleMetric();
    // Each single-metric instance gets Powertools' `service` default dimension back: drop it here.
    single.clearDefaultDimensions();
    for (const [dimension, dimensionValue] of Object.entries(dimensions)) single.addDimension(dimension, dimensionValue);
    // A single-metric instance writes its EMF line as soon as the metric is added.
    single.addMetric(name, unit, value);
  }
}
