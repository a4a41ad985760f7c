import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** One resource of a synthesized template, as CloudFormation would read it. */
export interface TemplateResource {
  Type: string;
  Properties?: Record<string, unknown>;
  Metadata?: Record<string, unknown>;
  DependsOn?: string | string[];
}

export interface StackTemplate {
  /** The artifact id in manifest.json, which is also the stack name unless one was set. */
  artifactId: string;
  stackName: string;
  resources: Record<string, TemplateResource>;
  outputs: Record<string, { Value: unknown; Export?: { Name: unknown } }>;
  /** Asset hash → the folder in the assembly that holds it (zip sources and image contexts). */
  assetDirectories: Map<string, string>;
}

export interface CloudAssembly {
  directory: string;
  /** In deployment order: a stack comes after the stacks it depends on. */
  stacks: StackTemplate[];
}

interface ManifestArtifact {
  type: string;
  properties?: { templateFile?: string; stackName?: string; file?: string };
  dependencies?: string[];
  displayName?: string;
}

export class AssemblyError extends Error {}

/**
 * Reads what `cdk synth` wrote: manifest.json names the stacks, their templates and asset
 * manifests. Nothing here knows what the stacks contain.
 */
export function readCloudAssembly(directory: string): CloudAssembly {
  const manifestFile = join(directory, 'manifest.json');
  if (!existsSync(manifestFile)) throw new AssemblyError(`${directory} is not a cloud assembly (no manifest.json); run cdk synth first`);
  const manifest = JSON.parse(readFileSync(manifestFile, 'utf8')) as { artifacts?: Record<string, ManifestArtifact> };
  const artifacts = manifest.artifacts ?? {};
  const stacks = new Map<string, { artifact: ManifestArtifact; template: StackTemplate }>();
  for (const [artifactId, artifact] of Object.entries(artifacts)) {
    if (artifact.type !== 'aws:cloudformation:stack' || !artifact.properties?.templateFile) continue;
    const template = JSON.parse(readFileSync(join(directory, artifact.properties.templateFile), 'utf8')) as {
      Resources?: Record<string, TemplateResource>;
      Outputs?: StackTemplate['outputs'];
    };
    const assetManifest = (artifact.dependencies ?? []).map((id) => artifacts[id]).find((dep) => dep?.type === 'cdk:asset-manifest');
    stacks.set(artifactId, {
      artifact,
      template: {
        artifactId,
        stackName: artifact.properties.stackName ?? artifact.displayName ?? artifactId,
        resources: template.Resources ?? {},
        outputs: template.Outputs ?? {},
        assetDirectories: assetDirectoriesOf(directory, assetManifest?.properties?.file),
      },
    });
  }
  if (stacks.size === 0) throw new AssemblyError(`${manifestFile} names no CloudFormation stack`);
  return { directory, stacks: deploymentOrder(stacks) };
}

function assetDirectoriesOf(directory: string, file: string | undefined): Map<string, string> {
  const result = new Map<string, string>();
  if (!file) return result;
  const manifest = JSON.parse(readFileSync(join(directory, file), 'utf8')) as {
    files?: Record<string, { source: { path?: string } }>;
    dockerImages?: Record<string, { source: { directory?: string } }>;
  };
  for (const [hash, entry] of Object.entries(manifest.files ?? {})) if (entry.source.path) result.set(hash, join(directory, entry.source.path));
  for (const [hash, entry] of Object.entries(manifest.dockerImages ?? {})) if (entry.source.directory) result.set(hash, join(directory, entry.source.directory));
  return result;
}

function deploymentOrder(stacks: Map<string, { artifact: ManifestArtifact; template: StackTemplate }>): StackTemplate[] {
  const ordered: StackTemplate[] = [];
  const visit = (id: string, path: string[]): void => {
    if (ordered.some((stack) => stack.artifactId === id)) return;
    if (path.includes(id)) throw new AssemblyError(`stack dependency cycle: ${[...path, id].join(' -> ')}`);
    const entry = stacks.get(id);
    if (!entry) return;
    for (const dependency of entry.artifact.dependencies ?? []) visit(dependency, [...path, id]);
    ordered.push(entry.template);
  };
  for (const id of stacks.keys()) visit(id, []);
  return ordered;
}
