import {
  GetCommand,
  PutCommand,
  TransactWriteCommand,
  UpdateCommand,
  type DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import type { JobType } from '../../core/jobs/job-types';
import type { JobPatch, JobRecord, NewJob } from '../../core/jobs/record';
import type { ClaimMode, ClaimResult, Clock, JobKey, JobLedger, JobPage, JobQuery, PeriodState, SlotMark } from '../../core/jobs/ports';
import { isActive, isLegalTransition, retryableStatuses, successfulStatuses, type JobStatus, type JobTrigger } from '../../core/jobs/states';
import { IllegalTransitionError, JobNotFoundError, RunInProgressError } from '../../core/jobs/errors';
import { cancellationReasons, conditionFailureItem, isConditionalCheckFailure, translateDynamoDbError } from './errors';
import { FIRST_START_ID, periodClaimId } from './keys';
import { retryingConflicts } from './retry';
import { batchGetByIds } from './batch-get';
import { claimSlotTransaction, readSlotMarks, recordDeadLetteredSlot } from './slot-marks';
import { listJobs } from './job-listing';

/** The claim item of a period: which run holds it and that run's status, mirrored on every move. */
interface PeriodClaimItem {
  id: string;
  jobType: JobType;
  period: string;
  jobId: string;
  jobStatus: JobStatus;
  trigger: JobTrigger;
  updatedAt: string;
  expiresAt: number;
}

/**
 * The run ledger on DynamoDB. Every state change is one conditional write (a PutItem, an
 * UpdateItem, or a TransactWriteItems when a period claim moves with its run), so two writers
 * can never both win and a stale writer can never move a run backwards.
 */
export interface JobLedgerOptions {
  /** Stamps the claim's `updatedAt` when its run moves. */
  clock: Clock;
  /** The catalog's job types: a listing without a type or status filter reads each one's partition. */
  jobTypes: readonly JobType[];
}

export class DynamoDbJobLedger implements JobLedger {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly options: JobLedgerOptions,
  ) {}

  async enqueue(job: NewJob): Promise<JobRecord> {
    const record = newRecord(job, 'queued');
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: record, ConditionExpression: 'attribute_not_exists(id)' }),
      );
    } catch (error) {
      if (isConditionalCheckFailure(error)) throw new IllegalTransitionError(job.id, 'queued', undefined, { cause: error });
      throw translateDynamoDbError(error, `recording job ${job.id}`);
    }
    return record;
  }

  async claimPeriod(job: NewJob & { period: string }, mode: ClaimMode): Promise<ClaimResult> {
    const record = newRecord(job, 'queued');
    const claim: PeriodClaimItem = {
      id: periodClaimId(job.type, job.period),
      jobType: job.type,
      period: job.period,
      jobId: job.id,
      jobStatus: 'queued',
      trigger: job.trigger,
      updatedAt: job.createdAt,
      expiresAt: job.expiresAt,
    };
    const { condition, values } = claimCondition(mode);
    const existing = await retryingConflicts(`claiming ${claim.id}`, async () => {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  Item: claim,
                  ConditionExpression: condition,
                  ExpressionAttributeValues: values,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              { Put: { TableName: this.tableName, Item: record, ConditionExpression: 'attribute_not_exists(id)' } },
            ],
          }),
        );
        return undefined;
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
        return (reasons[0].Item as PeriodClaimItem | undefined) ?? (await this.getClaim(claim.id));
      }
    });
    if (!existing) return { outcome: 'claimed', job: record };
    if (mode === 'force' && isActive(existing.jobStatus)) {
      throw new RunInProgressError(existing.jobId);
    }
    return this.recordSkipped(job, existing.jobId);
  }

  async claimSlot(job: NewJob & { scheduleName: string; scheduledFor: string }): Promise<ClaimResult> {
    const record = { ...newRecord(job, 'queued'), scheduleName: job.scheduleName, scheduledFor: job.scheduledFor };
    const holder = await claimSlotTransaction(this.client, this.tableName, record);
    return holder === undefined ? { outcome: 'claimed', job: record } : this.recordSkipped(job, holder);
  }

  slotMarks(schedule: string, slots: readonly string[]): Promise<Map<string, SlotMark>> {
    return readSlotMarks(this.client, this.tableName, schedule, slots);
  }

  recordDeadLetter(schedule: string, scheduledFor: string, at: Date, expiresAt: number): Promise<void> {
    return recordDeadLetteredSlot(this.client, this.tableName, { schedule, scheduledFor, at, expiresAt });
  }

  async getMany(ids: readonly string[]): Promise<Map<string, JobRecord>> {
    const items = await batchGetByIds(this.client, this.tableName, ids, 'runs');
    return new Map(items.filter((item) => 'createdAt' in item).map((item) => [String(item['id']), item as unknown as JobRecord]));
  }

  /** A new run that lost its claim (period or slot) is recorded as ended, pointing at the holder. */
  private async recordSkipped(job: NewJob, holderId: string): Promise<ClaimResult> {
    const skipped = newRecord(job, 'skipped', { skippedFor: holderId, finishedAt: job.createdAt, durationMs: 0 });
    try {
      await this.client.send(
        new PutCommand({ TableName: this.tableName, Item: skipped, ConditionExpression: 'attribute_not_exists(id)' }),
      );
    } catch (error) {
      throw translateDynamoDbError(error, `recording skipped job ${job.id}`);
    }
    return { outcome: 'skipped', job: skipped, existingJobId: holderId };
  }

  async get(id: string): Promise<JobRecord | undefined> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
      return Item && 'createdAt' in Item ? (Item as JobRecord) : undefined;
    } catch (error) {
      throw translateDynamoDbError(error, `reading job ${id}`);
    }
  }

  async transition(job: JobKey, from: readonly JobStatus[], to: JobStatus, patch: JobPatch): Promise<JobRecord> {
    // A move states.ts does not allow is never written, even when the run is in `from` (that
    // would move it backwards): refused like a lost race, naming the state the run is in.
    if (from.length === 0 || from.some((status) => !isLegalTransition(status, to))) {
      throw new IllegalTransitionError(job.id, to, (await this.get(job.id))?.status);
    }
    const update = buildUpdate(from, to, patch);
    if (job.period === undefined) return this.transitionAlone(job.id, to, update);
    const claimId = periodClaimId(job.type, job.period);
    await retryingConflicts(`moving job ${job.id} to ${to}`, async () => {
      try {
        await this.client.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { id: job.id },
                  ...update,
                  ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
                },
              },
              {
                Update: {
                  TableName: this.tableName,
                  Key: { id: claimId },
                  UpdateExpression: 'SET jobStatus = :to, updatedAt = :now',
                  ConditionExpression: 'jobId = :jobId',
                  ExpressionAttributeValues: { ':to': to, ':now': this.options.clock.now().toISOString(), ':jobId': job.id },
                },
              },
            ],
          }),
        );
      } catch (error) {
        const reasons = cancellationReasons(error);
        if (reasons?.[0]?.Code === 'ConditionalCheckFailed') {
          const actual = reasons[0].Item?.['status'] as JobStatus | undefined;
          if (!reasons[0].Item) throw new JobNotFoundError(job.id, { cause: error });
          throw new IllegalTransitionError(job.id, to, actual, { cause: error });
        }
        if (reasons?.[1]?.Code === 'ConditionalCheckFailed') {
          // The period was taken over by a forced run: this run no longer speaks for it.
          throw new IllegalTransitionError(job.id, to, undefined, { cause: error });
        }
        throw error;
      }
    });
    const record = await this.get(job.id);
    if (!record) throw new JobNotFoundError(job.id);
    return record;
  }

  async periodStates(type: JobType, periods: readonly string[]): Promise<Map<string, PeriodState>> {
    const ids = periods.map((period) => periodClaimId(type, period));
    const items = (await batchGetByIds(this.client, this.tableName, ids, `${type} period claims`)) as unknown as PeriodClaimItem[];
    return new Map(items.map((item) => [item.period, { jobId: item.jobId, status: item.jobStatus, trigger: item.trigger }]));
  }

  list(query: JobQuery): Promise<JobPage> {
    return listJobs(this.client, this.tableName, this.options.jobTypes, query);
  }

  async recordFirstStart(at: Date): Promise<Date> {
    // Read first: once recorded (every sweep after the first), this is one read and no write.
    const recorded = await this.firstStart();
    if (recorded !== undefined && recorded.getTime() <= at.getTime()) return recorded;
    try {
      await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id: FIRST_START_ID },
          UpdateExpression: 'SET firstStartedAt = :at',
          // ISO instants from toISOString() order as strings do: the earliest one stays.
          ConditionExpression: 'attribute_not_exists(firstStartedAt) OR firstStartedAt > :at',
          ExpressionAttributeValues: { ':at': at.toISOString() },
        }),
      );
      return at;
    } catch (error) {
      if (!isConditionalCheckFailure(error)) throw translateDynamoDbError(error, 'recording the first start');
      // Someone recorded an earlier one in between.
      return (await this.firstStart()) ?? at;
    }
  }

  private async firstStart(): Promise<Date | undefined> {
    try {
      const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id: FIRST_START_ID }, ConsistentRead: true }));
      const value: unknown = Item?.['firstStartedAt'];
      return typeof value === 'string' ? new Date(value) : undefined;
    } catch (error) {
      throw translateDynamoDbError(error, 'reading the first start');
    }
  }

  private async transitionAlone(id: string, to: JobStatus, update: ReturnType<typeof buildUpdate>): Promise<JobRecord> {
    try {
      const result = await this.client.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { id },
          ...update,
          ReturnValues: 'ALL_NEW',
          ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
        }),
      );
      return result.Attributes as JobRecord;
    } catch (error) {
      if (isConditionalCheckFailure(error)) {
        const current = conditionFailureItem(error);
        if (!current) throw new JobNotFoundError(id, { cause: error });
        throw new IllegalTransitionError(id, to, current['status'] as JobStatus, { cause: error });
      }
      throw translateDynamoDbError(error, `moving job ${id} to ${to}`);
    }
  }

  private async getClaim(id: string): Promise<PeriodClaimItem | undefined> {
    const { Item } = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { id }, ConsistentRead: true }));
    return Item as PeriodClaimItem | undefined;
  }

}

