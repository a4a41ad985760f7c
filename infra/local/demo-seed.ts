import { catalogEntry, isShipped } from '../../functions/catalog';
import type { JobDependencies } from '../../functions/core/jobs/definition';
import { submitRun } from '../../functions/core/jobs/submit-run';
import { demoEvents, hasEvents, writeDemoEvents } from './demo-events';

/**
 * The first start's demo data: when nothing is stored under `events/`, about three weeks of the
 * demo shop's events, then a rollup over those days (queued, not awaited) so `/stats` and the
 * jobs built on it have data. Later starts find the events and leave them alone.
 */
export async function seedDemoData(deps: JobDependencies, log: (line: string) => void): Promise<void> {
  if (await hasEvents(deps.artifacts)) return;
  const started = Date.now();
  const now = deps.clock.now();
  const data = demoEvents(deps.config, now);
  if (data.events.length === 0) {
    log('Demo data: skipped (the config declares none of the demo metrics)');
    return;
  }
  const objects = await writeDemoEvents(deps.artifacts, data, now);
  let rollup = 'no rollup job in this build';
  if (isShipped('rollup')) {
    const submitted = await submitRun(deps, {
      entry: catalogEntry('rollup'),
      trigger: 'backfill',
      triggeredBy: 'demo-data',
      params: { from: data.from, to: data.to },
    });
    rollup = `rollup ${submitted.job.id} queued`;
  }
  log(
    `Demo data: ${data.events.length.toLocaleString('en-US')} events ${data.from}..${data.to} in ${objects.length} objects under events/ ` +
      `(${Date.now() - started} ms); ${rollup}. --no-demo skips this.`,
  );
}
