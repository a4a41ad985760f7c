import { build } from 'esbuild';
import { describe, expect, it } from 'vitest';
import { apiFunction, authorizerFunction, jobCatalog, jobTypeNames } from '../../../functions/catalog';
import { jobRuns } from '../../../functions/job-runs';

/**
 * The modules of ours a bundle of `entry` carries (bytes in its output), from esbuild's metafile.
 * Packages stay external: which of our modules go in does not depend on them, and it keeps each
 * build to a fraction of a second.
 */
async function carriedModules(entry: string): Promise<string[]> {
  const { metafile } = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, platform: 'node', format: 'esm', packages: 'external', outdir: 'out', logLevel: 'error' });
  const output = Object.values(metafile.outputs).find((candidate) => candidate.entryPoint !== undefined)!;
  return Object.entries(output.inputs)
    .filter(([, input]) => input.bytesInOutput > 0)
    .map(([path]) => path)
    .sort();
}

const runModules = (modules: readonly string[]): string[] => modules.filter((path) => /^functions\/jobs\/[^/]+\/[^/]+-run\.ts$/.test(path));
const runOf = (type: string): string => `functions/jobs/${type}/${type}-run.ts`;

describe('each function carries only its own job’s work', () => {
  it('joins every catalog entry with its run in job-runs.ts, in catalog order, declarations unchanged', () => {
    // Assess
    expect(jobRuns.map((definition) => definition.type)).toEqual(jobTypeNames);
    for (const [index, definition] of jobRuns.entries()) {
      const declaration = jobCatalog[index]!;
      expect(definition.params, definition.type).toBe(declaration.params);
      expect(definition.access, definition.type).toBe(declaration.access);
      expect(definition.function, definition.type).toBe(declaration.function);
      expect(typeof definition.run, definition.type).toBe('function');
    }
  });

  it.each(jobCatalog.map((declaration) => [declaration.type, declaration.function.entry] as const))('%s: its bundle carries its own run and no other type’s', async (type, entry) => {
    // Act
    const modules = await carriedModules(entry);
    // Assess
    expect(runModules(modules)).toEqual([runOf(type)]);
  });

  it('the API and the authorizer carry no run (the local cloud and the tests hand the API its test-only rollup)', async () => {
    // Act
    const [api, authorizer] = await Promise.all([carriedModules(apiFunction.entry), carriedModules(authorizerFunction.entry)]);
    // Assess
    expect(runModules(api)).toEqual([]);
    expect(runModules(authorizer)).toEqual([]);
  });

  /**
   * What the catalog carries goes into every function (the runtime reads it for the sweeper's and
   * health's view). A module added to this list lands in every bundle: it must be what the API,
   * the stack, the sweeper or health read (params, the export's plan for its params check, the
   * script manifest for schedules and limits, the snapshot's publishing for a release), never a
   * run's work.
   */
  it('the catalog carries the declarations, and of each job folder only what they read', async () => {
    // Act
    const modules = (await carriedModules('functions/catalog.ts')).filter((path) => path.startsWith('functions/jobs/'));
    // Assess
    expect(modules).toEqual([
      'functions/jobs/export/export-job.ts',
      'functions/jobs/export/params.ts',
      'functions/jobs/export/plan.ts',
      'functions/jobs/job-type-definition.ts',
      'functions/jobs/rollup/params.ts',
      'functions/jobs/rollup/rollup-job.ts',
      'functions/jobs/sampling-proof/params.ts',
      'functions/jobs/sampling-proof/sampling-proof-job.ts',
      'functions/jobs/sampling-proof/verdict.ts',
      'functions/jobs/script-run/manifest.ts',
      'functions/jobs/script-run/params.ts',
      'functions/jobs/script-run/schedules.ts',
      'functions/jobs/script-run/script-run-job.ts',
      'functions/jobs/script-run/shipped-manifest.ts',
      'functions/jobs/snapshot/params.ts',
      'functions/jobs/snapshot/publish-snapshot.ts',
      'functions/jobs/snapshot/snapshot-job.ts',
      'functions/jobs/sweeper/params.ts',
      'functions/jobs/sweeper/sweeper-job.ts',
    ]);
  });
});
