/**
 * Import boundaries between the layers (docs/ARCHITECTURE.md, "Layers"), checked by `npm run lint`.
 * Type-only imports count: a cycle of types is still a cycle, and a type from the wrong layer
 * still couples the two. `test/unit/lint/boundaries.test.ts` proves each rule fails on a
 * wrong-way import (fixtures in test/fixtures/lint/).
 */
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'core-imports-only-core',
      comment: 'functions/core is the domain: it imports nothing of Nightshift outside functions/core (ports are how it reaches out).',
      severity: 'error',
      from: { path: '(^|/)functions/core/' },
      to: { path: '(^|/)(functions/(?!core/)|cli/|infra/|console/|bench/|test/helpers/)' },
    },
    {
      name: 'core-has-no-aws',
      comment: 'functions/core has no AWS imports: the SDK, Lambda types and Powertools live in adapters.',
      severity: 'error',
      from: { path: '(^|/)functions/core/' },
      to: { path: 'node_modules/(@aws-sdk|@smithy|aws-lambda|@types/aws-lambda|@aws-lambda-powertools|@middy|aws-cdk-lib)/' },
    },
    {
      name: 'adapters-import-no-api-or-jobs',
      comment: 'Adapters implement core ports; they know nothing of routes, job types or the composition root that uses them.',
      severity: 'error',
      from: { path: '(^|/)functions/adapters/' },
      to: { path: '(^|/)functions/(api/|jobs/|runtime/|catalog\\.ts$)' },
    },
    {
      name: 'jobs-import-no-api-or-catalog',
      comment: 'A job folder declares itself and does its work; the catalog lists it (not the other way round) and the API calls it.',
      severity: 'error',
      from: { path: '(^|/)functions/jobs/' },
      to: { path: '(^|/)functions/(api/|catalog\\.ts$)' },
    },
    {
      name: 'job-runs-only-in-their-own-function',
      comment:
        "A job type's run (jobs/<type>/<type>-run.ts, its work) is imported only by its own function's entry (jobs/<type>/handler.ts) and by functions/job-runs.ts (the local cloud, the tests): the catalog, the declarations, the runtime and the API read declarations, so no Lambda bundle carries another type's work (the API's test-only rollup trigger gets its rollup from job-runs.ts through the local cloud and the tests).",
      severity: 'error',
      from: { path: '(^|/)functions/', pathNot: '(^|/)functions/(jobs/[^/]+/handler|job-runs)\\.ts$' },
      to: { path: '(^|/)functions/jobs/[^/]+/[^/]+-run\\.ts$' },
    },
    {
      name: 'a-job-function-runs-its-own-job',
      comment: "A job function's entry joins its own declaration with its own run, never another type's.",
      severity: 'error',
      from: { path: '(^|/)functions/jobs/([^/]+)/handler\\.ts$' },
      to: { path: '(^|/)functions/jobs/[^/]+/[^/]+-run\\.ts$', pathNot: '(^|/)functions/jobs/$2/$2-run\\.ts$' },
    },
    {
      name: 'jobs-and-api-take-what-they-are-handed',
      comment:
        'One composition root (functions/runtime/): jobs and routes get their dependencies as arguments. Only a Lambda entry (handler.ts, the authorizer) goes to the edge, which builds the runtime once.',
      severity: 'error',
      from: { path: '(^|/)functions/(jobs|api)/', pathNot: '(^|/)functions/(jobs/[^/]+/handler|api/handler|api/authorizer)\\.ts$' },
      to: { path: '(^|/)functions/runtime/' },
    },
    {
      name: 'client-imports-no-server',
      comment: 'The API client bundles for the CLI, the browser console and the MCP server: no server code.',
      severity: 'error',
      from: { path: '(^|/)functions/client/' },
      to: { path: '(^|/)functions/(?!client/)' },
    },
    {
      name: 'console-uses-the-client-only',
      comment: 'The web console talks to the public API through the client, never to server modules.',
      severity: 'error',
      from: { path: '(^|/)console/src/' },
      to: { path: '(^|/)functions/(?!client/)' },
    },
    {
      name: 'no-cycles',
      comment: 'No import cycles, type-only ones included.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
  ],
  options: {
    // Type-only imports are edges too (they are erased at build time, not at design time).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '(^|/)(cdk\\.out[^/]*|\\.nightshift|dist|coverage)/' },
    enhancedResolveOptions: { extensions: ['.ts', '.tsx', '.mjs', '.js', '.json'] },
    reporterOptions: { text: { highlightFocused: true } },
  },
};
