import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoDbAnnotationStore } from '../../../functions/adapters/dynamodb/annotation-store';
import { DynamoDbProofIndex } from '../../../functions/adapters/dynamodb/proof-index';
import { executeRun } from '../../../functions/core/jobs/execute-run';
import type { JobRecord } from '../../../functions/core/jobs/record';
import { StorageFailedError } from '../../../functions/core/storage/errors';
import type { Alerter, ProofAlert } from '../../../functions/core/proofs/ports';
import { proofKey } from '../../../functions/core/proofs/document';
import type { RollupStore } from '../../../functions/core/rollup/ports';
import { localHourStarts } from '../../../functions/core/time/periods';
import { samplingProofJob } from '../../../functions/jobs/sampling-proof/sampling-proof-job';
import { runnableJob, withRun } from '../../../functions/jobs/job-type-definition';
import { samplingProofRun } from '../../../functions/jobs/sampling-proof/sampling-proof-run';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { FakeClock } from '../../helpers/clock';
import { newJob } from '../../helpers/jobs';
import { proofConfig } from '../../helpers/proofs';
import { rollupBed, type RollupBed } from '../../helpers/rollup-bed';
import { writeEventObjects, type GeneratedEvent } from '../../helpers/rollup-events';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

const TIMEZONE = 'America/Los_Angeles';
const config = proofConfig([
  { kind: 'range', metric: 'revenue', hard: { min: 0 }, soft: { min: 100 } },
  { kind: 'trend', metric: 'revenue' },
  { kind: 'range', metric: 'conversion_rate', hard: { min: 0, max: 1 }, soft: { min: 0.005, max: 0.2 } },
  { kind: 'trend', metric: 'conversion_rate' },
  { kind: 'range', metric: 'sessions', hard: { min: 0 }, soft: { min: 50 } },
  { kind: 'trend', metric: 'sessions' },
  { kind: 'freshness', metric: 'sessions' },
  { kind: 'completeness', metric: 'sessions' },
  { kind: 'ratio_consistency', numerator: 'orders', denominator: 'sessions', ratio: 'conversion_rate' },
], { rollup: { lookbackHours: 1 } });

class RecordingAlerter implements Alerter {
  readonly alerts: ProofAlert[] = [];
  async publish(alert: ProofAlert): Promise<void> {
    this.alerts.push(alert);
  }
}

/** Per local hour of the day: 20 sessions, 1 order worth 50 (only in the given hours, default all). */
function dayEvents(day: string, hours: (hour: number) => boolean = () => true): GeneratedEvent[] {
  return localHourStarts(day, TIMEZONE).flatMap((start, hour) => {
    if (!hours(hour)) return [];
    const at = (minute: number) => new Date(start.getTime() + minute * 60_000).toISOString();
    const sessions = Array.from({ length: 20 }, (_, index) => ({ metric: 'sessions', ts: at(index * 2), value: 1, dims: { store: 's1' } }));
    return [...sessions, { metric: 'orders', ts: at(45), value: 1, dims: { store: 's1' } }, { metric: 'revenue', ts: at(45), value: 50, dims: { store: 's1' } }];
  });
}

/** Stats of earlier days as a rollup would have left them (a day's worth of history, no events needed). */
async function seedHistory(store: RollupStore, day: string, scale: number): Promise<void> {
  const hours = localHourStarts(day, TIMEZONE);
  const updatedAt = DateTime.fromISO(day, { zone: TIMEZONE }).plus({ days: 1, hours: 1 }).toUTC().toISO() ?? '';
  const totals = { sessions: 480 * scale, orders: Math.round(24 * scale), revenue: 1200 * scale };
  for (const [metric, sum] of Object.entries(totals)) {
    await store.writeDailyStats(
      { metric, day },
      {
        put: [{ metric, day, dimsKey: 'store\u0002s1', dims: { store: 's1' }, count: Math.round(sum), sum, min: 1, max: 50, updatedAt }],
        delete: [],
        meta: { metric, day, updatedAt, hoursWithData: hours.map((h) => h.toISOString()), hoursInDay: hours.length, groups: 1, distinctGroups: 1, events: Math.round(sum) },
      },
    );
  }
}

