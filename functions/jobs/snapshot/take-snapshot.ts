import { configHash } from '../../core/config/hash';
import type { RollupStore, StatsReader } from '../../core/rollup/ports';
import { ScopeTotals, baseMetricsOf, computeSnapshotValues } from '../../core/snapshots/compute';
import { boundsOf, snapshotArtifactKey, snapshotPeriodNames, SNAPSHOT_SCHEMA, type SnapshotDocument } from '../../core/snapshots/document';
import type { SnapshotStore } from '../../core/snapshots/ports';
import { localDaysOf } from '../../core/time/periods';
import type { JobContext } from '../../core/jobs/definition';
import { InvalidJobParamsError } from '../../core/jobs/errors';
import { parsePeriodKey } from '../../core/time/periods';
import { bringRollupUpToDate } from '../rollup/bring-up-to-date';
import { publishSnapshot } from './publish-snapshot';
import type { SnapshotParams } from './params';
import type { ProofIndex } from '../../core/proofs/ports';
import { gateOf, HELD_MESSAGE, proofGate, QUARANTINE_PREFIX } from '../../core/proofs/gate';

export interface SnapshotStores {
  stats: StatsReader;
  snapshots: SnapshotStore;
  /** The rollup store to bring up to date first. */
  rollup: RollupStore;
  /** The proof index: the days' proof statuses go into the document, and a critical day holds the snapshot. */
  proofs: ProofIndex;
}

/**
 * One snapshot run: bring the rollup up to date for the period's days (under the rollup lease),
 * fold the days' stats into per-scope totals, write the artifact, then make the items the
 * period's whole set. Values that cannot be computed are listed in `errors` and end the run
 * `warning`; the rest are kept. A period with a critical proof day (gate on) is `held`: the
 * artifact goes under `quarantine/` and the items stay as they were until a person releases it
 * (`publishSnapshot` then writes them).
 */
export async function takeSnapshot(context: JobContext<SnapshotParams>, stores: SnapshotStores) {
  const { job, deps, signal, deadline, log } = context;
  const { config } = deps;
  if (job.period === undefined) throw new InvalidJobParamsError('a snapshot run needs a period (2026-11-22, 2026-W47 or 2026-11)');
  const options = { timezone: config.timezone, weekStartsOn: config.weekStartsOn };
  const period = parsePeriodKey(job.period, options);
  const days = localDaysOf(period);
  const firstDay = days[0]!;
  const lastDay = days[days.length - 1]!;

  const rollup = await bringRollupUpToDate({ deps, from: firstDay, to: lastDay, jobId: job.id, signal, deadline, log, store: stores.rollup });

  const totals = new ScopeTotals(config.snapshots.scopeDimensions);
  const declared = new Set(Object.keys(config.metrics));
  for (const metric of baseMetricsOf(config.snapshots.metrics).filter((name) => declared.has(name))) {
    for (const day of days) {
      signal.throwIfAborted();
      totals.add(metric, (await stores.stats.dailyStats({ metric, day })).items);
    }
  }
  const values = computeSnapshotValues(config.snapshots.metrics, totals, declared);
  const gate = await proofGate(stores.proofs, days, gateOf(config.schedules, job.triggeredBy));

  const periodType = snapshotPeriodNames[period.type];
  const document: SnapshotDocument = {
    schema: SNAPSHOT_SCHEMA,
    periodType,
    period: period.key,
    timezone: config.timezone,
    bounds: boundsOf(period, lastDay),
    generatedAt: deps.clock.now().toISOString(),
    jobId: job.id,
    configHash: configHash(config),
    metrics: config.snapshots.metrics,
    scopes: values.scopes,
    errors: values.errors,
    proofs: gate.proofs,
  };
  const key = snapshotArtifactKey(period);
  const heldKey = `${QUARANTINE_PREFIX}${key}`;
  if (gate.held) log.warn(`snapshot ${HELD_MESSAGE}`, { key, criticalDays: gate.criticalDays });
  await context.artifacts.put(`${periodType}-${period.key}.json`, `${JSON.stringify(document, null, 2)}\n`, 'application/json', { key: gate.held ? heldKey : key });
  const written = gate.held ? { written: 0, deleted: 0 } : await publishSnapshot(document, key, config, stores.snapshots);

  return {
    status: gate.held ? ('held' as const) : values.errors.length > 0 ? ('warning' as const) : ('succeeded' as const),
    summary: {
      ...(gate.held ? { heldKey, heldFor: gate.criticalDays } : {}),
      proofs: gate.proofs,
      key,
      periodType,
      period: period.key,
      firstDay,
      lastDay,
      hours: period.hours,
      scopes: Object.keys(values.scopes).length,
      metrics: Object.keys(config.snapshots.metrics).length,
      errors: values.errors.length,
      firstErrors: values.errors.slice(0, 5),
      itemsWritten: written.written,
      itemsDeleted: written.deleted,
      artifact: key,
      rollup: { objectsRead: rollup.objectsRead, events: rollup.events, objectsLeft: rollup.objectsLeft },
    },
  };
}
