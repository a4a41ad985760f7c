import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ArtifactNotFoundError } from '../../../functions/core/storage/errors';
import type { ProofIndexEntry } from '../../../functions/core/proofs/ports';
import { TEST_TOKENS, testApi, type TestApi } from '../../helpers/api';
import { runExport } from '../../helpers/export-bed';
import { snapshotConfig } from '../../helpers/snapshot-bed';
import { createTestStorage, type TestStorage } from '../../helpers/storage';
import { handleInvocation } from '../../../functions/core/jobs/handle-invocation';
import { runnableJob, withRun } from '../../../functions/jobs/job-type-definition';
import { snapshotJob } from '../../../functions/jobs/snapshot/snapshot-job';
import { snapshotRun } from '../../../functions/jobs/snapshot/snapshot-run';
import type { SnapshotDocument } from '../../../functions/core/snapshots/document';
import { writeEventObjects } from '../../helpers/rollup-events';

const config = {
  ...snapshotConfig(),
  schedules: {
    'export-ungated': { job: 'export', expression: 'cron(0 4 ? * MON *)', enabled: true, period: 'previous-week' as const, params: {}, gate: 'off' as const },
    'snapshot-ungated': { job: 'snapshot', expression: 'cron(0 4 * * ? *)', enabled: true, period: 'previous-day' as const, params: {}, gate: 'off' as const },
  },
};

function proofEntry(date: string, status: ProofIndexEntry['status']): ProofIndexEntry {
  return {
    date,
    status,
    exitCode: status === 'critical' ? 2 : status === 'warn' ? 1 : 0,
    generatedAt: '2026-11-23T11:15:00.000Z',
    key: `sampling-proofs/sampling-proof-${date.replaceAll('-', '')}.json`,
    jobId: '01KAXYZ0000000000000000000',
    summary: { pass: 1, warn: 0, critical: status === 'critical' ? 1 : 0, skipped: 0, total: 1 },
    criticalMetrics: status === 'critical' ? ['sessions'] : [],
  };
}

