import { deniedMessage, json, readTarget, type AwsService, type ServiceRequest, type ServiceResponse } from './service';

/**
 * DynamoDB: each operation's IAM actions and resources (per table, per index, per transaction
 * item, as IAM evaluates them), then the request as sent to DynamoDB Local.
 */
export class DynamoDbService implements AwsService {
  readonly signingName = 'dynamodb';

  constructor(
    private readonly localEndpoint: string,
    private readonly tableArn: (table: string) => string,
  ) {}

  async handle(request: ServiceRequest): Promise<ServiceResponse> {
    const { operation, input } = readTarget(request);
    for (const { action, resource } of this.permissionsFor(operation, input)) {
      if (!(await request.authorize(action, resource))) {
        return json(400, { __type: 'com.amazon.coral.service#AccessDeniedException', message: deniedMessage(request.identity, action, resource) });
      }
    }
    const answer = await fetch(this.localEndpoint, {
      method: 'POST',
      headers: {
        'content-type': String(request.headers['content-type'] ?? 'application/x-amz-json-1.0'),
        'x-amz-target': String(request.headers['x-amz-target'] ?? ''),
        authorization: String(request.headers['authorization'] ?? ''),
        'x-amz-date': String(request.headers['x-amz-date'] ?? ''),
      },
      body: new Uint8Array(request.body),
    });
    const headers: Record<string, string> = {};
    answer.headers.forEach((value, key) => {
      if (key !== 'content-length' && key !== 'transfer-encoding' && key !== 'connection') headers[key] = value;
    });
    return { status: answer.status, headers, body: Buffer.from(await answer.arrayBuffer()) };
  }

  permissionsFor(operation: string, input: Record<string, unknown>): Array<{ action: string; resource: string }> {
    const table = (name: unknown, index?: unknown): string => (index ? `${this.tableArn(String(name))}/index/${String(index)}` : this.tableArn(String(name)));
    switch (operation) {
      case 'BatchGetItem':
      case 'BatchWriteItem':
        return Object.keys((input['RequestItems'] as Record<string, unknown>) ?? {}).map((name) => ({ action: `dynamodb:${operation}`, resource: table(name) }));
      case 'TransactWriteItems':
        return ((input['TransactItems'] as Array<Record<string, { TableName: string }>>) ?? []).flatMap((item) =>
          Object.entries(item).map(([kind, spec]) => ({ action: `dynamodb:${kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`}`, resource: table(spec.TableName) })),
        );
      case 'TransactGetItems':
        return ((input['TransactItems'] as Array<{ Get: { TableName: string } }>) ?? []).map((item) => ({ action: 'dynamodb:GetItem', resource: table(item.Get.TableName) }));
      case 'Query':
      case 'Scan':
        return [{ action: `dynamodb:${operation}`, resource: table(input['TableName'], input['IndexName']) }];
      case 'ListTables':
        return [{ action: 'dynamodb:ListTables', resource: '*' }];
      default:
        return [{ action: `dynamodb:${operation}`, resource: table(input['TableName']) }];
    }
  }
}
