/** The fewest variables the runtime's environment parser accepts (in-process invoker, empty config). */
export const MINIMAL_RUNTIME_VARIABLES: Readonly<Record<string, string>> = {
  AWS_REGION: 'us-east-1',
  JOBS_TABLE: 'jobs',
  ANALYTICS_TABLE: 'analytics',
  ARTIFACTS_BUCKET: 'bucket',
  NIGHTSHIFT_INVOKER: 'in-process',
  NIGHTSHIFT_DEPLOYED_AT: '2026-11-22T10:00:00.000Z',
  NIGHTSHIFT_CONFIG_JSON: '{}',
};
