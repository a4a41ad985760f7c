import { GetCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { SlotMark } from '../../core/jobs/ports';
import type { JobRecord } from '../../core/jobs/record';
import { batchGetByIds } from './batch-get';
import { cancellationReasons, translateDynamoDbError } from './errors';
import { slotMarkId } from './keys';
import { retryingConflicts } from './retry';

/** `slot#<schedule>#<scheduledFor>`: no `createdAt`, so it stays out of the indexes like claims. */
interface SlotMarkItem {
  id: string;
  schedule: string;
  scheduledFor: string;
  jobId?: string;
  deadLetteredAt?: string;
  expiresAt: number;
}

/**
 * Puts the slot's mark and the run in one transaction, unless another run already holds the
 * slot (a dead-lettered mark without a run may be taken). Returns the holder's id when it lost.
 */
export async function claimSlotTransaction(
  client: DynamoDBDocumentClient,
  tableName: string,
  record: JobRecord & { scheduleName: string; scheduledFor: string },
): Promise<string | undefined> {
  const id = slotMarkId(record.scheduleName, record.scheduledFor);
  return retryingConflicts(`claiming ${id}`, async () => {
    try {
      await client.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: tableName,
                Key: { id },
                UpdateExpression: 'SET #schedule = :schedule, scheduledFor = :slot, jobId = :jobId, expiresAt = :expiresAt',
                ConditionExpression: 'attribute_not_exists(jobId)',
                ExpressionAttributeNames: { '#schedule': 'schedule' },
                ExpressionAttributeValues: { ':schedule': record.scheduleName, ':slot': record.scheduledFor, ':jobId': record.id, ':expiresAt': record.expiresAt },
                ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
              },
            },
            { Put: { TableName: tableName, Item: record, ConditionExpression: 'attribute_not_exists(id)' } },
          ],
        }),
      );
      return undefined;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0]?.Code !== 'ConditionalCheckFailed') throw error;
      // The condition only fails when a run holds the slot, so its id is on the mark.
      const old = reasons[0].Item as SlotMarkItem | undefined;
      return old?.jobId ?? (await readMark(client, tableName, id))?.jobId ?? 'unknown';
    }
  });
}

export async function readSlotMarks(client: DynamoDBDocumentClient, tableName: string, schedule: string, slots: readonly string[]): Promise<Map<string, SlotMark>> {
  const items = (await batchGetByIds(client, tableName, slots.map((slot) => slotMarkId(schedule, slot)), `the slots of ${schedule}`)) as unknown as SlotMarkItem[];
  return new Map(items.map((item) => [item.scheduledFor, markOf(item)]));
}

export async function recordDeadLetteredSlot(
  client: DynamoDBDocumentClient,
  tableName: string,
  slot: { schedule: string; scheduledFor: string; at: Date; expiresAt: number },
): Promise<void> {
  try {
    await client.send(
      new UpdateCommand({
        TableName: tableName,
        Key: { id: slotMarkId(slot.schedule, slot.scheduledFor) },
        // The first dead letter of the slot is the one kept; a later copy changes nothing.
        UpdateExpression: 'SET #schedule = :schedule, scheduledFor = :slot, deadLetteredAt = if_not_exists(deadLetteredAt, :at), expiresAt = if_not_exists(expiresAt, :expiresAt)',
        ExpressionAttributeNames: { '#schedule': 'schedule' },
        ExpressionAttributeValues: { ':schedule': slot.schedule, ':slot': slot.scheduledFor, ':at': slot.at.toISOString(), ':expiresAt': slot.expiresAt },
      }),
    );
  } catch (error) {
    throw translateDynamoDbError(error, `recording the dead letter of ${slot.schedule} at ${slot.scheduledFor}`);
  }
}

async function readMark(client: DynamoDBDocumentClient, tableName: string, id: string): Promise<SlotMarkItem | undefined> {
  const { Item } = await client.send(new GetCommand({ TableName: tableName, Key: { id }, ConsistentRead: true }));
  return Item as SlotMarkItem | undefined;
}

function markOf(item: SlotMarkItem): SlotMark {
  return { ...(item.jobId !== undefined ? { jobId: item.jobId } : {}), ...(item.deadLetteredAt !== undefined ? { deadLetteredAt: item.deadLetteredAt } : {}) };
}
