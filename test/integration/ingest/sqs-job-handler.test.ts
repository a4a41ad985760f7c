import type { SQSEvent, SQSRecord } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { JobDependencies } from '../../../functions/core/jobs/definition';
import { makeJobHandler } from '../../../functions/runtime/job-handler';
import { testRuntime } from '../../helpers/api';
import { DelayRecordingInvoker } from '../../helpers/invokers';
import { fakeJob, testConfig, testDependencies } from '../../helpers/jobs';
import { createTestStorage, type TestStorage } from '../../helpers/storage';

function sqsRecord(messageId: string, body: string): SQSRecord {
  return {
    messageId,
    receiptHandle: `handle-${messageId}`,
    body,
    attributes: { ApproximateReceiveCount: '1', SentTimestamp: '0', SenderId: 'test', ApproximateFirstReceiveTimestamp: '0' },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: 'arn:aws:sqs:us-east-1:123456789012:Nightshift-Stateless-DelayQueue',
    awsRegion: 'us-east-1',
  };
}

const context = { getRemainingTimeInMillis: () => 60_000 };

describe('a job handler with SQS batches from the delay queue', () => {
  let storage: TestStorage;
  let deps: JobDependencies;

  beforeAll(async () => {
    storage = await createTestStorage('sqs-handler');
    deps = testRuntime(storage, testConfig(), { invoker: new DelayRecordingInvoker() }).deps;
  });

  afterAll(async () => {
    await storage.destroy();
  });

  it('runs each record and reports exactly the ones that failed or were not invocations', async () => {
    // Prepare
    const ran: string[] = [];
    const handler = makeJobHandler(fakeJob(async ({ job }) => {
      ran.push(job.trigger);
      return { summary: { ok: true } };
    }), deps);
    const event: SQSEvent = {
      Records: [
        sqsRecord('m-ok', JSON.stringify({ type: 'sweeper', trigger: 'debounce', triggeredBy: 'debounce' })),
        sqsRecord('m-not-json', 'rollup please'),
        sqsRecord('m-other-type', JSON.stringify({ type: 'rollup', trigger: 'debounce' })),
        sqsRecord('m-missing-run', JSON.stringify({ type: 'sweeper', trigger: 'api', jobId: '01ARZ3NDEKTSV4RRFFQ69G5FAV' })),
      ],
    };

    // Act
    const result = await handler(event, context);
    const runs = await testDependencies(storage).ledger.list({ type: 'sweeper', limit: 10 });

    // Assess
    expect(result).toEqual({ batchItemFailures: [{ itemIdentifier: 'm-not-json' }, { itemIdentifier: 'm-other-type' }, { itemIdentifier: 'm-missing-run' }] });
    expect(ran).toEqual(['debounce']);
    expect(runs.items.map((run) => [run.trigger, run.status])).toEqual([['debounce', 'succeeded']]);
  });

  it('still takes a plain invocation (scheduler, async invoke, the local cloud)', async () => {
    // Prepare
    const handler = makeJobHandler(fakeJob(async () => ({ summary: { direct: true } })), deps);

    // Act
    const result = await handler({ type: 'sweeper', trigger: 'api', triggeredBy: 'test' }, context);

    // Assess
    expect(result).toMatchObject({ outcome: 'ran', job: { status: 'succeeded', summary: { direct: true } } });
  });
});
