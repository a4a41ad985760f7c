import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config';
import { buildApp } from '../../infra/app';

type Resource = { Type: string; Properties: Record<string, unknown> };

let outdir: string;
let stateless: Template;

beforeAll(() => {
  // Prepare: a config whose rollup fans out to four partition workers (no bundles: only the template is read)
  outdir = mkdtempSync(join(tmpdir(), 'nightshift-cdk-fan-out-'));
  const config = parseConfig({ timezone: 'Europe/Berlin', rollup: { fanOut: { minObjects: 200, workers: 4 } } });
  // Act
  stateless = Template.fromStack(buildApp({ config, outdir, deployedAt: '2026-12-03T10:00:00.000Z', bundle: false }).stateless);
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

describe('a rollup that fans out, deployed', () => {
  it('reserves concurrency for the coordinating run and each of its workers: 1 + workers', () => {
    // Act
    const functions = Object.values(stateless.findResources('AWS::Lambda::Function') as Record<string, Resource>);
    const rollup = functions.find((fn) => fn.Properties['FunctionName'] === 'Nightshift-Stateless-rollup');

    // Assess: one reserved would leave every partition run throttled behind its own coordinator
    expect(rollup?.Properties['ReservedConcurrentExecutions']).toBe(5);
  });
});
