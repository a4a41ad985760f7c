/**
 * The tables, described once. The CDK stateful stack and the local cloud both build their tables
 * from these definitions, so the local schema cannot drift from the deployed one.
 */
export interface KeyAttribute {
  name: string;
  type: 'S' | 'N';
}

export interface IndexDefinition {
  name: string;
  partitionKey: KeyAttribute;
  sortKey: KeyAttribute;
}

export interface TableDefinition {
  /** Logical id in the stack and the local table name. */
  id: string;
  partitionKey: KeyAttribute;
  sortKey?: KeyAttribute;
  indexes: IndexDefinition[];
  ttlAttribute: string;
}

export const JOBS_BY_TYPE_INDEX = 'byType';
export const JOBS_BY_STATUS_INDEX = 'byStatus';

/**
 * Runs keyed by `id` (ULID), listed newest first per type or per status through the indexes.
 * Period claims (`period#<type>#<period>`) and leases (`lease#<name>`) live here too: they have
 * no `createdAt`, so they never appear in the indexes.
 */
export const jobsTable: TableDefinition = {
  id: 'Jobs',
  partitionKey: { name: 'id', type: 'S' },
  indexes: [
    { name: JOBS_BY_TYPE_INDEX, partitionKey: { name: 'type', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
    { name: JOBS_BY_STATUS_INDEX, partitionKey: { name: 'status', type: 'S' }, sortKey: { name: 'createdAt', type: 'S' } },
  ],
  ttlAttribute: 'expiresAt',
};

/** Rollup partials, daily stats, snapshots and proofs: `pk` groups an item family, `sk` orders it. */
export const analyticsTable: TableDefinition = {
  id: 'Analytics',
  partitionKey: { name: 'pk', type: 'S' },
  sortKey: { name: 'sk', type: 'S' },
  indexes: [],
  ttlAttribute: 'expiresAt',
};

