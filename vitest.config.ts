import { defineConfig } from 'vitest/config';

// The global setup (emulators) runs in this process: keep the SDK's Node 22 reminder out of test output too.
process.env['AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED'] ??= 'true';

/**
 * Two projects. `fast` (unit, integration, infra: `npm test`) runs two files at a time: each file
 * isolates itself in its own tables and bucket on the shared emulators. `e2e` (`npm run test:e2e`)
 * starts whole local clouds, a browser and the rehearsal, each on its own ports and data dir: after
 * `fast` when both are asked for, so the two groups never load the machine together.
 */
/** The export's memory test: a peak RSS is only its own with nothing else in its worker. */
const PEAK_RSS_TEST = 'test/integration/export/export-memory.test.ts';

export default defineConfig({
  test: {
    // DynamoDB Local and s3rver start once for the whole run, on free ports.
    globalSetup: ['test/global-setup.ts'],
    // Generous: two files at a time beside the emulators load a 2-core CI machine.
    testTimeout: 60_000,
    hookTimeout: 120_000,
    pool: 'forks',
    env: {
      POWERTOOLS_LOG_LEVEL: 'SILENT',
      AWS_REGION: 'us-east-1',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    },
    projects: [
      {
        extends: true,
        // isolate: false: the two workers keep their loaded modules from one file to the next (the
        // SDK, CDK and zod load once per worker, not once per file: about a third of the run was
        // imports). Files share no state but the emulators, each in its own tables and bucket.
        test: {
          name: 'fast',
          include: ['test/{unit,integration,infra}/**/*.test.ts'],
          // Measures a child process's peak RSS: in its own, isolated worker beside the e2e files.
          exclude: [PEAK_RSS_TEST],
          maxWorkers: 2,
          isolate: false,
          sequence: { groupOrder: 0 },
        },
      },
      {
        extends: true,
        // Two at a time as well: the longest (console.test.ts, the demo's first start) beside the rest in turn.
        test: { name: 'e2e', include: ['test/e2e/**/*.test.ts', PEAK_RSS_TEST], maxWorkers: 2, sequence: { groupOrder: 1 } },
      },
    ],
  },
});
