import { Validations, type IPolicyValidationContext, type IPolicyValidationPlugin, type PolicyValidationPluginReport } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';

/**
 * IAM5 findings that are key-prefix grants on the artifacts bucket (`<bucket>/exports/*`): the
 * wildcard is the prefix, which is the least a function writing or reading many keys under it
 * can have. cdk-nag 3 acknowledges one exact finding id at a time, and these ids embed the
 * bucket's cross-stack reference (`Fn::GetStackOutput …`), known only once references are
 * resolved; so they are matched by pattern after synthesis, each prefix with its reason.
 */
const artifactPrefixReasons: Readonly<Record<string, string>> = {
  'events/': 'key prefix: the API writes ingested events, the rollup and script runs read them',
  'rollup/': 'key prefix: the rollup spills groups too big for a DynamoDB item and reads them back',
  'snapshots/': 'key prefix: snapshot artifacts, written by the snapshot, read by the API and script runs',
  'sampling-proofs/': 'key prefix: proof documents, written by the proof, read by the API',
  'exports/': 'key prefix: export files, written by the export, read by the API (presigned links) and script runs',
  'scripts/': 'key prefix: script runs write their own scripts/<jobId>/ logs and outputs, the API presigns them',
  'runs/': 'key prefix: default artifacts of a run (runs/<type>/<jobId>/), presigned by the API',
  'quarantine/': 'key prefix: held outputs (an export or snapshot covering a critical proof day), copied to their normal key on release',
};

/**
 * `<artifacts bucket ARN>/<prefix>/*`, the ARN as cdk-nag renders it: a cross-stack reference to
 * the stateful stack's `Artifacts` bucket (or, were both in one stack, `<Artifacts….Arn>`).
 */
const prefixFinding = /^AwsSolutions-IAM5\[Resource::(?:<Artifacts[A-Za-z0-9]*\.Arn>|\{"Fn::GetStackOutput":\{[^{}]*\{[^{}]*\}[^{}]*"OutputName":"PublishOutputFnGetAttArtifacts[A-Za-z0-9]*Arn[A-Za-z0-9]*"\}\})\/([a-z-]+\/)\*\]$/;

/**
 * The AwsSolutions pack as a CDK validation plugin: `app.synth()` (and so `cdk synth`) fails on
 * any finding without an acknowledgement. Acknowledgements with a fixed id are made in the
 * stacks, next to what they excuse; the artifact-prefix ones are added here.
 */
export class NightshiftNagChecks implements IPolicyValidationPlugin {
  readonly name = 'AwsSolutions';

  constructor(private readonly app: IConstruct) {}

  validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    acknowledgeArtifactPrefixGrants(this.app);
    return new AwsSolutionsChecks().validate(context);
  }
}

export function addNagChecks(app: IConstruct): void {
  Validations.of(app).addPlugins(new NightshiftNagChecks(app));
}

/** Runs the pack once, and acknowledges the IAM5 findings that are artifact key prefixes. */
export function acknowledgeArtifactPrefixGrants(app: IConstruct): void {
  const report = new AwsSolutionsChecks().validateScope(app);
  for (const violation of report.violations) {
    const prefix = prefixFinding.exec(violation.ruleName)?.[1];
    const reason = prefix === undefined ? undefined : artifactPrefixReasons[prefix];
    if (reason === undefined) continue;
    for (const resource of violation.violatingResources) {
      const construct = app.node.findAll().find((candidate) => candidate.node.path === resource.constructPath);
      if (construct) Validations.of(construct).acknowledge({ id: violation.ruleName, reason });
    }
  }
}
