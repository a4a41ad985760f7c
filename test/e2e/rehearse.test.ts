import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildApp } from '../../infra/app';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from '../../infra/config/load-config';
import { cachedAssembly } from '../../infra/rehearse/assembly-cache';
import { startRehearsal, type Rehearsal } from '../../infra/rehearse/rehearsal';
import { buildReport, type RehearsalReport } from '../../infra/rehearse/report';
import { runFirstDay } from '../../infra/rehearse/scenario';

/**
 * The reduced deploy rehearsal (the full one is `npm run rehearse`): the app
 * synthesized as `cdk synth` does (cdk-nag left to the other infra tests), every function from
 * its bundle on Node 22, and the first steps of a first day: the token command of docs/deploy.md, ingest
 * through the authorizer, the debounced rollup through the queue, /stats, a scheduled snapshot.
 */
describe('deploy rehearsal (reduced)', () => {
  const scratch = mkdtempSync(join(tmpdir(), 'nightshift-rehearse-test-'));
  let rehearsal: Rehearsal | undefined;
  let report: RehearsalReport;

  beforeAll(async () => {
    // Prepare: the cloud assembly, then the rehearsal of it.
    // Synthesized once per change of the sources (an earlier `npm run rehearse` leaves it ready).
    const config = await loadConfigFile(DEFAULT_CONFIG_FILE);
    const assemblyDir = cachedAssembly((outdir) => buildApp({ config, outdir, nag: false }).app.synth());
    // The suite's emulators: the template's names are this file's alone in them.
    rehearsal = await startRehearsal({ assemblyDir, workDir: join(scratch, 'work'), emulators: { dynamodbEndpoint: inject('dynamodbEndpoint'), s3Endpoint: inject('s3Endpoint') } });
    // Act
    const steps = await runFirstDay(rehearsal, { reduced: true });
    report = await buildReport(rehearsal, steps);
  }, 170_000);

  afterAll(async () => {
    await rehearsal?.stop();
    rmSync(scratch, { recursive: true, force: true });
  });

  it('passes every step of the reduced first day', () => {
    // Assess
    expect(report.steps.filter((step) => !step.passed).map((step) => `${step.name}: ${step.detail}`)).toEqual([]);
    expect(report.summary.scenarioSteps).toBeGreaterThanOrEqual(4);
  });

  it('runs every function of the template from its bundle on Node 22, with no AWS call denied', () => {
    // Assess
    expect(rehearsal?.node.version).toMatch(/^v22\./);
    expect(report.summary.functions).toBe(rehearsal?.deployment.resources('AWS::Lambda::Function').length);
    expect(report.functions.flatMap((fn) => fn.denied.map((denial) => `${fn.name}: ${denial.action} ${denial.resource}`))).toEqual([]);
    expect(report.services.filter((record) => !record.allowed)).toEqual([]);
  });

  it('sees each call through its own function\'s credentials: the API used the Jobs table, the authorizer only the token secret', () => {
    // Assess
    const used = (type: string) => report.functions.find((fn) => rehearsal?.functions.find((candidate) => candidate.name === fn.name)?.environment['NIGHTSHIFT_JOB_TYPE'] === type)?.used.map((use) => use.action) ?? [];
    expect(used('api')).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 'sqs:SendMessage', 's3:PutObject']));
    expect(used('authorizer').filter((action) => !action.startsWith('logs:') && action !== 'sts:AssumeRole')).toEqual(['secretsmanager:GetSecretValue']);
  });
});
