import type { LambdaService } from '../lambda-service';
import { deniedMessage, json, type AwsService, type ServiceRequest, type ServiceResponse } from './service';

/** Lambda's Invoke API: `Event` queues the event (202), `RequestResponse` answers with the result. */
export class LambdaApiService implements AwsService {
  readonly signingName = 'lambda';

  constructor(private readonly lambda: LambdaService) {}

  async handle(request: ServiceRequest): Promise<ServiceResponse> {
    const match = /^\/2015-03-31\/functions\/([^/]+)\/invocations$/.exec(request.rawPath);
    if (!match || request.method !== 'POST') return error(400, 'InvalidRequestContentException', `${request.method} ${request.rawPath} is not rehearsed`);
    const reference = decodeURIComponent(match[1] ?? '');
    const fn = this.lambda.find(reference);
    if (!fn) return error(404, 'ResourceNotFoundException', `Function not found: ${reference}`);
    if (!(await request.authorize('lambda:InvokeFunction', fn.arn))) return error(403, 'AccessDeniedException', deniedMessage(request.identity, 'lambda:InvokeFunction', fn.arn));
    const fault = this.lambda.faultFor(fn);
    if (fault) return error(429, fault, 'Rate Exceeded.');
    const payload = request.body.length > 0 ? (JSON.parse(request.body.toString('utf8')) as unknown) : {};
    const type = String(request.headers['x-amz-invocation-type'] ?? 'RequestResponse');
    if (type === 'DryRun') return { status: 204 };
    if (type === 'Event') {
      this.lambda.invokeAsync(fn, payload, `lambda:InvokeFunction by ${request.identity.name}`);
      return { status: 202, headers: { 'x-amzn-requestid': crypto.randomUUID() } };
    }
    const outcome = await this.lambda.invokeSync(fn, payload, `lambda:InvokeFunction by ${request.identity.name}`);
    if (outcome.ok) return json(200, outcome.payload, { 'x-amz-executed-version': '$LATEST' }, 'application/json');
    if (outcome.kind === 'throttled') return error(429, 'TooManyRequestsException', outcome.errorMessage);
    return json(200, { errorType: outcome.errorType, errorMessage: outcome.errorMessage }, { 'x-amz-function-error': 'Unhandled', 'x-amz-executed-version': '$LATEST' }, 'application/json');
  }
}

function error(status: number, type: string, message: string): ServiceResponse {
  return json(status, { Type: 'User', message }, { 'x-amzn-errortype': type }, 'application/json');
}
