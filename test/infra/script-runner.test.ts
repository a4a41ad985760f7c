import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Template } from 'aws-cdk-lib/assertions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config';
import { buildApp } from '../../infra/app';

type Resource = { Type: string; Properties: Record<string, any> };

const config = parseConfig({ timezone: 'America/Los_Angeles', scripts: { maxConcurrency: 4 } });
let outdir: string;
let stateless: Template;

beforeAll(() => {
  // Prepare: the assembly and the staged image context go to a temp dir this file owns.
  outdir = mkdtempSync(join(tmpdir(), 'nightshift-cdk-scripts-'));
  // Act: a synth needs no Docker; the image is only staged and hashed.
  stateless = Template.fromStack(buildApp({ config, outdir, deployedAt: '2026-11-22T10:00:00.000Z', bundle: false }).stateless);
});

afterAll(() => {
  rmSync(outdir, { recursive: true, force: true });
});

function scriptRunner(): [string, Resource] {
  const matches = Object.entries(stateless.findResources('AWS::Lambda::Function') as Record<string, Resource>).filter(
    ([, r]) => r.Properties['FunctionName'] === 'Nightshift-Stateless-script-run',
  );
  expect(matches).toHaveLength(1);
  return matches[0]!;
}

describe('the script runner function', () => {
  it('is a container image for arm64, capped at scripts.maxConcurrency', () => {
    // Act
    const [, fn] = scriptRunner();

    // Assess
    expect(fn.Properties).toMatchObject({ PackageType: 'Image', Architectures: ['arm64'], ReservedConcurrentExecutions: 4 });
    expect(fn.Properties['Code']).toHaveProperty('ImageUri');
    expect(fn.Properties['Runtime']).toBeUndefined();
  });

  it('stages a build context with the Dockerfile (Node base + python3), the runner bundle and the scripts', () => {
    // Act
    const context = join(outdir, 'script-runner-image');
    const dockerfile = readFileSync(join(context, 'Dockerfile'), 'utf8');

    // Assess
    expect(dockerfile).toMatch(/^FROM public\.ecr\.aws\/lambda\/nodejs:22$/m);
    expect(dockerfile).toMatch(/dnf install -y python3/);
    expect(existsSync(join(context, 'bundle', 'index.mjs'))).toBe(true);
    for (const file of ['manifest.json', 'stats_report.py', 'events-summary.mjs']) expect(existsSync(join(context, 'scripts', file))).toBe(true);
    // The config is compiled in, as in the zip functions.
    const bundle = readFileSync(join(context, 'bundle', 'index.mjs'), 'utf8');
    expect(bundle).toContain('America/Los_Angeles');
    // The whitelist is bundled too: the runner validates params against the same manifest as the API.
    expect(bundle).toContain('stats_report.py');
  });

  it('writes artifacts only under scripts/ and reads only the input prefixes', () => {
    // Prepare
    const roleId = (scriptRunner()[1].Properties['Role'] as { 'Fn::GetAtt': [string, string] })['Fn::GetAtt'][0];
    const policies = Object.values(stateless.findResources('AWS::IAM::Policy') as Record<string, Resource>).filter((p) =>
      (p.Properties['Roles'] as Array<{ Ref: string }>).some((role) => role.Ref === roleId),
    );

    // Act
    const statements = policies.flatMap((p) => p.Properties['PolicyDocument'].Statement as Array<{ Action: string | string[]; Resource: unknown }>);
    const s3 = statements.filter((st) => [st.Action].flat().some((a) => a.startsWith('s3:')));
    const resources = (st: { Resource: unknown }) => JSON.stringify(st.Resource);

    // Assess
    const writes = s3.filter((st) => [st.Action].flat().some((a) => a.startsWith('s3:PutObject') || a.startsWith('s3:DeleteObject')));
    expect(writes.length).toBeGreaterThan(0);
    for (const st of writes) expect(resources(st)).toMatch(/\/scripts\/\*/);
    for (const prefix of ['events', 'exports', 'snapshots']) expect(s3.some((st) => resources(st).includes(`/${prefix}/*`))).toBe(true);
    expect(statements.some((st) => [st.Action].flat().includes('lambda:InvokeFunction'))).toBe(false);
  });
});
