import { SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import { InvokeCommand, LambdaClient } from '@aws-sdk/client-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DelayUnavailableError, InvokeFailedError, LambdaInvoker } from '../../../functions/adapters/invoker/lambda-invoker';
import { SqsDelayInvoker } from '../../../functions/adapters/invoker/sqs-delay';
import type { JobInvocation } from '../../../functions/core/jobs/ports';
import { DelayRecordingInvoker } from '../../helpers/invokers';

const QUEUE_URL = 'https://sqs.us-east-1.amazonaws.com/123456789012/Nightshift-Stateless-DelayQueue';
const DEBOUNCED: JobInvocation = { type: 'rollup', trigger: 'debounce', triggeredBy: 'debounce' };

describe('SqsDelayInvoker', () => {
  const sqsMock = mockClient(SQSClient);

  afterEach(() => {
    sqsMock.reset();
  });

  it('sends a delayed invocation to the delay queue with DelaySeconds, the invocation as the body', async () => {
    // Prepare
    sqsMock.on(SendMessageCommand).resolves({ MessageId: 'm-1' });
    const immediate = new DelayRecordingInvoker();
    const invoker = new SqsDelayInvoker(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, immediate);

    // Act
    await invoker.invokeAsync(DEBOUNCED, { delaySeconds: 5 });

    // Assess
    const sent = sqsMock.commandCalls(SendMessageCommand).map((call) => call.args[0].input);
    expect(sent).toEqual([{ QueueUrl: QUEUE_URL, DelaySeconds: 5, MessageBody: JSON.stringify(DEBOUNCED) }]);
    expect(JSON.parse(sent[0]!.MessageBody!)).toEqual(DEBOUNCED);
    expect(immediate.calls).toEqual([]);
  });

  it('hands invocations without a delay to the immediate invoker', async () => {
    // Prepare
    const immediate = new DelayRecordingInvoker();
    const invoker = new SqsDelayInvoker(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, immediate);

    // Act
    await invoker.invokeAsync({ type: 'sweeper', trigger: 'api' });
    await invoker.invokeAsync(DEBOUNCED, { delaySeconds: 0 });

    // Assess
    expect(immediate.calls.map((call) => call.invocation.type)).toEqual(['sweeper', 'rollup']);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it.each([
    { name: 'a type the queue does not feed', invocation: { type: 'sweeper', trigger: 'api' } as JobInvocation, delaySeconds: 5, message: /only feeds rollup runs/ },
    { name: 'a delay past 900 s', invocation: DEBOUNCED, delaySeconds: 901, message: /outside SQS's 0–900 s/ },
  ])('refuses $name before sending anything', async ({ invocation, delaySeconds, message }) => {
    // Prepare
    const invoker = new SqsDelayInvoker(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, new DelayRecordingInvoker());

    // Act
    const attempt = invoker.invokeAsync(invocation, { delaySeconds });

    // Assess
    await expect(attempt).rejects.toThrow(DelayUnavailableError);
    await expect(attempt).rejects.toThrow(message);
    expect(sqsMock.commandCalls(SendMessageCommand)).toHaveLength(0);
  });

  it('turns an SQS failure into invoke_failed, keeping the SDK error as the cause', async () => {
    // Prepare
    const sdkError = Object.assign(new Error('Access to the resource is denied'), { name: 'AccessDenied' });
    sqsMock.on(SendMessageCommand).rejects(sdkError);
    const invoker = new SqsDelayInvoker(new SQSClient({ region: 'us-east-1' }), QUEUE_URL, new DelayRecordingInvoker());

    // Act
    const error = await invoker.invokeAsync(DEBOUNCED, { delaySeconds: 5 }).catch((e: unknown) => e);

    // Assess
    expect(error).toBeInstanceOf(InvokeFailedError);
    expect(error).toMatchObject({ code: 'invoke_failed', cause: sdkError });
  });
});

describe('LambdaInvoker', () => {
  const lambdaMock = mockClient(LambdaClient);

  afterEach(() => {
    lambdaMock.reset();
  });

  it('refuses a delay rather than invoking at once, since Lambda cannot wait', async () => {
    // Prepare
    const invoker = new LambdaInvoker(new LambdaClient({ region: 'us-east-1' }), { rollup: 'Nightshift-Stateless-rollup' });

    // Act
    const attempt = invoker.invokeAsync(DEBOUNCED, { delaySeconds: 5 });

    // Assess
    await expect(attempt).rejects.toThrow(/no delay queue is configured \(NIGHTSHIFT_DELAY_QUEUE_URL\)/);
    expect(lambdaMock.commandCalls(InvokeCommand)).toHaveLength(0);
  });
});
