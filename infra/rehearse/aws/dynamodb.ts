import { deniedMessage, json, readTarget, type AwsService, type ServiceRequest, type ServiceResponse } from './service';
import { textOf } from '../resources';

/**
 * DynamoDB: each operation's IAM actions and resources (per table, per index, per transaction
 * item, as IAM evaluates them), then the request as sent to DynamoDB Local.
 */
export class DynamoDbService implements AwsService {
  readonly signingName = 'dynamodb';

  constructor(
    private readonly localEndpoint: string,
    private readonly tableArn: (table: string) => string,
    /** The table's partition key attribute, from the template's KeySchema. */
    private readonly hashKeyOf: (table: string) => string | undefined,
  ) {}

  async handle(request: ServiceRequest): Promise<ServiceResponse> {
    const { operation, input } = readTarget(request);
    for (const { action, resource, context } of this.permissionsFor(operation, input)) {
      if (!(await request.authorize(action, resource, context))) {
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

  /**
   * The IAM actions and resources of one request, each with `dynamodb:LeadingKeys` (the partition
   * key values it touches) where IAM sets it, so a LeadingKeys condition is judged as in AWS.
   */
  permissionsFor(operation: string, input: Record<string, unknown>): Permission[] {
    const table = (name: unknown, index?: unknown): string => (index ? `${this.tableArn(textOf(name))}/index/${textOf(index)}` : this.tableArn(textOf(name)));
    const keysOf = (name: string, items: Array<Record<string, AttributeValue> | undefined>): string[] => {
      const hashKey = this.hashKeyOf(name);
      return items.flatMap((item) => (hashKey && item?.[hashKey] ? [scalar(item[hashKey])] : []));
    };
    switch (operation) {
      case 'BatchGetItem':
        return Object.entries((input['RequestItems'] as Record<string, { Keys?: Array<Record<string, AttributeValue>> }>) ?? {}).map(([name, request]) =>
          withKeys({ action: 'dynamodb:BatchGetItem', resource: table(name) }, keysOf(name, request.Keys ?? [])),
        );
      case 'BatchWriteItem':
        return Object.entries((input['RequestItems'] as Record<string, Array<{ PutRequest?: { Item: Record<string, AttributeValue> }; DeleteRequest?: { Key: Record<string, AttributeValue> } }>>) ?? {}).map(([name, requests]) =>
          withKeys({ action: 'dynamodb:BatchWriteItem', resource: table(name) }, keysOf(name, requests.map((request) => request.PutRequest?.Item ?? request.DeleteRequest?.Key))),
        );
      case 'TransactWriteItems':
        return ((input['TransactItems'] as Array<Record<string, { TableName: string; Item?: Record<string, AttributeValue>; Key?: Record<string, AttributeValue> }>>) ?? []).flatMap((item) =>
          Object.entries(item).map(([kind, spec]) =>
            withKeys({ action: `dynamodb:${kind === 'ConditionCheck' ? 'ConditionCheckItem' : `${kind}Item`}`, resource: table(spec.TableName) }, keysOf(spec.TableName, [spec.Item ?? spec.Key])),
          ),
        );
      case 'TransactGetItems':
        return ((input['TransactItems'] as Array<{ Get: { TableName: string; Key: Record<string, AttributeValue> } }>) ?? []).map((item) =>
          withKeys({ action: 'dynamodb:GetItem', resource: table(item.Get.TableName) }, keysOf(item.Get.TableName, [item.Get.Key])),
        );
      case 'Query':
        return [withKeys({ action: 'dynamodb:Query', resource: table(input['TableName'], input['IndexName']) }, input['IndexName'] ? [] : queriedPartition(input, this.hashKeyOf(String(input['TableName']))))];
      case 'Scan':
        return [{ action: 'dynamodb:Scan', resource: table(input['TableName'], input['IndexName']) }];
      case 'ListTables':
        return [{ action: 'dynamodb:ListTables', resource: '*' }];
      case 'PutItem':
        return [withKeys({ action: 'dynamodb:PutItem', resource: table(input['TableName']) }, keysOf(String(input['TableName']), [input['Item'] as Record<string, AttributeValue>]))];
      default: {
        const key = input['Key'] as Record<string, AttributeValue> | undefined;
        return [withKeys({ action: `dynamodb:${operation}`, resource: table(input['TableName']) }, key ? keysOf(String(input['TableName']), [key]) : [])];
      }
    }
  }
}

type AttributeValue = { S?: string; N?: string; B?: string };

export interface Permission {
  action: string;
  resource: string;
  context?: Record<string, string[]>;
}

function withKeys(permission: Permission, keys: string[]): Permission {
  return keys.length === 0 ? permission : { ...permission, context: { 'dynamodb:LeadingKeys': [...new Set(keys)] } };
}

function scalar(value: AttributeValue): string {
  return value.S ?? value.N ?? value.B ?? '';
}

/** `pk = :pk` (or `#pk = :pk`) in a Query's key condition → the partition value it reads. */
function queriedPartition(input: Record<string, unknown>, hashKey: string | undefined): string[] {
  const condition = textOf(input['KeyConditionExpression']);
  const names = (input['ExpressionAttributeNames'] as Record<string, string> | undefined) ?? {};
  const values = (input['ExpressionAttributeValues'] as Record<string, AttributeValue> | undefined) ?? {};
  for (const match of condition.matchAll(/(#?[A-Za-z0-9_]+)\s*=\s*(:[A-Za-z0-9_]+)/g)) {
    const name = match[1]?.startsWith('#') ? names[match[1]] : match[1];
    const value = values[match[2] ?? ''];
    if (name === hashKey && value) return [scalar(value)];
  }
  return [];
}
