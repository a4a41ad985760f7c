import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** A SigV4-signed request as the endpoint received it. */
export interface SignedRequest {
  method: string;
  /** Path and query exactly as sent. */
  url: string;
  headers: Record<string, string | string[] | undefined>;
  body: Buffer;
}

export interface Signature {
  accessKeyId: string;
  date: string;
  region: string;
  service: string;
  signedHeaders: string[];
  signature: string;
  amzDate: string;
  securityToken: string | undefined;
  presigned: boolean;
  /** Presigned URLs: when the link stops working, as Unix ms. */
  expiresAt?: number;
}

export class SignatureError extends Error {
  constructor(
    readonly code: 'MissingAuthenticationToken' | 'IncompleteSignature' | 'SignatureDoesNotMatch' | 'ExpiredToken' | 'AccessDenied',
    message: string,
  ) {
    super(message);
  }
}

/** Reads the credential scope from the Authorization header or a presigned URL's query. */
export function parseSignature(request: SignedRequest): Signature {
  const query = new URL(request.url, 'http://endpoint').searchParams;
  const authorization = header(request, 'authorization');
  if (authorization) {
    const match = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request,\s*SignedHeaders=([^,]+),\s*Signature=([0-9a-f]+)$/.exec(authorization.trim());
    if (!match) throw new SignatureError('IncompleteSignature', 'the Authorization header is not AWS4-HMAC-SHA256');
    const [, accessKeyId = '', date = '', region = '', service = '', signedHeaders = '', signature = ''] = match;
    return { accessKeyId, date, region, service, signedHeaders: signedHeaders.split(';'), signature, amzDate: header(request, 'x-amz-date') ?? '', securityToken: header(request, 'x-amz-security-token'), presigned: false };
  }
  const credential = query.get('X-Amz-Credential');
  if (!credential) throw new SignatureError('MissingAuthenticationToken', 'the request is not signed');
  const [accessKeyId = '', date = '', region = '', service = ''] = credential.split('/');
  const amzDate = query.get('X-Amz-Date') ?? '';
  return {
    accessKeyId,
    date,
    region,
    service,
    signedHeaders: (query.get('X-Amz-SignedHeaders') ?? 'host').split(';'),
    signature: query.get('X-Amz-Signature') ?? '',
    amzDate,
    securityToken: query.get('X-Amz-Security-Token') ?? undefined,
    presigned: true,
    expiresAt: parseAmzDate(amzDate) + Number(query.get('X-Amz-Expires') ?? '0') * 1000,
  };
}

/** Recomputes the signature with the caller's secret, as AWS does before anything else. */
export function verifySignature(request: SignedRequest, signature: Signature, secretAccessKey: string): void {
  const expected = computeSignature(request, signature, secretAccessKey);
  const given = Buffer.from(signature.signature, 'hex');
  const wanted = Buffer.from(expected, 'hex');
  if (given.length !== wanted.length || !timingSafeEqual(given, wanted)) {
    throw new SignatureError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided.');
  }
}

function computeSignature(request: SignedRequest, signature: Signature, secretAccessKey: string): string {
  const url = new URL(request.url, 'http://endpoint');
  const path = signature.service === 's3' ? url.pathname : url.pathname.split('/').map((segment) => rfc3986(segment)).join('/');
  const pairs = rawQueryPairs(request.url).filter(([key]) => !(signature.presigned && key === 'X-Amz-Signature'));
  const canonicalQuery = pairs
    .map(([key, value]) => [rfc3986(key), rfc3986(value)] as const)
    .sort(([a, av], [b, bv]) => (a < b ? -1 : a > b ? 1 : av < bv ? -1 : av > bv ? 1 : 0))
    .map(([key, value]) => `${key}=${value}`)
    .join('&');
  const canonicalHeaders = signature.signedHeaders.map((name) => `${name}:${(header(request, name) ?? '').trim().replace(/\s+/g, ' ')}\n`).join('');
  const payloadHash = signature.presigned ? 'UNSIGNED-PAYLOAD' : payloadHashOf(request);
  const canonicalRequest = [request.method, path, canonicalQuery, canonicalHeaders, signature.signedHeaders.join(';'), payloadHash].join('\n');
  const scope = `${signature.date}/${signature.region}/${signature.service}/aws4_request`;
  const stringToSign = ['AWS4-HMAC-SHA256', signature.amzDate, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  let key: Buffer = hmac(`AWS4${secretAccessKey}`, signature.date);
  for (const part of [signature.region, signature.service, 'aws4_request']) key = hmac(key, part);
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

/** The body's hash; a declared x-amz-content-sha256 must be that hash unless it says the payload is unsigned or streamed. */
function payloadHashOf(request: SignedRequest): string {
  const actual = createHash('sha256').update(request.body).digest('hex');
  const declared = header(request, 'x-amz-content-sha256');
  if (declared === undefined || declared === 'UNSIGNED-PAYLOAD' || declared.startsWith('STREAMING-')) return declared ?? actual;
  if (declared !== actual) throw new SignatureError('SignatureDoesNotMatch', 'The provided x-amz-content-sha256 header does not match what was computed.');
  return declared;
}

function hmac(key: string | Buffer, data: string): Buffer {
  return createHmac('sha256', key).update(data).digest();
}

function rawQueryPairs(url: string): Array<[string, string]> {
  const query = url.includes('?') ? url.slice(url.indexOf('?') + 1) : '';
  if (query === '') return [];
  return query.split('&').map((part) => {
    const index = part.indexOf('=');
    const key = index < 0 ? part : part.slice(0, index);
    const value = index < 0 ? '' : part.slice(index + 1);
    return [decodeURIComponent(key), decodeURIComponent(value)];
  });
}

function rfc3986(text: string): string {
  return encodeURIComponent(text).replace(/[!'()*]/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`);
}

export function header(request: { headers: Record<string, string | string[] | undefined> }, name: string): string | undefined {
  const value = request.headers[name.toLowerCase()];
  return Array.isArray(value) ? value.join(',') : value;
}

/** `20261203T000447Z` → Unix ms. */
export function parseAmzDate(text: string): number {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (!match) return Number.NaN;
  const [, y, mo, d, h, mi, s] = match.map(Number) as [number, number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}
