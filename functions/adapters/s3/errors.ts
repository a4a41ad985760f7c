import { NightshiftError } from '../../core/errors';
import {
  ArtifactNotFoundError,
  StorageAccessDeniedError,
  StorageFailedError,
  StorageMisconfiguredError,
  StorageThrottledError,
  StorageUnavailableError,
} from '../../core/storage/errors';

const NOT_FOUND = new Set(['NoSuchKey', 'NotFound', 'NoSuchVersion']);
const MISCONFIGURED = new Set(['NoSuchBucket', 'PermanentRedirect', 'AuthorizationHeaderMalformed', 'InvalidBucketName']);
const ACCESS_DENIED = new Set([
  'AccessDenied',
  'Forbidden',
  'InvalidAccessKeyId',
  'SignatureDoesNotMatch',
  'ExpiredToken',
  'InvalidToken',
  'AllAccessDisabled',
  'CredentialsProviderError',
]);
const THROTTLED = new Set(['SlowDown', 'Throttling', 'ThrottlingException', 'TooManyRequestsException', 'RequestLimitExceeded']);
const UNAVAILABLE = new Set([
  'TimeoutError',
  'RequestTimeout',
  'RequestTimeoutException',
  'NetworkingError',
  'InternalError',
  'ServiceUnavailable',
]);
/** Node socket and DNS failures: the endpoint is down or unreachable, not the request wrong. */
const NETWORK_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EAI_AGAIN',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'ENETDOWN',
  'UND_ERR_SOCKET',
  'UND_ERR_CONNECT_TIMEOUT',
]);

interface ErrorFacts {
  name: string | undefined;
  status: number | undefined;
  codes: string[];
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

/** The name, HTTP status and system error codes of an error, its cause and aggregated errors. */
function factsOf(error: unknown): ErrorFacts {
  const codes: string[] = [];
  const visit = (value: unknown, depth: number): void => {
    if (!isObject(value) || depth > 3) return;
    if (typeof value.code === 'string') codes.push(value.code);
    if (Array.isArray(value.errors)) value.errors.forEach((inner) => visit(inner, depth + 1));
    visit(value.cause, depth + 1);
  };
  visit(error, 0);
  if (!isObject(error)) return { name: undefined, status: undefined, codes };
  const metadata = error.$metadata;
  const status = isObject(metadata) && typeof metadata.httpStatusCode === 'number' ? metadata.httpStatusCode : undefined;
  // The SDK puts the S3 error code in `name`; `Code` appears on errors it could not model.
  const name = typeof error.name === 'string' && error.name !== 'Error' ? error.name : typeof error.Code === 'string' ? error.Code : undefined;
  return { name, status, codes };
}

/**
 * Maps an S3 (or network) failure to the Nightshift storage error that says what went wrong,
 * keeping the original as `cause`. `key` is the object involved, when there is one: only then can
 * a 404 mean "no such artifact" rather than a missing bucket.
 */
export function translateS3Error(error: unknown, what: string, key?: string): Error {
  if (error instanceof NightshiftError) return error;
  // The caller gave up (deadline, shutdown): that is their decision to report, not a storage fault.
  if (error instanceof Error && error.name === 'AbortError') return error;

  const { name, status, codes } = factsOf(error);
  const options = { cause: error };
  if (name !== undefined && MISCONFIGURED.has(name)) return new StorageMisconfiguredError(what, options);
  if ((name !== undefined && NOT_FOUND.has(name)) || status === 404) {
    return key === undefined ? new StorageMisconfiguredError(what, options) : new ArtifactNotFoundError(key, options);
  }
  if ((name !== undefined && ACCESS_DENIED.has(name)) || status === 403) return new StorageAccessDeniedError(what, options);
  if ((name !== undefined && THROTTLED.has(name)) || status === 503 || status === 429) {
    return new StorageThrottledError(what, options);
  }
  if (
    (name !== undefined && UNAVAILABLE.has(name)) ||
    codes.some((code) => NETWORK_CODES.has(code)) ||
    status === 500 ||
    status === 502 ||
    status === 504
  ) {
    return new StorageUnavailableError(what, options);
  }
  const detail = name ?? (error instanceof Error ? error.message : String(error));
  return new StorageFailedError(status === undefined ? `${what} (${detail})` : `${what} (${detail}, HTTP ${status})`, options);
}
