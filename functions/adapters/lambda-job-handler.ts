import type { Context } from 'aws-lambda';
import type { JobDefinition } from '../core/jobs/definition';
import { handleInvocation, type InvocationResult } from '../core/jobs/handle-invocation';
import { runtime } from './runtime';

/** Time kept back from Lambda's remaining time so the run's result is always recorded. */
const RECORDING_MARGIN_MS = 5_000;

/** Every job function's handler: parse the event, run the shared lifecycle, return the result. */
export function lambdaJobHandler<P>(definition: JobDefinition<P>) {
  return async (event: unknown, context: Pick<Context, 'getRemainingTimeInMillis'>): Promise<InvocationResult> =>
    handleInvocation(definition, event, runtime().deps, {
      remainingMs: context.getRemainingTimeInMillis(),
      marginMs: RECORDING_MARGIN_MS,
    });
}
