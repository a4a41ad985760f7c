import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';

type Totals = Record<string, number>;

/**
 * Counts what the rollup asks of DynamoDB and S3 through SDK middleware: requests by operation,
 * and DynamoDB's consumed capacity (the middleware asks every call for it, so the emulator
 * computes read and write units as DynamoDB would bill them on demand).
 */
export class RequestCounter {
  private totals: Totals = {};

  attach(dynamodb: DynamoDBClient, s3: S3Client): void {
    dynamodb.middlewareStack.add(
      (next, context) => async (args) => {
        const input = args.input as Record<string, unknown>;
        if (!('ReturnConsumedCapacity' in input) && context.commandName !== 'ListTablesCommand') input['ReturnConsumedCapacity'] = 'TOTAL';
        const result = await next(args);
        this.add(`dynamodb ${String(context.commandName).replace(/Command$/, '')}`, 1);
        const consumed = (result.output as { ConsumedCapacity?: unknown }).ConsumedCapacity;
        for (const entry of Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) {
          const { ReadCapacityUnits, WriteCapacityUnits, CapacityUnits } = entry as Record<string, number | undefined>;
          const isWrite = /Put|Update|Delete|Write/.test(String(context.commandName));
          this.add('dynamodb RRU', ReadCapacityUnits ?? (isWrite ? 0 : CapacityUnits ?? 0));
          this.add('dynamodb WRU', WriteCapacityUnits ?? (isWrite ? CapacityUnits ?? 0 : 0));
        }
        return result;
      },
      { step: 'initialize', name: 'nightshiftCostCounter' },
    );
    s3.middlewareStack.add(
      (next, context) => async (args) => {
        this.add(`s3 ${String(context.commandName).replace(/Command$/, '')}`, 1);
        return next(args);
      },
      { step: 'initialize', name: 'nightshiftCostCounter' },
    );
  }

  reset(): void {
    this.totals = {};
  }

  perRun(runs: number): Totals {
    return Object.fromEntries(Object.entries(this.totals).sort(([a], [b]) => (a < b ? -1 : 1)).map(([name, value]) => [name, Math.round((value / runs) * 10) / 10]));
  }

  private add(name: string, value: number): void {
    this.totals[name] = (this.totals[name] ?? 0) + value;
  }
}