describe('sampling-proof job on DynamoDB Local and s3rver', () => {
  let storage: TestStorage;
  let bed: RollupBed;
  let index: DynamoDbProofIndex;
  const alerter = new RecordingAlerter();
  let storeFor: () => RollupStore;

  const prove = async (day: string, at: string): Promise<JobRecord> => {
    bed.deps.clock.set(at);
    const job = runnableJob(withRun(samplingProofJob, samplingProofRun), { rollup: storeFor(), proofs: index, annotations: new DynamoDbAnnotationStore(storage.documentClient, storage.names.analyticsTable), alerter });
    // `force`: a day proven again (same time, same stats) takes the claim over, as POST /jobs {force} would.
    const claim = await bed.deps.ledger.claimPeriod({ ...newJob({ type: 'sampling-proof' }, bed.deps.clock), period: day }, 'force');
    if (claim.outcome !== 'claimed') throw new Error(`period ${day} not claimed: ${claim.existingJobId}`);
    return executeRun(job, claim.job, bed.deps, { remainingMs: 900_000, marginMs: 5_000 });
  };

  beforeAll(async () => {
    storage = await createTestStorage('sampling-proof');
    bed = rollupBed(storage, { config, clock: new FakeClock('2026-11-23T11:15:00.000Z') });
    storeFor = () => bed.store;
    index = new DynamoDbProofIndex(storage.documentClient, storage.names.analyticsTable, 365);
    // Eight Sundays of history before 2026-11-22, within ±3% of the day's volume.
    const scales = [1.0, 1.02, 0.98, 1.01, 0.99, 1.03, 0.97, 1.0];
    for (let week = 1; week <= 8; week++) {
      await seedHistory(bed.store, DateTime.fromISO('2026-11-22').minus({ weeks: week }).toISODate() ?? '', scales[week - 1] ?? 1);
    }
    await writeEventObjects(storage.artifactStore, dayEvents('2026-11-22'), { objectsPerHour: 1 });
    // 2026-11-29: sessions stopped at noon (orders and revenue kept coming).
    const halfDay = dayEvents('2026-11-29').filter((event) => event.metric !== 'sessions' || Date.parse(event.ts) < Date.parse('2026-11-29T20:00:00Z'));
    await writeEventObjects(storage.artifactStore, halfDay, { objectsPerHour: 1 });
    await writeEventObjects(storage.artifactStore, dayEvents('2026-12-06'), { objectsPerHour: 1 });
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('rolls the day up from its events, proves it sane and records the proof', async () => {
    // Act
    const run = await prove('2026-11-22', '2026-11-23T11:15:00.000Z');
    const document = JSON.parse(await storage.artifactStore.getText(proofKey('2026-11-22')));
    const entry = await index.get('2026-11-22');

    // Assess
    expect([run.status, run.exitCode]).toEqual(['succeeded', 0]);
    expect(run.artifacts?.map((a) => a.key)).toEqual(['sampling-proofs/sampling-proof-20261122.json']);
    expect(run.summary).toMatchObject({ date: '2026-11-22', status: 'pass', pass: 9, warn: 0, critical: 0, skipped: 0 });
    expect([document.status, document.exitCode, document.generatedAt]).toEqual(['pass', 0, '2026-11-23T11:15:00.000Z']);
    const sessions = document.checks.find((check: { id: string }) => check.id === 'trend:sessions');
    expect(sessions.observed).toBe(480);
    expect(sessions.baseline.used).toHaveLength(8);
    expect(entry).toMatchObject({ date: '2026-11-22', status: 'pass', key: proofKey('2026-11-22'), jobId: run.id, criticalMetrics: [] });
    // The index carries each trend's band for the chart: the warn band of the proof, a wider critical one.
    expect(entry?.bands?.['sessions']).toMatchObject({ mean: sessions.baseline.mean, warn: { min: sessions.expected.min, max: sessions.expected.max } });
    expect(entry?.bands?.['sessions']?.critical.min).toBeLessThan(sessions.expected.min);
    expect(Object.keys(entry?.bands ?? {}).sort()).toEqual(['conversion_rate', 'revenue', 'sessions']);
    expect(alerter.alerts).toEqual([]);
  });

  it('gives identical artifact bytes when the same day is proven again at the same time', async () => {
    // Prepare
    const before = await storage.artifactStore.getText(proofKey('2026-11-22'));

    // Act
    const rerun = await prove('2026-11-22', '2026-11-23T11:15:00.000Z');

    // Assess
    expect(rerun.status).toBe('succeeded');
    expect(await storage.artifactStore.getText(proofKey('2026-11-22'))).toBe(before);
  });

  it('fails with exit code 2 on a critical day, alerts, and names the critical metrics in the index', async () => {
    // Act
    const run = await prove('2026-11-29', '2026-11-30T11:15:00.000Z');
    const entry = await index.get('2026-11-29');
    const document = JSON.parse(await storage.artifactStore.getText(proofKey('2026-11-29')));

    // Assess
    expect([run.status, run.exitCode, run.error?.code]).toEqual(['failed', 2, 'proof_critical']);
    expect(document.anomalies.filter((a: { severity: string }) => a.severity === 'critical').map((a: { checkId: string }) => a.checkId)).toEqual([
      'trend:conversion_rate',
      'completeness:sessions',
      'trend:sessions',
    ]);
    expect(entry?.criticalMetrics).toEqual(['conversion_rate', 'sessions']);
    expect(alerter.alerts.map((a) => [a.date, a.status, a.exitCode, a.key])).toEqual([['2026-11-29', 'critical', 2, proofKey('2026-11-29')]]);
  });

  it('does not alert again when a re-run finds the same verdict', async () => {
    // Prepare
    const alertsBefore = alerter.alerts.length;

    // Act
    const rerun = await prove('2026-11-29', '2026-11-30T11:30:00.000Z');

    // Assess
    expect([rerun.status, rerun.exitCode]).toEqual(['failed', 2]);
    expect(alerter.alerts).toHaveLength(alertsBefore);
  });

  it('keeps the earlier critical day out of the next baseline', async () => {
    // Act
    const run = await prove('2026-12-06', '2026-12-07T11:15:00.000Z');
    const document = JSON.parse(await storage.artifactStore.getText(proofKey('2026-12-06')));
    const sessions = document.checks.find((check: { id: string }) => check.id === 'trend:sessions');

    // Assess
    expect(run.status).toBe('succeeded');
    expect(sessions.baseline.excluded).toEqual([{ day: '2026-11-29', reason: 'earlier_critical' }]);
    expect(sessions.baseline.used.map((point: { day: string }) => point.day)).toContain('2026-11-22');
  });

  it('fails with exit code 3 and alerts when the stats cannot be read', async () => {
    // Prepare
    storeFor = () =>
      new Proxy(bed.store, {
        get: (target, property, receiver) =>
          property === 'dailyStats' ? () => Promise.reject(new StorageFailedError('reading stats')) : (Reflect.get(target, property, receiver) as unknown),
      });

    // Act
    const run = await prove('2026-12-13', '2026-12-14T11:15:00.000Z').finally(() => {
      storeFor = () => bed.store;
    });

    // Assess
    expect([run.status, run.exitCode, run.error?.code]).toEqual(['failed', 3, 'proof_not_computed']);
    expect(await index.get('2026-12-13')).toBeUndefined();
    expect(alerter.alerts.at(-1)).toMatchObject({ date: '2026-12-13', status: 'error', exitCode: 3 });
  });

  it('refuses a day that has not closed yet, without a proof or an alert', async () => {
    // Prepare
    const alertsBefore = alerter.alerts.length;

    // Act
    const run = await prove('2026-12-20', '2026-12-21T07:59:00.000Z');

    // Assess
    expect([run.status, run.error?.code]).toEqual(['failed', 'invalid_params']);
    expect(run.error?.message).toContain('2026-12-20 has not closed yet');
    expect(await index.get('2026-12-20')).toBeUndefined();
    expect(alerter.alerts).toHaveLength(alertsBefore);
  });

  it('skips a day before the first stored events, saying so, with no proof and no alert', async () => {
    // Prepare: the first events are of 2026-11-22; 2026-11-20 has no stats either.
    const alertsBefore = alerter.alerts.length;

    // Act
    const run = await prove('2026-11-20', '2026-11-21T11:15:00.000Z');

    // Assess
    expect([run.status, run.exitCode]).toEqual(['succeeded', undefined]);
    expect(run.summary).toEqual({
      date: '2026-11-20',
      status: 'skipped',
      reason: 'before_first_data',
      message: 'the first events stored are from 2026-11-22T08:00:00.000Z, after 2026-11-20 ended; it has nothing to prove',
    });
    expect(await index.get('2026-11-20')).toBeUndefined();
    expect(alerter.alerts).toHaveLength(alertsBefore);
  });

  it('still judges a day without data once data has begun: an empty day after the first events is critical', async () => {
    // Act
    const run = await prove('2026-12-02', '2026-12-03T11:15:00.000Z');

    // Assess
    expect([run.status, run.exitCode, run.error?.code]).toEqual(['failed', 2, 'proof_critical']);
    expect(alerter.alerts.at(-1)).toMatchObject({ date: '2026-12-02', status: 'critical' });
  });

  describe('GET /proofs', () => {
    let api: TestApi;
    beforeAll(() => {
      api = testApi(storage, config);
    });

    it('lists the index entries of a range and returns one proof as stored', async () => {
      // Act
      const list = await api.call('GET', '/proofs', { token: TEST_TOKENS.read, query: { from: '2026-11-01', to: '2026-11-30' } });
      const one = await api.call('GET', '/proofs/2026-11-22', { token: TEST_TOKENS.read, pathParameters: { date: '2026-11-22' } });

      // Assess
      expect(list.status).toBe(200);
      expect(list.body.items.map((item: { date: string; status: string }) => [item.date, item.status])).toEqual([
        ['2026-11-22', 'pass'],
        ['2026-11-29', 'critical'],
      ]);
      expect(one.status).toBe(200);
      expect(one.body).toEqual(JSON.parse(await storage.artifactStore.getText(proofKey('2026-11-22'))));
    });

    it('lists with the annotations the holidays the proofs recorded (the API carries no holiday table)', async () => {
      // Prepare: a proof that took a holiday into account.
      const entry = await index.get('2026-11-22');
      await index.put({ ...entry!, date: '2026-11-26', calendar: [{ source: 'holiday', name: 'Thanksgiving Day', region: 'US' }] });

      // Act
      const listed = await api.call('GET', '/annotations', { token: TEST_TOKENS.read, query: { from: '2026-11-20', to: '2026-11-30' } });

      // Assess
      expect(listed.status).toBe(200);
      expect(listed.body.holidays).toEqual([{ day: '2026-11-26', name: 'Thanksgiving Day', region: 'US' }]);
    });

    it('answers 404 for a day without a proof and 400 for bad dates and ranges', async () => {
      // Act
      const missing = await api.call('GET', '/proofs/2026-11-23', { token: TEST_TOKENS.read, pathParameters: { date: '2026-11-23' } });
      const notADay = await api.call('GET', '/proofs/2026-11-31', { token: TEST_TOKENS.read, pathParameters: { date: '2026-11-31' } });
      const backwards = await api.call('GET', '/proofs', { token: TEST_TOKENS.read, query: { from: '2026-12-01', to: '2026-11-01' } });
      const noRange = await api.call('GET', '/proofs', { token: TEST_TOKENS.read });
      const tooLong = await api.call('GET', '/proofs', { token: TEST_TOKENS.read, query: { from: '2024-01-01', to: '2026-01-01' } });

      // Assess
      expect(missing.status).toBe(404);
      expect([notADay.status, notADay.body.error.message]).toEqual([400, expect.stringContaining('not a calendar day')]);
      expect(backwards.status).toBe(400);
      expect(noRange.status).toBe(400);
      expect(tooLong.status).toBe(400);
    });
  });
});
