import { createHash, randomUUID } from 'node:crypto';
import type { Deployment } from '../deployment';
import type { Timeline } from '../timeline';
import { deniedMessage, json, readTarget, type AwsService, type ServiceRequest, type ServiceResponse } from './service';
import { textOf } from '../resources';

interface Message {
  id: string;
  body: string;
  sentAt: number;
  visibleAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  senderId: string;
  attributes: Record<string, unknown>;
}

/** A queue of the template: its delay, visibility timeout and redrive policy as declared. */
export class Queue {
  readonly messages: Message[] = [];
  sent = 0;
  private readonly listeners = new Set<() => void>();

  constructor(
    readonly name: string,
    readonly arn: string,
    readonly url: string,
    readonly visibilityTimeoutSeconds: number,
    readonly delaySeconds: number,
    readonly redrive: { deadLetterTargetArn: string; maxReceiveCount: number } | undefined,
    private readonly timeline: Timeline,
  ) {}

  send(body: string, senderId: string, delaySeconds: number | undefined, attributes: Record<string, unknown> = {}): Message {
    const now = this.timeline.clock.now();
    const message: Message = { id: randomUUID(), body, sentAt: now, visibleAt: now + (delaySeconds ?? this.delaySeconds) * 1000, receiveCount: 0, senderId, attributes };
    this.messages.push(message);
    this.sent += 1;
    this.wakeAt(message.visibleAt);
    return message;
  }

  /** Up to `max` visible messages, now in flight for the visibility timeout. */
  receive(max: number, visibilityTimeoutSeconds = this.visibilityTimeoutSeconds): Message[] {
    const now = this.timeline.clock.now();
    const batch = this.messages.filter((message) => message.visibleAt <= now).slice(0, max);
    for (const message of batch) {
      message.receiveCount += 1;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + visibilityTimeoutSeconds * 1000;
      this.wakeAt(message.visibleAt);
    }
    return batch;
  }

  delete(id: string): void {
    const index = this.messages.findIndex((message) => message.id === id);
    if (index >= 0) this.messages.splice(index, 1);
  }

  counts(): { visible: number; notVisible: number; delayed: number } {
    const now = this.timeline.clock.now();
    let visible = 0;
    let notVisible = 0;
    let delayed = 0;
    for (const message of this.messages) {
      if (message.visibleAt <= now) visible += 1;
      else if (message.receiveCount === 0) delayed += 1;
      else notVisible += 1;
    }
    return { visible, notVisible, delayed };
  }

  onVisible(listener: () => void): void {
    this.listeners.add(listener);
  }

  private wakeAt(time: number): void {
    this.timeline.at(time, `sqs ${this.name} visible`, () => {
      for (const listener of this.listeners) listener();
    });
  }
}

/** SQS's JSON protocol for what functions call (SendMessage, SendMessageBatch, ReceiveMessage, DeleteMessageBatch, GetQueueAttributes). */
export class SqsService implements AwsService {
  readonly signingName = 'sqs';
  readonly queues: Queue[];

  constructor(deployment: Deployment, timeline: Timeline) {
    this.queues = deployment.resources('AWS::SQS::Queue').map((resource) => {
      const redrive = resource.props['RedrivePolicy'] as { deadLetterTargetArn: string; maxReceiveCount: number } | undefined;
      return new Queue(
        resource.physical.attributes['QueueName'] ?? '',
        resource.physical.attributes['Arn'] ?? '',
        resource.physical.ref,
        Number(resource.props['VisibilityTimeout'] ?? 30),
        Number(resource.props['DelaySeconds'] ?? 0),
        redrive ? { deadLetterTargetArn: String(redrive.deadLetterTargetArn), maxReceiveCount: Number(redrive.maxReceiveCount) } : undefined,
        timeline,
      );
    });
  }

  byArn(arn: string): Queue | undefined {
    return this.queues.find((queue) => queue.arn === arn);
  }

  async handle(request: ServiceRequest): Promise<ServiceResponse> {
    const { operation, input } = readTarget(request);
    const queue = this.queues.find((candidate) => candidate.url === input['QueueUrl'] || candidate.name === input['QueueName']);
    if (!queue) return queryError(400, 'AWS.SimpleQueueService.NonExistentQueue', `The specified queue does not exist: ${String(input['QueueUrl'] ?? input['QueueName'])}`);
    const action = `sqs:${operation === 'DeleteMessageBatch' ? 'DeleteMessage' : operation}`;
    if (!(await request.authorize(action, queue.arn))) return queryError(400, 'AccessDenied', deniedMessage(request.identity, action, queue.arn));
    switch (operation) {
      case 'SendMessage': {
        const body = textOf(input['MessageBody']);
        const message = queue.send(body, request.identity.principalArn, input['DelaySeconds'] as number | undefined, (input['MessageAttributes'] as Record<string, unknown>) ?? {});
        return json(200, { MessageId: message.id, MD5OfMessageBody: md5(body) });
      }
      case 'SendMessageBatch': {
        const entries = (input['Entries'] as Array<{ Id: string; MessageBody: string; DelaySeconds?: number }>) ?? [];
        const successful = entries.map((entry) => ({ Id: entry.Id, MessageId: queue.send(entry.MessageBody, request.identity.principalArn, entry.DelaySeconds).id, MD5OfMessageBody: md5(entry.MessageBody) }));
        return json(200, { Successful: successful, Failed: [] });
      }
      case 'ReceiveMessage': {
        const messages = queue.receive(Math.min(10, Number(input['MaxNumberOfMessages'] ?? 1)), input['VisibilityTimeout'] as number | undefined);
        return json(200, { Messages: messages.map((message) => ({ MessageId: message.id, ReceiptHandle: receiptOf(message), MD5OfBody: md5(message.body), Body: message.body, MessageAttributes: messageAttributes(message.attributes) })) });
      }
      case 'DeleteMessageBatch': {
        const entries = (input['Entries'] as Array<{ Id: string; ReceiptHandle: string }>) ?? [];
        for (const entry of entries) queue.delete(entry.ReceiptHandle.split('#')[0] ?? '');
        return json(200, { Successful: entries.map((entry) => ({ Id: entry.Id })), Failed: [] });
      }
      case 'GetQueueUrl':
        return json(200, { QueueUrl: queue.url });
      case 'GetQueueAttributes': {
        const counts = queue.counts();
        return json(200, { Attributes: { QueueArn: queue.arn, ApproximateNumberOfMessages: String(counts.visible), ApproximateNumberOfMessagesNotVisible: String(counts.notVisible), ApproximateNumberOfMessagesDelayed: String(counts.delayed), VisibilityTimeout: String(queue.visibilityTimeoutSeconds) } });
      }
      default:
        return queryError(400, 'InvalidAction', `${operation} is not rehearsed`);
    }
  }
}

function receiptOf(message: Message): string {
  return `${message.id}#${message.receiveCount}`;
}

/** Attributes as ReceiveMessage answers them; Scheduler's dead letters carry plain strings. */
function messageAttributes(attributes: Record<string, unknown>): Record<string, { DataType: string; StringValue: string }> {
  return Object.fromEntries(
    Object.entries(attributes).map(([name, value]) => [name, typeof value === 'string' ? { DataType: 'String', StringValue: value } : (value as { DataType: string; StringValue: string })]),
  );
}

function md5(text: string): string {
  return createHash('md5').update(text).digest('hex');
}

function queryError(status: number, code: string, message: string): ServiceResponse {
  return json(status, { __type: `com.amazonaws.sqs#${code}`, message }, { 'x-amzn-query-error': `${code};Sender` });
}
