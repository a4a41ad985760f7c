import { withInlineRollup } from '../rollup/rollup-job';
import type { JobTypeDeclaration } from '../job-type-definition';
import { exportParams, type ExportParams } from './params';
import { planExport } from './plan';

export const exportJob = {
  type: 'export',
  description: 'Streams daily stats over a range of local days to one CSV or JSON object in S3 (multipart upload); for the previous day, week or month, or on demand for any range.',
  params: exportParams,
  timeoutMs: 890_000,
  periodTypes: ['day', 'week', 'month'],
  periodOptional: true,
  // Names checked against the config before anything is recorded (submitRun), and again in the run.
  checkParams: (params, context) => void planExport(params, context),
  rowsSummaryField: 'rows',
  function: { entry: 'functions/jobs/export/handler.ts', memoryMb: 512, maxConcurrency: 2 },
  // Reads stats or snapshot items (Analytics) and streams one object under `exports/`.
  // A held export is written under `quarantine/` (the API's release copies it to `exports/`).
  access: withInlineRollup({ artifacts: { write: ['exports/', 'quarantine/'] } }),
} satisfies JobTypeDeclaration<ExportParams>;
