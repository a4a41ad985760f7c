import type { Identity } from '../identities';

/** One request to the rehearsal's AWS endpoint, signature checked, caller known. */
export interface ServiceRequest {
  method: string;
  url: URL;
  /** Path as sent (still URI-encoded). */
  rawPath: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
  identity: Identity;
  /** Asks IAM whether the caller may do `action` on `resource`; records the answer. */
  authorize(action: string, resource: string, context?: Record<string, string | string[]>): Promise<boolean>;
}

export interface ServiceResponse {
  status: number;
  headers?: Record<string, string>;
  body?: Buffer | string;
}

/** A service of the endpoint, named as in the SigV4 credential scope (`dynamodb`, `s3`, …). */
export interface AwsService {
  readonly signingName: string;
  handle(request: ServiceRequest): Promise<ServiceResponse>;
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}, contentType = 'application/x-amz-json-1.0'): ServiceResponse {
  return { status, headers: { 'content-type': contentType, ...headers }, body: JSON.stringify(body) };
}

/** The message AWS gives a denied identity-based call. */
export function deniedMessage(identity: Identity, action: string, resource: string): string {
  return `User: ${identity.principalArn} is not authorized to perform: ${action} on resource: ${resource} because no identity-based policy allows the ${action} action`;
}

export function xmlEscape(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

export function readTarget(request: ServiceRequest): { operation: string; input: Record<string, unknown> } {
  const target = String(request.headers['x-amz-target'] ?? '');
  const operation = target.slice(target.indexOf('.') + 1);
  const input = request.body.length > 0 ? (JSON.parse(request.body.toString('utf8')) as Record<string, unknown>) : {};
  return { operation, input };
}
