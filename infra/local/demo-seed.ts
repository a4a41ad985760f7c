import type { JobDependencies } from '../../functions/core/jobs/definition';
import { demoShop, hasEvents, writeDemoShop } from './demo-events';
import { queueDemoRuns, type DemoRuns } from './demo-runs';
import { recordLiveShop } from './demo-live-shop';

/**
 * The first start's demo data: when nothing is stored under `events/`, eight weeks of the demo
 * shop's events with three planted incidents (`DEMO_INCIDENTS`), then the demo's runs
 * (`queueDemoRuns`: rollups and a script run now, sampling proofs, snapshots and an export once
 * the rollups have ended), and the live shop's state (`recordLiveShop`: the history ends now; the
 * live app outage is the first 11:00-20:00 after it). Nothing is awaited but the writes and the
 * first submissions. Later starts find the events and leave them alone.
 */
export async function seedDemoData(deps: JobDependencies, log: (line: string) => void, options: { liveShop: boolean }): Promise<DemoRuns | undefined> {
  if (await hasEvents(deps.artifacts)) return undefined;
  const started = Date.now();
  const now = deps.clock.now();
  const shop = demoShop(deps.config, now);
  const { objects, events } = await writeDemoShop(deps.artifacts, shop, now);
  if (events === 0) {
    log('Demo data: skipped (the config declares none of the demo metrics)');
    return undefined;
  }
  const writeMs = Date.now() - started;
  // The live shop goes on from here (local-cloud.ts starts it once the API listens).
  const live = await recordLiveShop(deps.artifacts, deps.config, now);
  const runs = await queueDemoRuns(deps, shop, objects, log);
  log(
    `Demo data: ${events.toLocaleString('en-US')} events ${shop.from}..${shop.to} in ${objects.length} objects under events/ (${writeMs} ms); ` +
      `${describeQueued(runs)}. --no-demo skips this.`,
  );
  if (shop.incidents.length > 0) {
    log(`Demo incidents for the sampling proofs to find: ${shop.incidents.map((incident) => `${incident.day} ${incident.description}`).join('; ')}.`);
  }
  if (options.liveShop) log(`Demo incident for the hourly watch to find while it happens (the live shop): ${live.outageDay} app outage 11:00-20:00 in every store.`);
  return runs;
}

function describeQueued(runs: DemoRuns): string {
  const now = [
    ...runs.rollups.map((rollup) => `rollup ${rollup.id} (${rollup.from}..${rollup.to})`),
    ...(runs.script ? [`script run ${runs.script.id} (events-summary)`] : []),
  ];
  const { proofs, dailySnapshot, weeklySnapshot, export: exported } = runs.next;
  const later = [
    ...(proofs ? [`sampling proofs ${proofs.from}..${proofs.to}`] : []),
    ...[dailySnapshot, weeklySnapshot].flatMap((period) => (period ? [`snapshot ${period}`] : [])),
    ...(exported ? [`export ${exported.from}..${exported.to}`] : []),
  ];
  if (now.length === 0) return 'no demo runs in this build';
  return `queued ${now.join(', ')}${later.length > 0 ? `; after the rollups: ${later.join(', ')}` : ''}`;
}
