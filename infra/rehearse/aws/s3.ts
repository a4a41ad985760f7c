import { header } from '../sigv4';
import { xmlEscape, type AwsService, type ServiceRequest, type ServiceResponse } from './service';

/**
 * S3 (path style): the IAM action of each REST call (GetObject, ListBucket with its prefix,
 * PutObject for every part of a multipart upload, …), then the request forwarded to the S3
 * emulator unsigned, with aws-chunked bodies (streamed uploads with trailing checksums) decoded
 * as S3 decodes them.
 */
export class S3Service implements AwsService {
  readonly signingName = 's3';

  constructor(private readonly localEndpoint: string) {}

  async handle(request: ServiceRequest): Promise<ServiceResponse> {
    const segments = request.rawPath.replace(/^\//, '').split('/');
    const bucket = decodeURIComponent(segments[0] ?? '');
    const key = segments.slice(1).map(decodeURIComponent).join('/');
    const query = request.url.searchParams;
    const { action, resource, context } = this.permissionFor(request.method, bucket, key, query, request.headers);
    if (!(await request.authorize(action, resource, context))) return accessDenied(request.identity.principalArn, action, resource);
    const answer = await this.forward(request);
    // Without s3:ListBucket, S3 answers a missing key with 403, not 404: it will not say what is absent.
    if (answer.status === 404 && (action === 's3:GetObject') && !(await request.authorize('s3:ListBucket', `arn:aws:s3:::${bucket}`, { 's3:prefix': key }))) {
      return accessDenied(request.identity.principalArn, action, resource);
    }
    return answer;
  }

  permissionFor(method: string, bucket: string, key: string, query: URLSearchParams, headers: ServiceRequest['headers']): { action: string; resource: string; context: Record<string, string> } {
    const bucketArn = `arn:aws:s3:::${bucket}`;
    const objectArn = `${bucketArn}/${key}`;
    if (key === '') {
      if (method === 'GET' && query.has('uploads')) return { action: 's3:ListBucketMultipartUploads', resource: bucketArn, context: {} };
      if (method === 'GET' || method === 'HEAD') return { action: 's3:ListBucket', resource: bucketArn, context: { 's3:prefix': query.get('prefix') ?? '' } };
      if (method === 'POST' && query.has('delete')) return { action: 's3:DeleteObject', resource: `${bucketArn}/*`, context: {} };
      if (method === 'PUT') return { action: 's3:CreateBucket', resource: bucketArn, context: {} };
      return { action: 's3:DeleteBucket', resource: bucketArn, context: {} };
    }
    if (method === 'GET' || method === 'HEAD') return { action: query.has('uploadId') ? 's3:ListMultipartUploadParts' : 's3:GetObject', resource: objectArn, context: {} };
    if (method === 'DELETE') return { action: query.has('uploadId') ? 's3:AbortMultipartUpload' : 's3:DeleteObject', resource: objectArn, context: {} };
    if (method === 'PUT' && header({ headers }, 'x-amz-copy-source')) return { action: 's3:PutObject', resource: objectArn, context: {} };
    return { action: 's3:PutObject', resource: objectArn, context: {} };
  }

  private async forward(request: ServiceRequest): Promise<ServiceResponse> {
    const query = new URLSearchParams(request.url.searchParams);
    for (const name of [...query.keys()]) if (name.startsWith('X-Amz-') || name === 'x-id' || name === 'x-amz-checksum-mode') query.delete(name);
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) {
      if (value === undefined || name === 'host' || name === 'authorization' || name === 'connection' || name.startsWith('x-amz-security') || name === 'content-length') continue;
      headers[name] = Array.isArray(value) ? value.join(',') : value;
    }
    let body: Buffer | undefined = request.method === 'GET' || request.method === 'HEAD' ? undefined : request.body;
    if (body && (headers['content-encoding']?.includes('aws-chunked') || headers['x-amz-content-sha256']?.startsWith('STREAMING-'))) {
      body = decodeAwsChunked(body);
      headers['content-encoding'] = (headers['content-encoding'] ?? '').split(',').map((part) => part.trim()).filter((part) => part !== 'aws-chunked' && part !== '').join(',');
      if (headers['content-encoding'] === '') delete headers['content-encoding'];
      delete headers['x-amz-decoded-content-length'];
      delete headers['x-amz-trailer'];
    }
    delete headers['x-amz-content-sha256'];
    const search = query.toString();
    const answer = await fetch(`${this.localEndpoint}${request.rawPath}${search ? `?${search}` : ''}`, { method: request.method, headers, ...(body ? { body: new Uint8Array(body) } : {}) });
    const responseHeaders: Record<string, string> = {};
    answer.headers.forEach((value, name) => {
      if (name !== 'content-length' && name !== 'transfer-encoding' && name !== 'connection' && name !== 'content-encoding') responseHeaders[name] = value;
    });
    return { status: answer.status, headers: responseHeaders, body: Buffer.from(await answer.arrayBuffer()) };
  }
}

/** `size[;chunk-signature=…]\r\n data \r\n … 0\r\n trailers \r\n\r\n` → data. */
export function decodeAwsChunked(body: Buffer): Buffer {
  const parts: Buffer[] = [];
  let offset = 0;
  while (offset < body.length) {
    const lineEnd = body.indexOf('\r\n', offset);
    if (lineEnd < 0) break;
    const size = Number.parseInt(body.subarray(offset, lineEnd).toString('ascii').split(';')[0] ?? '0', 16);
    offset = lineEnd + 2;
    if (!size) break;
    parts.push(body.subarray(offset, offset + size));
    offset += size + 2;
  }
  return Buffer.concat(parts);
}

function accessDenied(principal: string, action: string, resource: string): ServiceResponse {
  return {
    status: 403,
    headers: { 'content-type': 'application/xml' },
    body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>AccessDenied</Code><Message>User: ${xmlEscape(principal)} is not authorized to perform: ${action} on resource: "${xmlEscape(resource)}" because no identity-based policy allows the ${action} action</Message></Error>`,
  };
}
