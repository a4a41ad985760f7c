import { withInlineRollup } from '../rollup/rollup-job';
import type { JobTypeDeclaration } from '../job-type-definition';
import { samplingProofParams, type SamplingProofParams } from './params';
import { criticalProofRanToTheEnd } from './verdict';

/**
 * The nightly sampling proof of one local day (the run's period): bring the day's stats up to
 * date, run every configured check, store the proof artifact and its index entry, alert on warn
 * and critical. pass → succeeded, warn → warning, critical → failed with exit code 2; a proof
 * that cannot be computed → failed with exit code 3 (and an alert).
 */
export const samplingProofJob = {
  type: 'sampling-proof',
  description: 'Checks one local day of stats (range, trend, freshness, completeness, ratio consistency) and writes sampling-proofs/sampling-proof-YYYYMMDD.json; alerts on warn and critical.',
  params: samplingProofParams,
  // Room to wait for a running rollup, bring the day up to date, then check.
  timeoutMs: 590_000,
  periodTypes: ['day'],
  ranToTheEnd: criticalProofRanToTheEnd,
  function: { entry: 'functions/jobs/sampling-proof/handler.ts', memoryMb: 512, maxConcurrency: 2 },
  // The proof document under `sampling-proofs/`, its index item in Analytics, and the alert.
  access: withInlineRollup({ artifacts: { write: ['sampling-proofs/'] }, publishesAlerts: true }),
} satisfies JobTypeDeclaration<SamplingProofParams>;
