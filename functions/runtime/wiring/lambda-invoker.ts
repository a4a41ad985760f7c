import { createLambdaClient } from '../../adapters/aws-clients';
import { LambdaInvoker } from '../../adapters/invoker/lambda-invoker';
import type { AwsAdapters } from './aws-adapters';

/** Job functions started with Lambda's async invoke. */
export const lambdaInvoker: Required<AwsAdapters>['lambda'] = (env) => new LambdaInvoker(createLambdaClient({ region: env.region }), env.jobFunctions);
