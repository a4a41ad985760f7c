import { afterEach, beforeEach, describe, expect, it, vi, type MockInstance } from 'vitest';
import { PowertoolsRunMetrics } from '../../../functions/adapters/metrics/powertools-run-metrics';
import { runEndedOf } from '../../../functions/core/jobs/run-metrics';
import { catalogEntry } from '../../../functions/catalog';
import type { JobRecord } from '../../../functions/core/jobs/record';

interface EmfLine {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

/** The EMF documents written to stdout since the spy was installed. */
function emfLines(spy: MockInstance): EmfLine[] {
  return spy.mock.calls
    .map((call) => String(call[0]))
    .flatMap((chunk) => chunk.split('\n'))
    .filter((line) => line.includes('"_aws"'))
    .map((line) => JSON.parse(line) as EmfLine);
}

function endedRecord(overrides: Partial<JobRecord>): JobRecord {
  return {
    id: '01JTEST0000000000000000000',
    type: 'rollup',
    status: 'succeeded',
    trigger: 'schedule',
    params: {},
    triggeredBy: 'test',
    createdAt: '2026-11-22T10:00:00.000Z',
    expiresAt: 0,
    durationMs: 1234,
    ...overrides,
  } as JobRecord;
}

describe('PowertoolsRunMetrics', () => {
  let stdout: MockInstance;

  beforeEach(() => {
    stdout = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
  });

  afterEach(() => {
    stdout.mockRestore();
  });

  it('writes one EMF line per metric in the Nightshift namespace, with exactly the alarm dimensions', () => {
    // Prepare
    const metrics = new PowertoolsRunMetrics();

    // Act
    metrics.recordRunEnded({ type: 'export', status: 'failed', durationMs: 4200, rows: 17 });

    // Assess
    const lines = emfLines(stdout);
    expect(lines).toHaveLength(3);
    const byMetric = new Map(lines.map((line) => [line._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name, line]));
    const runsEnded = byMetric.get('RunsEnded')!;
    expect(runsEnded._aws.CloudWatchMetrics[0]!.Namespace).toBe('Nightshift');
    expect(runsEnded._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['JobType', 'Status']]);
    expect(runsEnded).toMatchObject({ JobType: 'export', Status: 'failed', RunsEnded: 1 });
    expect(runsEnded).not.toHaveProperty('service');
    expect(byMetric.get('RunDurationMs')!._aws.CloudWatchMetrics[0]!.Dimensions).toEqual([['JobType']]);
    expect(byMetric.get('RunDurationMs')).toMatchObject({ JobType: 'export', RunDurationMs: 4200 });
    expect(byMetric.get('RunDurationMs')!._aws.CloudWatchMetrics[0]!.Metrics[0]!.Unit).toBe('Milliseconds');
    expect(byMetric.get('RowsProcessed')).toMatchObject({ JobType: 'export', RowsProcessed: 17 });
  });

  it('leaves RowsProcessed out when the run reports no rows', () => {
    // Prepare
    const metrics = new PowertoolsRunMetrics();

    // Act
    metrics.recordRunEnded({ type: 'script-run', status: 'succeeded', durationMs: 10 });

    // Assess
    const names = emfLines(stdout).map((line) => line._aws.CloudWatchMetrics[0]!.Metrics[0]!.Name);
    expect(names.sort()).toEqual(['RunDurationMs', 'RunsEnded']);
  });

  it('publishes JobHealthy as 1 or 0 by JobType', () => {
    // Prepare
    const metrics = new PowertoolsRunMetrics();

    // Act
    metrics.recordJobHealth('snapshot', false);
    metrics.recordJobHealth('rollup', true);

    // Assess
    const lines = emfLines(stdout);
    expect(lines.map((line) => line._aws.CloudWatchMetrics[0]!.Dimensions)).toEqual([[['JobType']], [['JobType']]]);
    expect(lines).toMatchObject([
      { JobType: 'snapshot', JobHealthy: 0 },
      { JobType: 'rollup', JobHealthy: 1 },
    ]);
  });
});

describe('runEndedOf', () => {
  it('maps each type\'s declared summary field (its definition\'s rowsSummaryField) to rows', () => {
    // Prepare
    const rollup = endedRecord({ type: 'rollup', summary: { events: 900, lines: 910 } });
    const snapshot = endedRecord({ type: 'snapshot', summary: { scopes: 12 } });
    const exported = endedRecord({ type: 'export', summary: { rows: 5 } });
    const proof = endedRecord({ type: 'sampling-proof', summary: { pass: 3 } });

    // Act
    const values = [rollup, snapshot, exported, proof].map((record) => runEndedOf(record, catalogEntry(record.type).rowsSummaryField));

    // Assess
    expect(values.map((v) => v?.rows)).toEqual([900, 12, 5, undefined]);
    expect(values[0]).toEqual({ type: 'rollup', status: 'succeeded', durationMs: 1234, rows: 900 });
  });

  it('gives nothing for a run that has not ended', () => {
    // Prepare
    const running = endedRecord({ status: 'running' });

    // Act
    const value = runEndedOf(running);

    // Assess
    expect(value).toBeUndefined();
  });
});
