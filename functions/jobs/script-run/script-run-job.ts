import type { ScriptManifest } from './manifest';
import { scriptRunParams, type ScriptRunParams } from './params';
import { shippedManifest } from './shipped-manifest';
import type { JobTypeDeclaration } from '../job-type-definition';
import type { FunctionAccess } from '../../function-access';

/** The manifest's longest script limit plus room to kill its process group, upload and record. */
export function runTimeoutMs(manifest: ScriptManifest): number {
  return Math.max(0, ...Object.values(manifest.scripts).map((spec) => spec.timeoutMs)) + 60_000;
}

/**
 * Writes only its own `scripts/<jobId>/…`; downloads the inputs a manifest entry may name
 * (manifest.ts: keys under events/, exports/, snapshots/ or scripts/). No Analytics.
 */
const scriptRunAccess: FunctionAccess = {
  jobs: 'RW',
  artifacts: { read: ['events/', 'exports/', 'snapshots/', 'scripts/'], write: ['scripts/'] },
};

/**
 * A script run of the scripts this build ships (layers/scripts/manifest.json): download its
 * inputs, spawn the interpreter in a private working directory, stream its output to artifacts,
 * enforce its time limit on the whole process group, collect its output files.
 */
export const scriptRunJob = {
  type: 'script-run',
  description: 'Runs a whitelisted Python or Node script (layers/scripts/manifest.json) without a shell, output streamed to artifacts, process group killed at its limit.',
  params: scriptRunParams,
  timeoutMs: runTimeoutMs(shippedManifest),
  periodTypes: [],
  function: {
    entry: 'functions/jobs/script-run/handler.ts',
    memoryMb: Math.max(512, Math.max(...Object.values(shippedManifest.scripts).map((spec) => spec.memoryMb))),
    maxConcurrency: 5,
    configuredConcurrency: (config) => config.scripts.maxConcurrency,
    // Python beside Node: a container image (infra/constructs/script-runner-image.ts).
    packaging: 'script-runner-image',
  },
  access: scriptRunAccess,
} satisfies JobTypeDeclaration<ScriptRunParams>;