describe('outputs gated on proofs', () => {
  let storage: TestStorage;
  let api: TestApi;

  beforeAll(async () => {
    storage = await createTestStorage('export-gate');
    api = testApi(storage, config);
    const { proofs } = api.runtime.services;
    await proofs.put(proofEntry('2026-11-18', 'pass'));
    await proofs.put(proofEntry('2026-11-19', 'critical'));
  });

  afterAll(async () => {
    await storage.destroy();
  });

  const exportDays = (extras: { triggeredBy?: string } = {}) =>
    runExport(api.runtime.deps, api.runtime.services.rollup, { name: 'gated', from: '2026-11-18', to: '2026-11-20', format: 'json' }, { proofs: api.runtime.services.proofs, ...extras });

  it('holds an export covering a critical day under quarantine/, records every day\'s proof status, and publishes it on release with who released it', async () => {
    // Act
    const held = await exportDays();

    // Assess: held, written under quarantine/ only.
    const key = String(held.summary?.['key']);
    expect(held.status).toBe('held');
    expect(held.summary).toMatchObject({ heldKey: `quarantine/${key}`, heldFor: ['2026-11-19'], proofs: { '2026-11-18': 'pass', '2026-11-19': 'critical', '2026-11-20': 'unproven' } });
    await expect(api.runtime.deps.artifacts.getText(`quarantine/${key}`)).resolves.toBe('[]\n');
    await expect(api.runtime.deps.artifacts.getText(key)).rejects.toBeInstanceOf(ArtifactNotFoundError);

    // Act: a reader may not release; an admin does, in one step.
    const refused = await api.call('POST', `/jobs/${held.id}/release`, { token: TEST_TOKENS.read, pathParameters: { id: held.id } });
    const released = await api.call('POST', `/jobs/${held.id}/release`, { token: TEST_TOKENS.admin, pathParameters: { id: held.id } });
    const again = await api.call('POST', `/jobs/${held.id}/release`, { token: TEST_TOKENS.admin, pathParameters: { id: held.id } });

    // Assess
    expect(refused.status).toBe(403);
    expect(released.status).toBe(200);
    expect(released.body).toMatchObject({ status: 'succeeded', releasedBy: 'admin' });
    expect(released.body.artifacts.map((artifact: { key: string }) => artifact.key)).toEqual([`quarantine/${key}`, key]);
    await expect(api.runtime.deps.artifacts.getText(key)).resolves.toBe('[]\n');
    expect([again.status, again.body.error.code]).toEqual([409, 'illegal_transition']);
  });

  it('publishes at once when the schedule says gate: off, and still records the proof statuses', async () => {
    // Act
    const run = await exportDays({ triggeredBy: 'export-ungated' });

    // Assess
    expect(run.status).toBe('succeeded');
    expect(run.summary?.['heldKey']).toBeUndefined();
    expect(run.summary?.['proofs']).toEqual({ '2026-11-18': 'pass', '2026-11-19': 'critical', '2026-11-20': 'unproven' });
    await expect(api.runtime.deps.artifacts.getText(String(run.summary?.['key']))).resolves.toBe('[]\n');
  });

  const snapshotDay = async (day: string, triggeredBy = 'test') => {
    const result = await handleInvocation(runnableJob(withRun(snapshotJob, snapshotRun), api.runtime.services), { type: 'snapshot', trigger: 'api', period: day, triggeredBy, force: true }, api.runtime.deps, { remainingMs: 300_000, marginMs: 5_000 });
    if (result.outcome !== 'ran') throw new Error(`snapshot of ${day}: ${result.outcome}`);
    return result.job;
  };
  const listedScopes = async (day: string) =>
    (await api.call('GET', '/snapshots', { token: TEST_TOKENS.read, query: { period: 'daily', from: day, to: day } })).body.items.map((item: { scope: string }) => item.scope);

  it('holds a snapshot of a critical day (document under quarantine/, no items) until an admin releases it; gate: off publishes at once', async () => {
    // Prepare: orders in store s1 on the critical day and the day before (no revenue or sessions: the runs end `warning`, not held).
    await writeEventObjects(api.runtime.deps.artifacts, [
      { metric: 'orders', ts: '2026-11-18T20:00:00.000Z', dims: { store: 's1' } },
      { metric: 'orders', ts: '2026-11-19T20:00:00.000Z', dims: { store: 's1' } },
    ]);

    // Act
    const held = await snapshotDay('2026-11-19');
    const passed = await snapshotDay('2026-11-18');

    // Assess: the critical day is held, its document records the proof status, nothing is listed.
    expect(held.status).toBe('held');
    expect(held.summary).toMatchObject({ key: 'snapshots/daily/2026-11-19.json', heldKey: 'quarantine/snapshots/daily/2026-11-19.json', heldFor: ['2026-11-19'], proofs: { '2026-11-19': 'critical' } });
    const quarantined = JSON.parse(await api.runtime.deps.artifacts.getText('quarantine/snapshots/daily/2026-11-19.json')) as SnapshotDocument;
    expect(quarantined.proofs).toEqual({ '2026-11-19': 'critical' });
    await expect(api.runtime.deps.artifacts.getText('snapshots/daily/2026-11-19.json')).rejects.toBeInstanceOf(ArtifactNotFoundError);
    expect(await listedScopes('2026-11-19')).toEqual([]);
    expect(passed.status).toBe('warning');
    expect((JSON.parse(await api.runtime.deps.artifacts.getText('snapshots/daily/2026-11-18.json')) as SnapshotDocument).proofs).toEqual({ '2026-11-18': 'pass' });
    expect(await listedScopes('2026-11-18')).toEqual(['overall', 'store=s1']);

    // Act: the release publishes the document and its items.
    const released = await api.call('POST', `/jobs/${held.id}/release`, { token: TEST_TOKENS.admin, pathParameters: { id: held.id } });

    // Assess
    expect(released.body).toMatchObject({ status: 'succeeded', releasedBy: 'admin' });
    expect(JSON.parse(await api.runtime.deps.artifacts.getText('snapshots/daily/2026-11-19.json'))).toEqual(quarantined);
    expect(await listedScopes('2026-11-19')).toEqual(['overall', 'store=s1']);

    // Act / Assess: a schedule with gate: off publishes the critical day at once.
    const ungated = await snapshotDay('2026-11-19', 'snapshot-ungated');
    expect(ungated.status).toBe('warning');
    expect(ungated.summary).toMatchObject({ proofs: { '2026-11-19': 'critical' } });
    expect(ungated.summary?.['heldKey']).toBeUndefined();
  });
});
