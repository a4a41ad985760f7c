import { withInlineRollup } from '../rollup/rollup-job';
import type { JobTypeDeclaration } from '../job-type-definition';
import { snapshotParams, type SnapshotParams } from './params';
import { publishSnapshot } from './publish-snapshot';
import type { SnapshotDocument } from '../../core/snapshots/document';

export const snapshotJob = {
  type: 'snapshot',
  description: 'Computes the configured metrics per scope for a day, ISO week or month (after bringing the rollup up to date); one item per scope and a JSON artifact.',
  params: snapshotParams,
  // A monthly snapshot first rolls up a month of late objects.
  timeoutMs: 290_000,
  periodTypes: ['day', 'week', 'month'],
  rowsSummaryField: 'scopes',
  function: { entry: 'functions/jobs/snapshot/handler.ts', memoryMb: 512, maxConcurrency: 4 },
  // Snapshot items in Analytics, the JSON artifact under `snapshots/` (a held one under `quarantine/`).
  access: withInlineRollup({ artifacts: { write: ['snapshots/', 'quarantine/'] } }),
  // Releasing a held snapshot publishes its items too, from the released document.
  publishReleased: (released, { config, snapshots }) => publishSnapshot(JSON.parse(released.text) as SnapshotDocument, released.key, config, snapshots).then(() => undefined),
} satisfies JobTypeDeclaration<SnapshotParams>;
