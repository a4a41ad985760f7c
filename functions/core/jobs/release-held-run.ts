import { IllegalTransitionError } from './errors';
import { releaseRun } from './lifecycle/release-run';
import type { ArtifactStore, Clock, JobLedger } from './ports';
import type { ArtifactRef, JobRecord } from './record';

/**
 * Publishes a held run's output: copies the quarantined artifact (`summary.heldKey`) to the key
 * it would have had (`summary.key`), publishes what else the type publishes (`publish`: a
 * snapshot's items), then moves the run held → succeeded with who released it. A release that
 * stops between is simply released again: the copy writes the same bytes.
 */
export async function releaseHeldRun(
  deps: { ledger: JobLedger; artifacts: ArtifactStore; clock: Clock },
  job: JobRecord,
  releasedBy: string,
  publish?: (released: { key: string; text: string }) => Promise<void>,
): Promise<JobRecord> {
  const heldKey = job.summary?.['heldKey'];
  const key = job.summary?.['key'];
  if (job.status !== 'held' || typeof heldKey !== 'string' || typeof key !== 'string') {
    throw new IllegalTransitionError(job.id, 'succeeded', job.status);
  }
  const held = job.artifacts.find((artifact) => artifact.key === heldKey);
  const contentType = held?.contentType ?? 'application/octet-stream';
  const stored = await deps.artifacts.put(key, await deps.artifacts.get(heldKey), contentType);
  if (publish) await publish({ key: stored.key, text: await deps.artifacts.getText(stored.key) });
  const published: ArtifactRef = { name: held?.name ?? key.slice(key.lastIndexOf('/') + 1), key: stored.key, size: stored.size, contentType };
  return releaseRun(deps.ledger, job, deps.clock.now(), releasedBy, published);
}
