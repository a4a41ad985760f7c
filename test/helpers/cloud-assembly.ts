import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface TestStack {
  name: string;
  resources: Record<string, unknown>;
  outputs?: Record<string, unknown>;
  dependsOn?: string[];
  /** Asset hash → files of its folder (`asset.<hash>/…`). */
  assets?: Record<string, Record<string, string>>;
}

/** A cloud assembly as `cdk synth` lays it out: manifest.json, templates, asset manifests and folders. */
export function writeCloudAssembly(directory: string, stacks: TestStack[]): void {
  const artifacts: Record<string, unknown> = {};
  for (const stack of stacks) {
    writeFileSync(join(directory, `${stack.name}.template.json`), JSON.stringify({ Resources: stack.resources, Outputs: stack.outputs ?? {} }));
    const dependencies = [...(stack.dependsOn ?? [])];
    if (stack.assets) {
      const files: Record<string, unknown> = {};
      for (const [hash, contents] of Object.entries(stack.assets)) {
        mkdirSync(join(directory, `asset.${hash}`), { recursive: true });
        for (const [file, text] of Object.entries(contents)) writeFileSync(join(directory, `asset.${hash}`, file), text);
        files[hash] = { source: { path: `asset.${hash}`, packaging: 'zip' } };
      }
      writeFileSync(join(directory, `${stack.name}.assets.json`), JSON.stringify({ files }));
      artifacts[`${stack.name}.assets`] = { type: 'cdk:asset-manifest', properties: { file: `${stack.name}.assets.json` } };
      dependencies.push(`${stack.name}.assets`);
    }
    artifacts[stack.name] = { type: 'aws:cloudformation:stack', properties: { templateFile: `${stack.name}.template.json` }, dependencies };
  }
  writeFileSync(join(directory, 'manifest.json'), JSON.stringify({ artifacts }));
}

export const testTarget = { account: '123456789012', region: 'eu-west-1', partition: 'aws', urlSuffix: 'amazonaws.com', endpoint: 'http://127.0.0.1:4000' };
