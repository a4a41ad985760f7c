import { randomBytes, randomUUID } from 'node:crypto';
import type { Deployment } from '../deployment';
import { deniedMessage, json, readTarget, type AwsService, type ServiceRequest, type ServiceResponse } from './service';
import { textOf } from '../resources';

interface SecretVersion {
  id: string;
  value: string;
  createdAt: number;
}

/** Secrets Manager's JSON protocol for the secrets of the template (initial value from it). */
export class SecretsManagerService implements AwsService {
  readonly signingName = 'secretsmanager';
  private readonly secrets: Array<{ arn: string; name: string; versions: SecretVersion[] }>;

  constructor(
    deployment: Deployment,
    private readonly now: () => number,
  ) {
    this.secrets = deployment.resources('AWS::SecretsManager::Secret').map((secret) => {
      const arn = secret.physical.ref;
      const name = arn.split(':secret:')[1]?.replace(/-[A-Za-z0-9]{6}$/, '') ?? arn;
      const initial = typeof secret.props['SecretString'] === 'string' ? secret.props['SecretString'] : randomBytes(16).toString('hex');
      return { arn, name, versions: [{ id: randomUUID(), value: initial, createdAt: now() }] };
    });
  }

  async handle(request: ServiceRequest): Promise<ServiceResponse> {
    const { operation, input } = readTarget(request);
    const id = textOf(input['SecretId']);
    const secret = this.secrets.find((candidate) => candidate.arn === id || candidate.name === id || candidate.arn.startsWith(`${id}-`));
    if (!secret) return error('ResourceNotFoundException', "Secrets Manager can't find the specified secret.");
    const action = `secretsmanager:${operation}`;
    if (!(await request.authorize(action, secret.arn))) return error('AccessDeniedException', deniedMessage(request.identity, action, secret.arn));
    const current = secret.versions[secret.versions.length - 1] as SecretVersion;
    switch (operation) {
      case 'GetSecretValue':
        return json(200, { ARN: secret.arn, Name: secret.name, SecretString: current.value, VersionId: current.id, VersionStages: ['AWSCURRENT'], CreatedDate: current.createdAt / 1000 }, {}, 'application/x-amz-json-1.1');
      case 'PutSecretValue': {
        const version = { id: textOf(input['ClientRequestToken'], randomUUID()), value: textOf(input['SecretString']), createdAt: this.now() };
        secret.versions.push(version);
        return json(200, { ARN: secret.arn, Name: secret.name, VersionId: version.id, VersionStages: ['AWSCURRENT'] }, {}, 'application/x-amz-json-1.1');
      }
      case 'DescribeSecret':
        return json(200, { ARN: secret.arn, Name: secret.name }, {}, 'application/x-amz-json-1.1');
      default:
        return error('InvalidRequestException', `${operation} is not rehearsed`);
    }
  }
}

function error(type: string, message: string): ServiceResponse {
  return json(400, { __type: type, Message: message }, {}, 'application/x-amz-json-1.1');
}
