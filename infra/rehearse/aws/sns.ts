import { randomUUID } from 'node:crypto';
import type { Deployment } from '../deployment';
import { xmlEscape, type AwsService, type ServiceRequest, type ServiceResponse } from './service';

export interface Publication {
  topicArn: string;
  subject: string | undefined;
  message: string;
  publisher: string;
  at: number;
}

/**
 * SNS Publish (query protocol). A topic under a customer-managed key also needs the publisher's
 * kms:GenerateDataKey* and kms:Decrypt on that key, which SNS asks KMS for on the caller's behalf.
 */
export class SnsService implements AwsService {
  readonly signingName = 'sns';
  readonly publications: Publication[] = [];
  private readonly topics: Array<{ arn: string; keyArn: string | undefined }>;

  constructor(
    deployment: Deployment,
    private readonly now: () => number,
    private readonly region: string,
  ) {
    const keyArnOf = (reference: string): string | undefined => {
      if (reference.startsWith('arn:')) return reference;
      return deployment.resources('AWS::KMS::Key').find((key) => key.physical.ref === reference)?.physical.attributes['Arn'];
    };
    this.topics = deployment.resources('AWS::SNS::Topic').map((topic) => {
      const key = topic.props['KmsMasterKeyId'];
      // alias/aws/sns is the AWS-managed key: its policy lets any principal of the account use it through SNS.
      return { arn: topic.physical.ref, keyArn: typeof key === 'string' && !key.startsWith('alias/aws/') ? keyArnOf(key) : undefined };
    });
  }

  topic(arn: string): { arn: string; keyArn: string | undefined } | undefined {
    return this.topics.find((topic) => topic.arn === arn);
  }

  /**
   * A publication by an AWS service (CloudWatch alarm actions): the topic's policy and its key's
   * policy must let that service principal in, which `authorize` checks.
   */
  async publishFromService(topicArn: string, subject: string, message: string, publisher: string, authorize: (action: string, resource: string) => Promise<boolean>): Promise<string | undefined> {
    const topic = this.topic(topicArn);
    if (!topic) return `no topic ${topicArn}`;
    if (!(await authorize('sns:Publish', topic.arn))) return 'sns:Publish denied';
    if (topic.keyArn) {
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) if (!(await authorize(action, topic.keyArn))) return `${action} on the topic's key denied`;
    }
    this.publications.push({ topicArn, subject, message, publisher, at: this.now() });
    return undefined;
  }

  async handle(request: ServiceRequest): Promise<ServiceResponse> {
    const form = new URLSearchParams(request.body.toString('utf8'));
    const operation = form.get('Action') ?? '';
    const topicArn = form.get('TopicArn') ?? '';
    const topic = this.topic(topicArn);
    if (operation !== 'Publish') return error(400, 'InvalidAction', `${operation} is not rehearsed`);
    if (!topic) return error(404, 'NotFound', `Topic does not exist: ${topicArn}`);
    if (!(await request.authorize('sns:Publish', topic.arn))) return error(403, 'AuthorizationError', `User: ${request.identity.principalArn} is not authorized to perform: SNS:Publish on resource: ${topic.arn}`);
    if (topic.keyArn) {
      for (const action of ['kms:GenerateDataKey', 'kms:Decrypt']) {
        if (!(await request.authorize(action, topic.keyArn, { 'kms:ViaService': `sns.${this.region}.amazonaws.com` }))) {
          return error(400, 'KMSAccessDenied', `User: ${request.identity.principalArn} is not authorized to perform: ${action} on the topic's key ${topic.keyArn}`);
        }
      }
    }
    this.publications.push({ topicArn, subject: form.get('Subject') ?? undefined, message: form.get('Message') ?? '', publisher: request.identity.name, at: this.now() });
    const id = randomUUID();
    return {
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<PublishResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><PublishResult><MessageId>${id}</MessageId></PublishResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></PublishResponse>`,
    };
  }
}

function error(status: number, code: string, message: string): ServiceResponse {
  return {
    status,
    headers: { 'content-type': 'text/xml' },
    body: `<ErrorResponse xmlns="http://sns.amazonaws.com/doc/2010-03-31/"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xmlEscape(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  };
}
