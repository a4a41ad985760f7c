import { describe, expect, it } from 'vitest';
import { describeOutcome } from '../../../functions/client/outcome';
import type { JobRecord } from '../../../functions/client/types';

const ID = '01KAZ3Q0M8W1Y2X3V4T5S6R7P8';

function run(type: string, summary: Record<string, unknown> | undefined, overrides: Partial<JobRecord> = {}): JobRecord {
  return {
    id: ID,
    type,
    status: 'succeeded',
    trigger: 'schedule',
    params: {},
    createdAt: '2026-11-23T10:00:00.000Z',
    artifacts: [],
    triggeredBy: 'scheduler',
    expiresAt: 1,
    ...(summary ? { summary } : {}),
    ...overrides,
  };
}

describe('describeOutcome', () => {
  it.each([
    ['rollup', { events: 1234, hoursRecomputed: 24, objectsRefused: 0, metricDaysOverCap: 0, objectsLeft: 0, daysTouched: ['2026-11-22'] }, '1,234 events in 24 hours'],
    ['rollup', { events: 1, hoursRecomputed: 1, objectsRefused: 2, metricDaysOverCap: 1, objectsLeft: 5 }, '1 event in 1 hour; 2 objects refused; 1 metric-day over the cardinality cap; 5 objects left for the next run'],
    ['rollup', { events: 0, hoursRecomputed: 0, objectsRefused: 0 }, 'nothing new'],
    [
      'rollup',
      { events: 412, hoursRecomputed: 2, watch: { opened: 1, alerts: [{ subject: 'Hourly watch: sessions collapsed at 11:00 on 2026-12-03 −34% (critical)', status: 'critical', explanation: [] }] } },
      '412 events in 2 hours; Hourly watch: sessions collapsed at 11:00 on 2026-12-03 −34% (critical)',
    ],
    ['sampling-proof', { date: '2026-11-22', status: 'critical', pass: 10, warn: 1, critical: 2, skipped: 1, total: 14 }, '2 checks critical, 1 warn'],
    ['sampling-proof', { date: '2026-11-22', status: 'warn', pass: 13, warn: 1, critical: 0, skipped: 0, total: 14 }, '1 check warn'],
    ['sampling-proof', { date: '2026-11-22', status: 'pass', pass: 14, warn: 0, critical: 0, skipped: 0, total: 14 }, 'all 14 checks pass'],
    ['sampling-proof', { date: '2026-11-22', status: 'pass', pass: 12, warn: 0, critical: 0, skipped: 2, total: 14 }, '12 checks pass, 2 skipped'],
    ['sampling-proof', { date: '2026-11-22', status: 'skipped', reason: 'before_first_data', message: 'no events are stored yet; 2026-11-22 has nothing to prove' }, 'skipped: no events are stored yet; 2026-11-22 has nothing to prove'],
    ['snapshot', { periodType: 'daily', period: '2026-11-22', scopes: 151, metrics: 6, errors: 0 }, 'daily 2026-11-22: 6 metrics for 151 scopes'],
    ['snapshot', { periodType: 'weekly', period: '2026-W47', scopes: 1, metrics: 1, errors: 2 }, 'weekly 2026-W47: 1 metric for 1 scope; 2 values not computed'],
    ['export', { rows: 12_345, bytes: 57_600, format: 'csv', from: '2026-11-16', to: '2026-11-22' }, '12,345 rows, 56.3 KiB CSV, 2026-11-16 to 2026-11-22'],
    ['script-run', { script: 'events-summary', end: { kind: 'exited', exitCode: 0 }, outputFiles: ['summary.json'] }, 'events-summary exited 0, 1 output file'],
    ['script-run', { script: 'slow', end: { kind: 'timed_out', escalated: true }, outputFiles: [], outputDropped: ['stdout: 10 bytes past the cap were dropped'] }, 'slow ran past its time limit, output cut at the cap'],
    ['sweeper', { timedOut: 0, reinvoked: 0, caughtUp: [], missingPeriods: 0, missingLeft: 0 }, 'nothing to do'],
    ['sweeper', { timedOut: 1, reinvoked: 0, caughtUp: [{ type: 'snapshot', period: '2026-11-21', jobId: ID }], missingPeriods: 3, missingLeft: 2 }, 'timed out 1 run, started 1 catch-up run, 2 missing periods left for the next sweep'],
  ])('%s: %j reads "%s"', (type, summary, sentence) => {
    // Act
    const outcome = describeOutcome(run(type, summary));

    // Assess
    expect(outcome).toBe(sentence);
  });

  it('says which run covers a skipped run and which holds the lease a queued run waits for', () => {
    // Assess
    expect(describeOutcome(run('snapshot', undefined, { status: 'skipped', skippedFor: '01KAZ3Q0M8W1Y2X3V4T5S6AAAAAAAA' }))).toBe('covered by run AAAAAAAA');
    expect(describeOutcome(run('rollup', undefined, { status: 'queued', waitingFor: '01KAZ3Q0M8W1Y2X3V4T5S6BBBBBBBB' }))).toBe('waiting behind run BBBBBBBB (it holds the lease)');
  });

  it("falls back to the error for a summary it cannot read, and never shows a summary's raw keys", () => {
    // Prepare: a proof that could not be computed has only its date; an unknown type, anything.
    const notComputed = run('sampling-proof', { date: '2026-11-22' }, { status: 'failed', error: { code: 'proof_not_computed', message: 'the proof of 2026-11-22 could not be computed: no stats' } });
    const unknown = run('future-type', { widgets: 3, gadgets: 'many' });

    // Act / Assess
    expect(describeOutcome(notComputed)).toBe('the proof of 2026-11-22 could not be computed: no stats');
    expect(describeOutcome(unknown)).toBe('');
    expect(describeOutcome(run('rollup', undefined, { status: 'running' }))).toBe('');
  });
});
