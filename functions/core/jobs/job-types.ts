/** Every job type Nightshift knows. The catalog says which of them this build ships and how. */
export const JobType = {
  rollup: 'rollup',
  snapshot: 'snapshot',
  samplingProof: 'sampling-proof',
  export: 'export',
  scriptRun: 'script-run',
  sweeper: 'sweeper',
} as const;
export type JobType = (typeof JobType)[keyof typeof JobType];
export const jobTypes = Object.values(JobType) as [JobType, ...JobType[]];

