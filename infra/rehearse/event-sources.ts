import type { Deployment } from './deployment';
import type { IamAuthority } from './iam';
import type { IdentityRegistry } from './identities';
import type { LambdaService } from './lambda-service';
import type { Queue, SqsService } from './aws/sqs';
import type { Timeline } from './timeline';

/** What the rehearsal saw of one event source mapping. */
export interface EventSourceStats {
  mapping: string;
  functionName: string;
  queue: string;
  batches: number;
  deleted: number;
  failedItems: number;
  toDeadLetter: number;
  denied: boolean;
}

/**
 * AWS::Lambda::EventSourceMapping from SQS, as Lambda's pollers run it: batches of visible
 * messages (BatchSize), a synchronous invoke, deletion of the batch or, with
 * ReportBatchItemFailures, of all but the failed items; failed messages come back after the
 * visibility timeout and go to the queue's dead-letter queue after maxReceiveCount receives. The
 * poller uses the function's role, so its SQS permissions are checked too.
 */
export function startEventSources(deployment: Deployment, lambda: LambdaService, sqs: SqsService, iam: IamAuthority, identities: IdentityRegistry, timeline: Timeline): EventSourceStats[] {
  const stats: EventSourceStats[] = [];
  for (const mapping of deployment.resources('AWS::Lambda::EventSourceMapping')) {
    const queue = sqs.byArn(String(mapping.props['EventSourceArn']));
    const fn = lambda.find(String(mapping.props['FunctionName']));
    if (!queue || !fn) continue;
    const batchSize = Number(mapping.props['BatchSize'] ?? 10);
    const reportsItemFailures = ((mapping.props['FunctionResponseTypes'] as string[] | undefined) ?? []).includes('ReportBatchItemFailures');
    const entry: EventSourceStats = { mapping: mapping.logicalId, functionName: fn.name, queue: queue.name, batches: 0, deleted: 0, failedItems: 0, toDeadLetter: 0, denied: false };
    stats.push(entry);
    const caller = { kind: 'identity' as const, identity: { kind: 'function' as const, name: fn.name, principalArn: identities.sessionArn(fn.roleArn, fn.name), roleArn: fn.roleArn } };
    let polling = false;
    const poll = async (): Promise<void> => {
      if (polling || entry.denied) return;
      polling = true;
      try {
        for (;;) {
          if (!(await iam.authorize(caller, 'sqs:ReceiveMessage', queue.arn, {}, 'event source mapping'))) {
            entry.denied = true;
            return;
          }
          const batch = receiveOrDeadLetter(queue, batchSize, sqs, entry);
          if (batch.length === 0) return;
          entry.batches += 1;
          const event = {
            Records: batch.map((message) => ({
              messageId: message.id,
              receiptHandle: `${message.id}#${message.receiveCount}`,
              body: message.body,
              attributes: {
                ApproximateReceiveCount: String(message.receiveCount),
                SentTimestamp: String(message.sentAt),
                SenderId: message.senderId,
                ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
              },
              messageAttributes: message.attributes,
              md5OfBody: '',
              eventSource: 'aws:sqs',
              eventSourceARN: queue.arn,
              awsRegion: deployment.target.region,
            })),
          };
          const outcome = await lambda.invokeSync(fn, event, `event source mapping ${mapping.logicalId}`);
          if (!outcome.ok) continue; // the whole batch comes back after the visibility timeout
          const failed = new Set(
            reportsItemFailures ? (((outcome.payload as { batchItemFailures?: Array<{ itemIdentifier: string }> } | null)?.batchItemFailures ?? []).map((item) => item.itemIdentifier)) : [],
          );
          entry.failedItems += failed.size;
          for (const message of batch) {
            if (failed.has(message.id)) continue;
            if (await iam.authorize(caller, 'sqs:DeleteMessage', queue.arn, {}, 'event source mapping')) {
              queue.delete(message.id);
              entry.deleted += 1;
            }
          }
        }
      } finally {
        polling = false;
      }
    };
    queue.onVisible(() => void timeline.track(poll()));
  }
  return stats;
}

/** Messages past maxReceiveCount move to the dead-letter queue instead of being delivered again. */
function receiveOrDeadLetter(queue: Queue, batchSize: number, sqs: SqsService, entry: EventSourceStats): ReturnType<Queue['receive']> {
  const batch = queue.receive(batchSize);
  const redrive = queue.redrive;
  if (!redrive) return batch;
  const deliverable = [];
  for (const message of batch) {
    if (message.receiveCount > redrive.maxReceiveCount) {
      queue.delete(message.id);
      sqs.byArn(redrive.deadLetterTargetArn)?.send(message.body, message.senderId, 0, message.attributes);
      entry.toDeadLetter += 1;
    } else deliverable.push(message);
  }
  return deliverable;
}
