import { describe, expect, it } from 'vitest';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { runLine } from '../../../infra/local/run-lines';

const ID = '01KAZ3Q0M8W1Y2X3V4T5S6R7P8';
const options = { timezone: 'America/Los_Angeles', color: false };

function record(overrides: Partial<JobRecord>): JobRecord {
  return {
    id: ID,
    type: 'snapshot',
    status: 'succeeded',
    trigger: 'schedule',
    params: {},
    createdAt: '2026-11-23T11:00:00.000Z',
    startedAt: '2026-11-23T11:00:01.000Z',
    finishedAt: '2026-11-23T11:00:03.500Z',
    durationMs: 2_500,
    artifacts: [],
    triggeredBy: 'snapshot-daily',
    expiresAt: 1,
    ...overrides,
  };
}

describe('runLine', () => {
  it('shows start–end in the business zone (its offset, as Nightshift shows times), type, period, status, duration, outcome and the run id', () => {
    // Prepare
    const job = record({ period: '2026-11-22', summary: { periodType: 'daily', period: '2026-11-22', scopes: 2, metrics: 6, errors: 0 }, artifacts: [{ name: 'x.json', key: 'snapshots/daily/2026-11-22.json', size: 1, contentType: 'application/json' }] });

    // Act
    const line = runLine({ type: 'snapshot', trigger: 'schedule' }, { outcome: 'ran', job }, options);

    // Assess
    expect(line).toBe(`2026-11-23 03:00:01 -08:00–03:00:03 snapshot       2026-11-22 succeeded   2.5 s  daily 2026-11-22: 6 metrics for 2 scopes → snapshots/daily/2026-11-22.json  ${ID}`);
  });

  it('gives a failed run its error, a skipped one the run that holds its period, and a proof with nothing to prove its reason', () => {
    // Prepare
    const failed = record({ type: 'export', status: 'failed', error: { code: 'storage_unavailable', message: 'writing: storage is unavailable' } });
    const skipped = record({ status: 'skipped', period: '2026-11-22', skippedFor: 'OTHER', startedAt: undefined, finishedAt: undefined, durationMs: undefined });
    const nothing = record({ type: 'sampling-proof', period: '2026-11-22', summary: { date: '2026-11-22', status: 'skipped', reason: 'before_first_data', message: 'no events are stored yet; 2026-11-22 has nothing to prove' } });

    // Act
    const lines = [failed, skipped, nothing].map((job) => runLine({ type: job.type, trigger: 'api' }, { outcome: 'ran', job }, options));

    // Assess
    expect(lines[0]).toContain('export         -          failed      2.5 s  storage_unavailable: writing: storage is unavailable');
    expect(lines[1]).toBe(`2026-11-23 03:00:00 -08:00–         snapshot       2026-11-22 skipped            covered by run OTHER  ${ID}`);
    expect(lines[2]).toContain('succeeded   2.5 s  skipped: no events are stored yet; 2026-11-22 has nothing to prove');
  });

  it('highlights a failed run and a critical proof in colour, and names a rejected invocation', () => {
    // Prepare
    const critical = record({ type: 'sampling-proof', status: 'failed', exitCode: 2, summary: { status: 'critical' } });

    // Act
    const coloured = runLine({ type: 'sampling-proof', trigger: 'schedule' }, { outcome: 'ran', job: critical }, { ...options, color: true });
    const plain = runLine({ type: 'sampling-proof', trigger: 'schedule' }, { outcome: 'ran', job: record({}) }, { ...options, color: true });
    const rejected = runLine({ type: 'rollup', trigger: 'schedule' }, { outcome: 'rejected', reason: 'event: bad' }, options);

    // Assess
    expect(coloured?.startsWith('\u001b[1;31m2026-11-23 03:00:01 -08:00–03:00:03')).toBe(true);
    expect(plain?.startsWith('2026-11-23 03:00:01 -08:00')).toBe(true);
    expect(rejected).toBe('rollup invocation rejected: event: bad');
    expect(runLine({ type: 'rollup', trigger: 'schedule' }, { batchItemFailures: [] }, options)).toBeUndefined();
  });
});
