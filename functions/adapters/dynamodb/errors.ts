import type { AttributeValue } from '@aws-sdk/client-dynamodb';
import { unmarshall } from '@aws-sdk/util-dynamodb';
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

const attributeValueTags = new Set(['S', 'N', 'B', 'SS', 'NS', 'BS', 'M', 'L', 'NULL', 'BOOL']);

/**
 * The item a failed condition sent back (`ReturnValuesOnConditionCheckFailure: 'ALL_OLD'`) as plain
 * values. The document client unmarshalls outputs but not errors: on a `ConditionalCheckFailedException`
 * or a transaction's cancellation reasons the item still has AttributeValue form (`{ S: 'running' }`).
 */
export function conditionFailureItem(failure: { Item?: Record<string, unknown> }): Record<string, unknown> | undefined {
  const item = failure.Item;
  if (!item) return undefined;
  const marshalled = Object.values(item).every((value) => {
    if (typeof value !== 'object' || value === null) return false;
    const tags = Object.keys(value);
    return tags.length === 1 && attributeValueTags.has(tags[0] ?? '');
  });
  return marshalled ? unmarshall(item as Record<string, AttributeValue>) : item;
}

/** The per-item reasons of a cancelled transaction (items as plain values), or undefined for any other error. */
export function cancellationReasons(error: unknown): CancellationReason[] | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  if ((error as { name?: string }).name !== 'TransactionCanceledException') return undefined;
  const reasons = (error as { CancellationReasons?: CancellationReason[] }).CancellationReasons ?? [];
  return reasons.map((reason) => (reason.Item ? { ...reason, Item: conditionFailureItem(reason) } : reason));
}
