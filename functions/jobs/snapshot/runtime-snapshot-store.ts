import { DynamoDbSnapshotStore } from '../../adapters/dynamodb/snapshot-store';
import { runtime } from '../../runtime/runtime';
import type { SnapshotStore } from '../../core/snapshots/ports';

/** Snapshot items in the runtime's Analytics table, for the API. */
export function runtimeSnapshotStore(): SnapshotStore {
  const { documentClient, env } = runtime();
  return new DynamoDbSnapshotStore(documentClient, env.analyticsTable);
}
