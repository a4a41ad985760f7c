import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);

interface Violation {
  rule: string;
  from: string;
  to: string;
}

const FIXTURES = 'test/fixtures/lint';
const short = (path: string): string => path.replace(`${FIXTURES}/`, '').replace(/^node_modules\/(@[^/]+\/[^/]+|[^/]+)\/.*$/, '$1');

/**
 * The import boundaries (.dependency-cruiser.cjs) over a small tree shaped like ours, with one
 * wrong-way import per rule next to right-way ones: each rule must name exactly its wrong one,
 * so a rule that stops matching (a renamed folder, a broken regex) fails here.
 */
describe('import boundaries', () => {
  let violations: Violation[];

  beforeAll(async () => {
    // `npm run lint` runs the same config; it exits 1 on any violation, so read the JSON either way.
    const cruise = run('npx', ['depcruise', '--config', '.dependency-cruiser.cjs', '--output-type', 'json', FIXTURES], { maxBuffer: 16 * 1024 * 1024 }).catch(
      (error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }),
    );
    const report = JSON.parse((await cruise).stdout) as { summary: { violations: Array<{ rule: { name: string }; from: string; to: string }> } };
    violations = report.summary.violations.map((v) => ({ rule: v.rule.name, from: short(v.from), to: short(v.to) }));
  }, 60_000);

  it('names every wrong-way import, and nothing else', () => {
    expect(violations.sort((a, b) => a.rule.localeCompare(b.rule) || a.from.localeCompare(b.from))).toEqual([
      { rule: 'a-job-function-runs-its-own-job', from: 'functions/jobs/other/handler.ts', to: 'functions/jobs/demo/demo-run.ts' },
      { rule: 'adapters-import-no-api-or-jobs', from: 'functions/adapters/uses-api.ts', to: 'functions/api/route.ts' },
      { rule: 'client-imports-no-server', from: 'functions/client/uses-server.ts', to: 'functions/api/route.ts' },
      { rule: 'console-uses-the-client-only', from: 'console/src/uses-server.ts', to: 'functions/api/route.ts' },
      { rule: 'core-has-no-aws', from: 'functions/core/uses-sdk.ts', to: '@aws-sdk/client-s3' },
      { rule: 'core-imports-only-core', from: 'functions/core/uses-adapter.ts', to: 'functions/adapters/s3-store.ts' },
      { rule: 'job-runs-only-in-their-own-function', from: 'functions/jobs/other/other-job.ts', to: 'functions/jobs/other/other-run.ts' },
      { rule: 'jobs-and-api-take-what-they-are-handed', from: 'functions/api/uses-runtime.ts', to: 'functions/runtime/runtime.ts' },
      { rule: 'jobs-and-api-take-what-they-are-handed', from: 'functions/jobs/demo/uses-runtime.ts', to: 'functions/runtime/runtime.ts' },
      { rule: 'jobs-import-no-api-or-catalog', from: 'functions/jobs/demo/uses-api.ts', to: 'functions/api/route.ts' },
      { rule: 'jobs-import-no-api-or-catalog', from: 'functions/jobs/demo/uses-catalog.ts', to: 'functions/catalog.ts' },
      { rule: 'no-cycles', from: 'functions/core/cycle-a.ts', to: 'functions/core/cycle-b.ts' },
    ]);
  });
});
