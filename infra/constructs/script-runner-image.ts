import { cpSync, mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { Stage } from 'aws-cdk-lib';
import { DockerImageCode } from 'aws-cdk-lib/aws-lambda';
import { Platform } from 'aws-cdk-lib/aws-ecr-assets';
import type { Construct } from 'constructs';
import { bundleLambdaSync } from './bundle-sync';

export interface ScriptRunnerImageProps {
  /** Repository root. */
  projectRoot: string;
  /** Handler module relative to the root. */
  entry: string;
  /** Compiled into the bundle (see JobFunction). */
  define: Record<string, string>;
}

/**
 * The container image the script runner runs from: the Dockerfile in infra/images/script-runner,
 * the runner handler bundled by esbuild at synth (offline, no Docker) and the scripts, staged in
 * the assembly's own directory. Docker builds it only at deploy, for arm64.
 */
export function scriptRunnerImageCode(scope: Construct, props: ScriptRunnerImageProps): DockerImageCode {
  const outdir = Stage.of(scope)?.outdir;
  if (!outdir) throw new Error('the script runner image needs an App with an output directory');
  const context = join(outdir, 'script-runner-image');
  rmSync(context, { recursive: true, force: true });
  mkdirSync(join(context, 'bundle'), { recursive: true });
  cpSync(join(props.projectRoot, 'infra/images/script-runner/Dockerfile'), join(context, 'Dockerfile'));
  cpSync(join(props.projectRoot, 'layers/scripts'), join(context, 'scripts'), { recursive: true });
  // Same bundling choices as the zip functions.
  bundleLambdaSync({ entry: join(props.projectRoot, props.entry), outfile: join(context, 'bundle', 'index.mjs'), define: props.define });
  return DockerImageCode.fromImageAsset(context, { platform: Platform.LINUX_ARM64 });
}
