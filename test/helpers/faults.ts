import type { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { ArtifactStore } from '../../functions/core/jobs/ports';
import { SimulatedCrash } from './rollup-bed';

const WRITE_COMMANDS = new Set(['PutCommand', 'UpdateCommand', 'DeleteCommand', 'BatchWriteCommand', 'TransactWriteCommand']);

/**
 * One process's writes, to DynamoDB and to S3 alike, with a crash that can be armed: after
 * `arm(n)`, n more writes go through and every later one fails with `SimulatedCrash`, as if the
 * process had died between two writes (nothing it does afterwards is stored). `disarm()` is a new
 * process. Reads always work.
 */
export class CrashSwitch {
  private budget = Number.POSITIVE_INFINITY;
  /** Writes that went through, since the start. */
  writes = 0;
  /** How many times a write was refused because of an armed crash. */
  refusedWrites = 0;
  /** How many crashes happened: armed ones that a write reached. */
  crashes = 0;

  private refusedAtArm = 0;

  arm(writesBeforeCrash: number): void {
    this.budget = writesBeforeCrash;
    this.refusedAtArm = this.refusedWrites;
  }

  disarm(): void {
    this.budget = Number.POSITIVE_INFINITY;
  }

  get crashed(): boolean {
    return this.budget <= 0;
  }

  /** Called before each write: lets it through, or fails it as a dead process would. */
  write(): void {
    if (this.budget <= 0) {
      if (this.refusedWrites === this.refusedAtArm) this.crashes += 1;
      this.refusedWrites += 1;
      throw new SimulatedCrash();
    }
    this.budget -= 1;
    this.writes += 1;
  }

  documentClient(client: DynamoDBDocumentClient): DynamoDBDocumentClient {
    const send = async (command: { constructor: { name: string } }): Promise<unknown> => {
      if (WRITE_COMMANDS.has(command.constructor.name)) this.write();
      return (client.send as (c: unknown) => Promise<unknown>)(command);
    };
    return new Proxy(client, {
      get: (target, property, receiver) => (property === 'send' ? send : (Reflect.get(target, property, receiver) as unknown)),
    });
  }

  artifactStore(store: ArtifactStore): ArtifactStore {
    return new Proxy(store, {
      get: (target, property, receiver) => {
        if (property !== 'put') return Reflect.get(target, property, receiver) as unknown;
        return (...args: Parameters<ArtifactStore['put']>) => {
          this.write();
          return target.put(...args);
        };
      },
    });
  }
}
