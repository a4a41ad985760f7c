import type { ArtifactStore, Invoker } from '../../core/jobs/ports';
import type { Logger } from '../../core/jobs/logger';
import type { Alerter } from '../../core/proofs/ports';
import type { ScheduleDeadLetterQueue } from '../../core/jobs/slots/dead-letters';
import type { RuntimeEnvironment } from '../../adapters/environment';
import type { FunctionAccess } from '../../function-access';

/**
 * The adapters over the AWS services a function may or may not call, beyond DynamoDB (which every
 * runtime function uses). Each comes from its own module in this folder, so a Lambda entry that
 * wires only what its access declares bundles only those SDK clients: the sweeper carries no S3
 * client, the snapshot no Lambda, SQS or SNS client. The composition root (`buildRuntime`) builds
 * from whatever it is handed; the local cloud and the tests hand it every one (`every-adapter.ts`).
 */
export interface AwsAdapters {
  /** The artifacts bucket (S3). */
  s3?: (env: RuntimeEnvironment) => ArtifactStore;
  /** Lambda's async invoke of job functions. */
  lambda?: (env: RuntimeEnvironment) => Invoker;
  /** The delay queue (SQS) in front of the immediate invoker. */
  sqs?: (env: RuntimeEnvironment, immediate: Invoker) => Invoker;
  /** Proof alerts logged and published to the alert topic (SNS); without it they are only logged. */
  sns?: (env: RuntimeEnvironment, logger: Logger) => Alerter;
  /** The schedules' dead-letter queue (SQS) the sweeper drains. */
  scheduleDlq?: (env: RuntimeEnvironment) => ScheduleDeadLetterQueue;
}

type AwsService = keyof Required<AwsAdapters>;

/** Which adapters a function's access declaration calls for: exactly those, no more. */
function servicesDeclaredBy(access: FunctionAccess): Record<AwsService, boolean> {
  return {
    s3: (access.artifacts?.read?.length ?? 0) + (access.artifacts?.write?.length ?? 0) > 0,
    lambda: access.invokes === 'all-jobs' || (access.invokes?.length ?? 0) > 0,
    sqs: access.sendsDelayed === true,
    sns: access.publishesAlerts === true,
    scheduleDlq: access.drainsScheduleDeadLetters === true,
  };
}

/**
 * What is wrong with an entry's wiring against its access declaration, one sentence per service:
 * a declared service without its adapter would fail at its first call, an adapter without a
 * declaration only fattens the bundle (and its calls would be denied by IAM anyway).
 */
export function wiringProblems(functionName: string, access: FunctionAccess, adapters: AwsAdapters): string[] {
  const declared = servicesDeclaredBy(access);
  return (Object.keys(declared) as AwsService[]).flatMap((service) => {
    const wired = adapters[service] !== undefined;
    if (declared[service] === wired) return [];
    return declared[service]
      ? [`${functionName}: its access declares ${service} calls, but its entry does not wire the ${service} adapter`]
      : [`${functionName}: its entry wires the ${service} adapter, but its access declares no ${service} call`];
  });
}
