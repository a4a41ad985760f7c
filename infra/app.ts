import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { App } from 'aws-cdk-lib';
import { ConfigLoadError, InvalidConfigError, type NightshiftConfig } from '../functions/core/config';
import { DEFAULT_CONFIG_FILE, loadConfigFile } from './config/load-config';
import { projectRoot } from './constructs/job-function';
import { addNagChecks } from './nag';
import { NightshiftStatefulStack, type DataRemoval } from './stacks/stateful-stack';
import { NightshiftStatelessStack } from './stacks/stateless-stack';
import { isEntryPoint } from './entry-point';

/** CDK's own context key: the stacks whose assets are bundled (`[]`: none; the default is all). */
const BUNDLING_STACKS_CONTEXT = 'aws:cdk:bundling-stacks';

export interface BuildAppOptions {
  config: NightshiftConfig;
  /** Where the cloud assembly (and bundled assets) go. @default the CLI's, or a temp dir */
  outdir?: string;
  /** @default now */
  deployedAt?: string;
  /** @default the `useReservedConcurrency` context value, else true */
  useReservedConcurrency?: boolean;
  /** @default the `dataRemoval` context value (`retain` or `destroy`), else `retain` */
  dataRemoval?: DataRemoval;
  /** An App to add the stacks to (the CLI entry point makes one to read context first). */
  app?: App;
  /**
   * Runs cdk-nag's AwsSolutions pack on synth, which then fails on any unacknowledged finding.
   * Off for tests that only read templates: the pack walks every resource.
   * @default true
   */
  nag?: boolean;
  /**
   * Bundles each function with esbuild (and builds the console). Off for tests that read only
   * templates: bundling is most of a synth's time, and the rehearsal and the bundle tests still bundle.
   * @default true
   */
  bundle?: boolean;
}

export interface NightshiftApp {
  app: App;
  stateful: NightshiftStatefulStack;
  stateless: NightshiftStatelessStack;
}

/**
 * The two stacks. Both are environment-agnostic: the account and region come from the deploy,
 * and nothing here looks anything up, which is what lets `cdk synth` run offline.
 */
export function buildApp(options: BuildAppOptions): NightshiftApp {
  // Tests build the App directly; cdk.json's context gives them the same feature flags the CLI
  // passes, so what they assert is what `cdk synth` produces.
  const context = { ...cdkJsonContext(), ...(options.bundle === false ? { [BUNDLING_STACKS_CONTEXT]: [] } : {}) };
  const app = options.app ?? new App({ context, ...(options.outdir ? { outdir: options.outdir } : {}) });
  const deployedAt = options.deployedAt ?? new Date().toISOString();
  const useReservedConcurrency = options.useReservedConcurrency ?? contextFlag(app.node.tryGetContext('useReservedConcurrency'), true);

  const dataRemoval = options.dataRemoval ?? dataRemovalOf(app.node.tryGetContext('dataRemoval'));
  const stateful = new NightshiftStatefulStack(app, 'Nightshift-Stateful', {
    stackName: 'Nightshift-Stateful',
    description: `Nightshift data: job ledger and analytics tables, artifacts bucket (${dataRemoval === 'retain' ? 'retained' : 'deleted with the stack'})`,
    config: options.config,
    dataRemoval,
  });
  const stateless = new NightshiftStatelessStack(app, 'Nightshift-Stateless', {
    stackName: 'Nightshift-Stateless',
    description: 'Nightshift code and triggers: job functions, HTTP API, schedules',
    config: options.config,
    deployedAt,
    jobsTable: stateful.jobsTable,
    analyticsTable: stateful.analyticsTable,
    artifactsBucket: stateful.artifactsBucket,
    useReservedConcurrency,
  });
  if (options.nag ?? true) addNagChecks(app);
  return { app, stateful, stateless };
}

function dataRemovalOf(value: unknown): DataRemoval {
  if (value === undefined || value === 'retain') return 'retain';
  if (value === 'destroy') return 'destroy';
  throw new Error(`context dataRemoval must be "retain" or "destroy", not ${JSON.stringify(value)}`);
}

function cdkJsonContext(): Record<string, unknown> {
  const cdkJson = JSON.parse(readFileSync(join(projectRoot, 'cdk.json'), 'utf8')) as { context?: Record<string, unknown> };
  return cdkJson.context ?? {};
}

/** Context from `-c key=value` arrives as a string; from cdk.json as JSON. */
function contextFlag(value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  return value !== false && value !== 'false';
}

async function main(): Promise<void> {
  const app = new App({ context: cdkJsonContext() });
  const configFile = app.node.tryGetContext('config') as unknown;
  const config = await loadConfigFile(typeof configFile === 'string' && configFile !== '' ? configFile : DEFAULT_CONFIG_FILE);
  buildApp({ config, app });
  app.synth();
}

if (isEntryPoint(import.meta.url)) {
  main().catch((error: unknown) => {
    // The config error already lists every problem by path; a stack trace would bury it.
    console.error(error instanceof InvalidConfigError || error instanceof ConfigLoadError ? error.message : error);
    process.exitCode = 1;
  });
}
