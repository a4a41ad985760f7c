import type { Context, SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { errorFields } from '../core/errors';
import type { JobDefinition, JobDependencies } from '../core/jobs/definition';
import { handleInvocation, type InvocationResult } from '../core/jobs/handle-invocation';

/** Time kept back from Lambda's remaining time so the run's result is always recorded. */
const RECORDING_MARGIN_MS = 5_000;

type RemainingTime = Pick<Context, 'getRemainingTimeInMillis'>;

/** A job function's handler, as Lambda (and the local cloud's in-process invoker) calls it. */
export type JobHandler = (event: unknown, context: RemainingTime) => Promise<InvocationResult | SQSBatchResponse>;

/**
 * Every job function's handler: parse the event, run the shared lifecycle, return the result.
 * It takes a JobInvocation directly (scheduler, async invoke, the local cloud) or an SQS batch
 * from the delay queue, whose message bodies are JobInvocations.
 */
export function makeJobHandler<P>(definition: JobDefinition<P>, deps: JobDependencies): JobHandler {
  return async (event, context) => {
    if (isSqsEvent(event)) return handleSqsBatch(definition, deps, event, context);
    return handleInvocation(definition, event, deps, limitsOf(context));
  };
}

function limitsOf(context: RemainingTime): { remainingMs: number; marginMs: number } {
  return { remainingMs: context.getRemainingTimeInMillis(), marginMs: RECORDING_MARGIN_MS };
}

function isSqsEvent(event: unknown): event is SQSEvent {
  const records = (event as { Records?: unknown } | null)?.Records;
  return Array.isArray(records) && records.length > 0 && records.every((r) => (r as { eventSource?: unknown })?.eventSource === 'aws:sqs');
}

/**
 * One record at a time (runs of a type are single-flight anyway). A record that threw, or whose
 * body is not an invocation this function runs, is reported as a batch item failure: SQS keeps
 * it for another try, then moves it to the queue's DLQ where an operator can see it. The other
 * records of the batch are deleted as done.
 */
async function handleSqsBatch<P>(definition: JobDefinition<P>, deps: JobDependencies, event: SQSEvent, context: RemainingTime): Promise<SQSBatchResponse> {
  const batchItemFailures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const log = deps.logger.child({ messageId: record.messageId, type: definition.type });
    try {
      const result = await handleInvocation(definition, parseBody(record.body), deps, limitsOf(context));
      if (result.outcome === 'rejected') {
        log.error('delay queue message is not a valid invocation', { reason: result.reason });
        batchItemFailures.push({ itemIdentifier: record.messageId });
      }
    } catch (error) {
      log.error('delay queue message failed; SQS will retry it', errorFields(error));
      batchItemFailures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures };
}

/** Not JSON: handed on as the raw text, which the invocation schema then rejects with a reason. */
function parseBody(body: string): unknown {
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}
