import type { DayMark } from '../../core/calendar/types';
import type { TrendBand } from '../../core/proofs/trend-bands';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ProofIndex, ProofIndexEntry } from '../../core/proofs/ports';
import { translateDynamoDbError } from './errors';
import { queryAll } from './query-items';

/** Proof index items of the Analytics table: `pk = proof`, `sk = <local day>`. */
export const PROOF_PK = 'proof';

const DAY_SECONDS = 86_400;

/**
 * One small item per proven day, expiring with the proofs themselves
 * (`retention.proofsDays` after the proof was made).
 */
export class DynamoDbProofIndex implements ProofIndex {
  constructor(
    private readonly client: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async put(entry: ProofIndexEntry): Promise<void> {
    const expiresAt = Math.floor(Date.parse(entry.generatedAt) / 1000) + this.retentionDays * DAY_SECONDS;
    try {
      await this.client.send(new PutCommand({ TableName: this.tableName, Item: { pk: PROOF_PK, sk: entry.date, ...entry, expiresAt } }));
    } catch (error) {
      throw translateDynamoDbError(error, `writing the proof index entry of ${entry.date}`);
    }
  }

  async get(date: string): Promise<ProofIndexEntry | undefined> {
    try {
      const result = await this.client.send(new GetCommand({ TableName: this.tableName, Key: { pk: PROOF_PK, sk: date }, ConsistentRead: true }));
      return result.Item ? entryOf(result.Item) : undefined;
    } catch (error) {
      throw translateDynamoDbError(error, `reading the proof index entry of ${date}`);
    }
  }

  list(from: string, to: string): Promise<ProofIndexEntry[]> {
    return queryAll(
      this.client,
      {
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': PROOF_PK, ':from': from, ':to': to },
        ConsistentRead: true,
      },
      `listing proofs ${from}..${to}`,
      entryOf,
    );
  }
}

function entryOf(item: Record<string, unknown>): ProofIndexEntry {
  return {
    date: String(item['date']),
    status: item['status'] as ProofIndexEntry['status'],
    exitCode: Number(item['exitCode']) as ProofIndexEntry['exitCode'],
    generatedAt: String(item['generatedAt']),
    key: String(item['key']),
    jobId: String(item['jobId']),
    summary: item['summary'] as ProofIndexEntry['summary'],
    criticalMetrics: Array.isArray(item['criticalMetrics']) ? (item['criticalMetrics'] as unknown[]).map(String) : [],
    ...(Array.isArray(item['calendar']) ? { calendar: item['calendar'] as DayMark[] } : {}),
    ...(item['bands'] && typeof item['bands'] === 'object' ? { bands: item['bands'] as Record<string, TrendBand> } : {}),
  };
}
