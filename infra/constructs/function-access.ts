import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { PolicyStatement } from 'aws-cdk-lib/aws-iam';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import { analyticsTable, jobsTable } from '../../functions/adapters/dynamodb/tables';
import type { FunctionAccess } from '../../functions/function-access';
import type { JobFunction } from './job-function';

/** The stateful resources every runtime function is told about, and the job functions' ARNs. */
export interface RuntimeResources {
  jobsTable: ITable;
  analyticsTable: ITable;
  artifactsBucket: IBucket;
  /** Job type → its function's physical name and ARN (known at synth, so no reference cycle). */
  jobFunctions: ReadonlyMap<string, { name: string; arn: string }>;
}

/**
 * Turns a catalog access declaration into environment and grants for a function that runs the
 * Nightshift runtime (functions/runtime/runtime.ts), which requires every table and bucket name
 * whether or not the function may use it. The queue, topic and token secret are granted where
 * they are created, to the functions whose declaration asks for them.
 */
export function bindRuntimeAccess(fn: JobFunction, access: FunctionAccess, resources: RuntimeResources): void {
  fn.bindTable(resources.jobsTable, 'JOBS_TABLE', access.jobs, jobsTable.indexes.map((index) => index.name))
    .bindTable(resources.analyticsTable, 'ANALYTICS_TABLE', access.analytics, analyticsTable.indexes.map((index) => index.name))
    .bindBucket(resources.artifactsBucket, 'ARTIFACTS_BUCKET', access.artifacts ?? {})
    .addEnvironment('NIGHTSHIFT_JOB_FUNCTIONS', JSON.stringify(Object.fromEntries([...resources.jobFunctions].map(([type, { name }]) => [type, name]))));
  if (access.analyticsPartitionWrites && access.analyticsPartitionWrites.length > 0) {
    fn.function.addToRolePolicy(
      new PolicyStatement({
        actions: ['dynamodb:PutItem', 'dynamodb:BatchWriteItem'],
        resources: [resources.analyticsTable.tableArn],
        conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [...access.analyticsPartitionWrites] } },
      }),
    );
  }
  const targets = invokeTargets(access, resources.jobFunctions);
  if (targets.length > 0) fn.function.addToRolePolicy(new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: targets }));
}

function invokeTargets(access: FunctionAccess, jobFunctions: RuntimeResources['jobFunctions']): string[] {
  if (access.invokes === undefined) return [];
  if (access.invokes === 'all-jobs') return [...jobFunctions.values()].map(({ arn }) => arn);
  // A declared type this build does not ship has no function to invoke.
  return access.invokes.flatMap((type) => jobFunctions.get(type)?.arn ?? []);
}
