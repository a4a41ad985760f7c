import { NightshiftError } from '../../core/errors';
import {
  StorageAccessDeniedError,
  StorageFailedError,
  StorageMisconfiguredError,
  StorageThrottledError,
  StorageUnavailableError,
} from '../../core/storage/errors';

const throttlingNames = new Set([
  'ProvisionedThroughputExceededException',
  'ThrottlingException',
  'RequestLimitExceeded',
  'LimitExceededException',
]);
const networkCodes = new Set(['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE', 'ENOTFOUND', 'EAI_AGAIN']);

interface SdkErrorShape {
  name?: string;
  code?: string;
  $metadata?: { httpStatusCode?: number };
}

/** Turns an SDK (or network) failure into a Nightshift storage error, keeping it as `cause`. */
export function translateDynamoDbError(error: unknown, what: string): Error {
  if (error instanceof NightshiftError) return error;
  const shape = (typeof error === 'object' && error !== null ? error : {}) as SdkErrorShape;
  const name = shape.name ?? '';
  const status = shape.$metadata?.httpStatusCode;
  if (throttlingNames.has(name) || status === 429) return new StorageThrottledError(what, { cause: error });
  if (name === 'ResourceNotFoundException') return new StorageMisconfiguredError(what, { cause: error });
  if (name === 'AccessDeniedException' || name === 'UnrecognizedClientException' || status === 403) {
    return new StorageAccessDeniedError(what, { cause: error });
  }
  if (
    networkCodes.has(shape.code ?? '') ||
    name === 'TimeoutError' ||
    name === 'InternalServerError' ||
    name === 'ServiceUnavailable' ||
    (status !== undefined && status >= 500)
  ) {
    return new StorageUnavailableError(what, { cause: error });
  }
  return new StorageFailedError(what, { cause: error });
}

export function isConditionalCheckFailure(error: unknown): error is { name: string; Item?: Record<string, unknown> } {
  return typeof error === 'object' && error !== null && (error as { name?: string }).name === 'ConditionalCheckFailedException';
}

export interface CancellationReason {
  Code?: string;
  Item?: Record<string, unknown>;
}

/** The per-item reasons of a cancelled transaction, or undefined for any other error. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ((error as { name?: string }).name !== 'TransactionCanceledException') return undefined;
  return ((error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? []) as CancellationReason[];
}
