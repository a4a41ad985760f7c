import {
  ConditionalCheckFailedException,
  DynamoDBServiceException,
  ProvisionedThroughputExceededException,
  ResourceNotFoundException,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { DeleteCommand, DynamoDBDocumentClient, GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterEach, describe, expect, it } from 'vitest';
import { DynamoDbJobLedger } from '../../../functions/adapters/dynamodb/job-ledger';
import { DynamoDbLeaseStore } from '../../../functions/adapters/dynamodb/lease-store';
import { translateDynamoDbError } from '../../../functions/adapters/dynamodb/errors';
import { IllegalTransitionError, JobNotFoundError, LeaseLostError } from '../../../functions/core/jobs/errors';
import {
  StorageAccessDeniedError,
  StorageFailedError,
  StorageMisconfiguredError,
  StorageThrottledError,
  StorageUnavailableError,
} from '../../../functions/core/storage/errors';
import { FakeClock } from '../../helpers/clock';
import { newJob } from '../../helpers/jobs';

const documentClient = DynamoDBDocumentClient.from(new DynamoDBClient({ region: 'us-east-1', credentials: { accessKeyId: 'x', secretAccessKey: 'x' } }));
const mock = mockClient(documentClient);
afterEach(() => mock.reset());

const meta = (status: number) => ({ $metadata: { httpStatusCode: status } });
const serviceError = (name: string, status: number) =>
  new DynamoDBServiceException({ name, $fault: status >= 500 ? 'server' : 'client', message: name, ...meta(status) });

const CASES = [
  { kind: 'ProvisionedThroughputExceeded', error: () => new ProvisionedThroughputExceededException({ message: 'slow', ...meta(400) }), expected: StorageThrottledError },
  { kind: 'ThrottlingException', error: () => serviceError('ThrottlingException', 400), expected: StorageThrottledError },
  { kind: 'ResourceNotFound', error: () => new ResourceNotFoundException({ message: 'no table', ...meta(400) }), expected: StorageMisconfiguredError },
  { kind: 'AccessDenied', error: () => serviceError('AccessDeniedException', 400), expected: StorageAccessDeniedError },
  { kind: 'ECONNREFUSED', error: () => Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }), expected: StorageUnavailableError },
  { kind: 'InternalServerError 500', error: () => serviceError('InternalServerError', 500), expected: StorageUnavailableError },
  { kind: 'ValidationException', error: () => serviceError('ValidationException', 400), expected: StorageFailedError },
];

describe('translateDynamoDbError', () => {
  it.each(CASES)('turns $kind into a Nightshift storage error with the SDK error as cause', ({ error, expected }) => {
    // Prepare
    const original = error();

    // Act
    const translated = translateDynamoDbError(original, 'reading job 01');

    // Assess
    expect(translated).toBeInstanceOf(expected);
    expect(translated.cause).toBe(original);
    expect(translated.message).toContain('reading job 01');
  });
});

describe('DynamoDbJobLedger error translation', () => {
  const ledger = new DynamoDbJobLedger(documentClient, 'jobs', { clock: new FakeClock(), jobTypes: ['sweeper'] });

  it.each(CASES)('get: $kind becomes a storage error', async ({ error, expected }) => {
    // Prepare
    mock.on(GetCommand).rejects(error());

    // Act
    const result = ledger.get('01KXXXXXXXXXXXXXXXXXXXXXXX');

    // Assess
    await expect(result).rejects.toBeInstanceOf(expected);
  });

  it('list: a throttled query becomes StorageThrottledError', async () => {
    // Prepare
    mock.on(QueryCommand).rejects(new ProvisionedThroughputExceededException({ message: 'slow', ...meta(400) }));

    // Act
    const result = ledger.list({ type: 'sweeper', limit: 10 });

    // Assess
    await expect(result).rejects.toBeInstanceOf(StorageThrottledError);
  });

  it('transition: a failed condition with the old item becomes IllegalTransitionError naming the actual status', async () => {
    // Prepare
    mock.on(UpdateCommand).rejects(
      new ConditionalCheckFailedException({ message: 'no', ...meta(400), Item: { id: { S: 'J1' }, status: { S: 'succeeded' } } }),
    );

    // Act
    const result = ledger.transition({ id: 'J1', type: 'sweeper' }, ['queued'], 'running', {});

    // Assess
    await expect(result).rejects.toMatchObject({ constructor: IllegalTransitionError, actual: 'succeeded', code: 'illegal_transition' });
  });

  it('transition: a failed condition without an item becomes JobNotFoundError', async () => {
    // Prepare
    mock.on(UpdateCommand).rejects(new ConditionalCheckFailedException({ message: 'no', ...meta(400) }));

    // Act
    const result = ledger.transition({ id: 'J2', type: 'sweeper' }, ['queued'], 'running', {});

    // Assess
    await expect(result).rejects.toBeInstanceOf(JobNotFoundError);
  });

  it('claimPeriod: a transaction cancelled for a reason other than conflict becomes a storage error', async () => {
    // Prepare
    mock.on(TransactWriteCommand).rejects(
      new TransactionCanceledException({ message: 'cancelled', ...meta(400), CancellationReasons: [{ Code: 'ValidationError' }, { Code: 'None' }] }),
    );

    // Act
    const result = ledger.claimPeriod({ ...newJob({ type: 'snapshot' }), period: '2026-11-22' }, 'first');

    // Assess
    await expect(result).rejects.toBeInstanceOf(StorageFailedError);
  });

  it('enqueue: an unreachable endpoint becomes StorageUnavailableError', async () => {
    // Prepare
    mock.on(PutCommand).rejects(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' }));

    // Act
    const result = ledger.enqueue(newJob());

    // Assess
    await expect(result).rejects.toBeInstanceOf(StorageUnavailableError);
  });
});

describe('DynamoDbLeaseStore error translation', () => {
  const leases = new DynamoDbLeaseStore(documentClient, 'jobs', new FakeClock());

  it('release by a non-owner (condition failed) becomes LeaseLostError', async () => {
    // Prepare
    mock.on(DeleteCommand).rejects(new ConditionalCheckFailedException({ message: 'no', ...meta(400) }));

    // Act
    const result = leases.release('rollup', 'someone-else');

    // Assess
    await expect(result).rejects.toBeInstanceOf(LeaseLostError);
  });

  it('acquire against a missing table becomes StorageMisconfiguredError', async () => {
    // Prepare
    mock.on(PutCommand).rejects(new ResourceNotFoundException({ message: 'no table', ...meta(400) }));

    // Act
    const result = leases.acquire('rollup', 'me', 1000);

    // Assess
    await expect(result).rejects.toBeInstanceOf(StorageMisconfiguredError);
  });
});
