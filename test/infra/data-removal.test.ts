import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { afterAll, describe, expect, it } from 'vitest';
import { parseConfig } from '../../functions/core/config';
import { NightshiftStatefulStack, type DataRemoval } from '../../infra/stacks/stateful-stack';

const outdirs: string[] = [];

function statefulTemplate(dataRemoval?: DataRemoval): Template {
  const outdir = mkdtempSync(join(tmpdir(), 'nightshift-removal-'));
  outdirs.push(outdir);
  const stack = new NightshiftStatefulStack(new App({ outdir }), 'Removal', { config: parseConfig({}), ...(dataRemoval ? { dataRemoval } : {}) });
  return Template.fromStack(stack);
}

describe('stateful stack: what deleting it does to the data', () => {
  afterAll(() => {
    for (const outdir of outdirs) rmSync(outdir, { recursive: true, force: true });
  });

  it('retains tables (deletion protection on) and the bucket by default', () => {
    // Act
    const template = statefulTemplate();

    // Assess
    template.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ DeletionProtectionEnabled: true }) });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  it('deletes tables and an empty bucket with the stack when asked (dev and CI stacks)', () => {
    // Act
    const template = statefulTemplate('destroy');

    // Assess
    template.allResources('AWS::DynamoDB::Table', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtectionEnabled: false }) });
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    expect(Object.keys(template.findResources('AWS::DynamoDB::Table'))).toHaveLength(2);
  });
});