function newRecord(job: NewJob, status: JobStatus, extra: Partial<JobRecord> = {}): JobRecord {
  return { ...job, status, artifacts: [], ...extra };
}

function claimCondition(mode: ClaimMode): { condition: string; values?: Record<string, string> } {
  if (mode === 'first') return { condition: 'attribute_not_exists(id)' };
  const allowed = mode === 'retry' ? [...retryableStatuses, 'skipped'] : [...successfulStatuses, ...retryableStatuses, 'skipped'];
  const values = Object.fromEntries(allowed.map((status, index) => [`:s${index}`, status]));
  return { condition: `attribute_not_exists(id) OR jobStatus IN (${Object.keys(values).join(', ')})`, values };
}

function buildUpdate(from: readonly JobStatus[], to: JobStatus, patch: JobPatch) {
  const names: Record<string, string> = { '#status': 'status' };
  const values: Record<string, unknown> = { ':to': to };
  const sets = ['#status = :to'];
  for (const [field, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    names[`#${field}`] = field;
    values[`:${field}`] = value;
    sets.push(`#${field} = :${field}`);
  }
  const fromPlaceholders = from.map((status, index) => {
    values[`:from${index}`] = status;
    return `:from${index}`;
  });
  return {
    UpdateExpression: `SET ${sets.join(', ')}`,
    ConditionExpression: `#status IN (${fromPlaceholders.join(', ')})`,
    ExpressionAttributeNames: names,
    ExpressionAttributeValues: values,
  };
}
